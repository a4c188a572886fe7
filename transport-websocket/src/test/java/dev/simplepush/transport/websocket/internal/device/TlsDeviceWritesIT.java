package dev.simplepush.transport.websocket.internal.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.NotifyOutcome;
import dev.simplepush.core.PushConfig;
import dev.simplepush.transport.websocket.TestDevice;
import dev.simplepush.transport.websocket.TestServer;
import dev.simplepush.transport.websocket.TlsConfig;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.testing.TestCertificates;
import dev.simplepush.transport.websocket.testing.TestCertificates.Issued;
import dev.simplepush.transport.websocket.testing.TestCertificates.KeyFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS device socket written from many threads at once: notifications sent by other threads (as the store's and
 * the scheduler's threads send them) while the device's own I/O thread reads its pings and writes the pongs. The TLS
 * connection is not thread-safe, so the socket hands those frames to its I/O thread; every frame must arrive whole
 * and in each channel's order.
 */
class TlsDeviceWritesIT {

    private static final int CHANNELS = 6;
    private static final int VERSIONS = 400;
    private static final Pattern NOTIFICATION = Pattern.compile(
            "^\\{\"messageType\":\"notification\",\"updates\":\\[\\{\"channelID\":\"([^\"]+)\",\"version\":(\\d+)\\}\\]\\}$");

    @TempDir
    Path folder;

    @Test
    void notificationsFromOtherThreadsArriveWholeAndInOrderWhileTheDevicePings() throws Exception {
        Issued issued = TestCertificates.ec("writes");
        Path chain = folder.resolve("chain.pem");
        Path key = folder.resolve("key.pem");
        issued.writeTo(chain, key, KeyFormat.PKCS8);
        HttpClient client = HttpClient.newBuilder().sslContext(issued.clientContext()).build();
        ExecutorService senders = Executors.newFixedThreadPool(CHANNELS + 1);
        try (TestServer server = TestServer.start(PushConfig.defaults(), WebSocketConfig.builder().port(0)
                .tls(TlsConfig.pemFiles(chain, key)).build());
                TestDevice device = TestDevice.connect(client, URI.create("wss://127.0.0.1:" + server.port() + "/"))) {
            device.hello();
            Map<String, EndpointToken> tokens = new HashMap<>();
            for (int i = 0; i < CHANNELS; i++) {
                TestDevice.Registration registration = device.register();
                String path = registration.endpoint().getPath();
                tokens.put(registration.channelId(), new EndpointToken(path.substring(path.lastIndexOf('/') + 1)));
            }

            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (EndpointToken token : tokens.values()) {
                sent.add(CompletableFuture.runAsync(() -> {
                    for (int version = 1; version <= VERSIONS; version++) {
                        NotifyOutcome outcome = TestServer.join(server.service.notify(token,
                                Optional.of(Integer.toString(version)), Optional.empty()).toCompletableFuture());
                        assertThat(outcome).isEqualTo(NotifyOutcome.DELIVERED);
                    }
                }, senders));
            }
            CompletableFuture<Void> pinging = CompletableFuture.runAsync(() -> {
                while (!CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).isDone()) {
                    TestServer.join(device.socket().sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                            .toCompletableFuture());
                }
            }, senders);

            Map<String, Integer> last = new HashMap<>();
            for (int received = 0; received < CHANNELS * VERSIONS; received++) {
                String frame = device.next();
                Matcher notification = NOTIFICATION.matcher(frame);
                assertThat(notification.matches()).as("a whole notification frame: %s", frame).isTrue();
                int version = Integer.parseInt(notification.group(2));
                Integer before = last.put(notification.group(1), version);
                assertThat(version).as("the version after %s on %s", before, notification.group(1))
                        .isEqualTo(before == null ? 1 : before + 1);
            }
            TestServer.join(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
            TestServer.join(pinging);
            assertThat(last).hasSize(CHANNELS).allSatisfy((channel, version) -> assertThat(version).isEqualTo(VERSIONS));
            assertThat(device.isClosed()).isFalse();
        } finally {
            senders.shutdownNow();
            senders.awaitTermination(TestServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
