package dev.simplepush.transport.websocket;

import static dev.simplepush.transport.websocket.RawWebSocket.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.transport.websocket.RawWebSocket.Close;
import dev.simplepush.transport.websocket.RawWebSocket.HttpResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Draining the listener before a stop: devices are closed in random waves spread over the drain time, new devices
 * are refused, app servers are still served, and a stop lets the requests in flight finish.
 */
class DrainIT {

    private static final int DEVICES = 40;

    @Test
    void devicesAreClosedWith1001InWavesSpreadOverTheFirstThreeQuartersOfTheDrainTime() throws Exception {
        Duration drainTime = Duration.ofSeconds(2);
        ExecutorService readers = Executors.newFixedThreadPool(DEVICES);
        try (TestServer server = TestServer.start()) {
            List<RawWebSocket> devices = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                RawWebSocket device = RawWebSocket.connect(server.webSocketUri());
                device.send(text("{\"messageType\":\"hello\"}"));
                device.readMessage();
                devices.add(device);
            }
            long start = System.nanoTime();
            List<CompletableFuture<Long>> closedAfterMillis = new ArrayList<>();
            for (RawWebSocket device : devices) {
                closedAfterMillis.add(CompletableFuture.supplyAsync(() -> {
                    Close close = device.readClose();
                    long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertThat(close.code()).isEqualTo(CloseCodes.GOING_AWAY);
                    device.answerClose(close);
                    return after;
                }, readers));
            }
            CompletableFuture<Void> drained = server.server.drain(drainTime).toCompletableFuture();

            TreeSet<Long> times = new TreeSet<>();
            for (CompletableFuture<Long> closed : closedAfterMillis) {
                times.add(closed.get(10, TimeUnit.SECONDS));
            }
            drained.get(10, TimeUnit.SECONDS);
            long drainedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            devices.forEach(RawWebSocket::close);

            // Three quarters of 2 s is 1.5 s: 7 waves 250 ms apart. Not all at once, and none after the spread.
            Set<Long> waves = new TreeSet<>();
            times.forEach(t -> waves.add(t / 250));
            assertThat(waves).as("250 ms slots in which devices were closed: %s", times).hasSizeGreaterThanOrEqualTo(4);
            assertThat(times.last() - times.first()).as("spread of the closes: %s", times).isGreaterThan(900);
            assertThat(times.last()).as("last close").isLessThan(1_900);
            // Complete once every device has gone, not at the end of the drain time.
            assertThat(drainedAfter).as("drain completed after").isLessThan(drainTime.toMillis());
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void aDrainingListenerRefusesNewDevicesWith503AndStillServesEndpoints() throws Exception {
        try (TestServer server = TestServer.start(PushConfig.defaults(),
                WebSocketConfig.builder().port(0).build())) {
            TestDevice device = TestDevice.connect(server.webSocketUri());
            device.hello();
            URI endpoint = device.register().endpoint();
            CompletableFuture<Void> drained = server.server.drain(Duration.ofSeconds(30)).toCompletableFuture();

            try (RawWebSocket newcomer = RawWebSocket.open(server.webSocketUri())) {
                newcomer.writeRaw(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                HttpResponse refused = newcomer.readResponse();
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isPresent();
            }
            // The app server is still answered: 200 while the device is there, 202 once it is closed.
            int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint)
                    .PUT(HttpRequest.BodyPublishers.ofString("version=7"))
                    .header("Content-Type", "application/x-www-form-urlencoded").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
            assertThat(status).isIn(200, 202);
            // The one device is closed in one of the waves, and the drain completes then.
            drained.get(30, TimeUnit.SECONDS);
            device.close();
        }
    }

    @Test
    void aStopLetsAnEndpointRequestInFlightFinish() throws Exception {
        try (TestServer server = TestServer.start()) {
            TestDevice device = TestDevice.connect(server.webSocketUri());
            device.hello();
            URI uri = device.register().endpoint();
            device.close();
            server.awaitNoOpenSessions();
            try (RawWebSocket appServer = RawWebSocket.open(uri)) {
                // The head and half of the body: the request is in flight when the stop begins.
                appServer.writeRaw(("PUT " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\nversi")
                        .getBytes(StandardCharsets.US_ASCII));
                // Time for the server to read the head: nothing outside the server shows it. Too short, and the
                // request would be refused with 503, failing the test rather than passing it.
                Thread.sleep(200);
                CompletableFuture<Void> stopped = server.server.stop().toCompletableFuture();
                // No device to wait for: without the request, the listener would be closed well within this time.
                Thread.sleep(500);
                assertThat(stopped).as("the stop waits for the request in flight").isNotDone();
                appServer.writeRaw("on=8".getBytes(StandardCharsets.US_ASCII));
                HttpResponse answer = appServer.readResponse();
                assertThat(answer.status()).as("answer to the request in flight").isEqualTo(202);
                stopped.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
