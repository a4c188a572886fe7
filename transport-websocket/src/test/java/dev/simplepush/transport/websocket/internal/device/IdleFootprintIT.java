package dev.simplepush.transport.websocket.internal.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.transport.websocket.HeapHistogram;
import dev.simplepush.transport.websocket.TestDevice;
import dev.simplepush.transport.websocket.TestServer;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.core.PushConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an idle device socket keeps on the server's heap, counted in a class histogram of live objects (taken after
 * a full GC) while a few hundred devices sit idle after hello and one register.
 *
 * <p>Counts objects, not time: the histogram is exact for live instances, and the devices' client side (the JDK
 * WebSocket client in this same JVM) uses none of the classes counted here.
 */
class IdleFootprintIT {

    private static final int DEVICES = 400;
    private static final String HTTP_CONNECTION = "io.undertow.server.protocol.http.HttpServerConnection";
    /**
     * Bytes per idle socket of Undertow, XNIO and simplepush objects (JDK objects such as the socket channel and
     * strings are left out, as the client side has them too): XNIO's connection and conduits, our socket, frame
     * reader and session, and the in-memory store's device and channel. It was about 1,500 while Undertow's
     * WebSocket channel and the upgraded HTTP connection were kept per socket.
     */
    private static final long MAX_SERVER_BYTES_PER_SOCKET = 800;

    @Test
    void idleSocketsKeepNeitherTheUpgradeRequestNorMoreThanTheirBudget() throws InterruptedException {
        HeapHistogram before = HeapHistogram.take();
        // Were a device's upgrade to go through Undertow's HTTP layer again, Undertow's request timer would keep its
        // HTTP connection reachable until it fires: a short idle timeout keeps that from hiding or faking a leak.
        WebSocketConfig transport = WebSocketConfig.builder().port(0).httpIdleTimeout(Duration.ofMillis(500)).build();
        try (TestServer server = TestServer.start(PushConfig.defaults(), transport)) {
            List<TestDevice> devices = new ArrayList<>();
            try {
                for (int i = 0; i < DEVICES; i++) {
                    TestDevice device = TestDevice.connect(server.webSocketUri());
                    devices.add(device);
                    device.hello();
                    device.register();
                }
                long deadline = System.nanoTime() + TestServer.TIMEOUT.toNanos();
                HeapHistogram idle = HeapHistogram.take();
                // Sockets of earlier tests in this JVM may take a moment to go (a close's grace timer holds one).
                while ((idle.instances(HTTP_CONNECTION) >= DEVICES / 10
                        || idle.instances(DeviceSocket.class.getName()) != DEVICES) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    idle = HeapHistogram.take();
                }

                // The histogram sees every socket, so the bounds below are not met by counting nothing.
                assertThat(idle.instances(DeviceSocket.class.getName())).isEqualTo(DEVICES);
                assertThat(idle.instances("org.xnio.nio.NioSocketStreamConnection")).isGreaterThanOrEqualTo(DEVICES);

                // The upgrade request (its exchange, headers and handshake wrapper) and the HTTP connection that
                // carried it are garbage once upgraded.
                for (String requestClass : List.of("io.undertow.server.HttpServerExchange",
                        "io.undertow.util.HeaderMap", "io.undertow.util.HeaderValues",
                        "io.undertow.websockets.spi.AsyncWebSocketHttpServerExchange",
                        HTTP_CONNECTION,
                        "io.undertow.server.protocol.http.HttpReadListener")) {
                    assertThat(idle.instances(requestClass)).as(requestClass + " instances with %d idle sockets",
                            DEVICES).isLessThan(DEVICES / 10);
                }

                // P5.5's memo of what a connection was sent (a map) exists only once something was sent.
                assertThat(idle.instances("dev.simplepush.core.SentMemo"))
                        .as("memos of sent versions with %d idle sockets that were sent nothing", DEVICES)
                        .isLessThan(DEVICES / 10);

                long perSocket = (serverBytes(idle) - serverBytes(before)) / DEVICES;
                assertThat(perSocket).as("bytes of Undertow, XNIO and simplepush objects per idle socket")
                        .isLessThanOrEqualTo(MAX_SERVER_BYTES_PER_SOCKET);
            } finally {
                devices.forEach(TestDevice::close);
            }
        }
    }

    private static long serverBytes(HeapHistogram histogram) {
        return histogram.bytes(name -> (name.startsWith("io.undertow.") || name.startsWith("[Lio.undertow.")
                || name.startsWith("org.xnio.") || name.startsWith("dev.simplepush."))
                && !name.startsWith(TestDevice.class.getName()));
    }
}
