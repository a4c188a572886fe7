package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.store.memory.InMemoryStoreConfig;
import dev.simplepush.store.memory.InMemoryStoreModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's bounds as devices see them over real sockets: a hello flood past {@code maxDevices} is
 * refused (503, then closed with 1013) while known devices keep working, and a device not seen for the device TTL is
 * reset at its next hello (P2.4). The clock is moved by the test; the sweep runs on the server's real scheduler.
 */
class DeviceBoundsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration TTL = Duration.ofDays(60);
    private static final String FULL_REPLY =
            "{\"messageType\":\"hello\",\"status\":503,\"error\":\"server full; retry later\"}";

    private final MovableClock clock = new MovableClock();
    private PushServer server;
    private PushService service;
    private URI webSocket;

    private void start(int maxDevices) {
        InMemoryStoreConfig store = InMemoryStoreConfig.builder().deviceTtl(TTL).maxDevices(maxDevices).build();
        Injector injector = Guice.createInjector(
                new PushCoreModule(PushConfig.defaults()),
                PushCoreModule.clock(clock),
                new InMemoryStoreModule(store),
                new WebSocketTransportModule(WebSocketConfig.builder().port(0).build()));
        server = injector.getInstance(PushServer.class);
        service = injector.getInstance(PushService.class);
        TestServer.join(server.start().toCompletableFuture());
        webSocket = URI.create("ws://127.0.0.1:"
                + injector.getInstance(WebSocketTransport.class).localAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            TestServer.join(server.stop().toCompletableFuture());
        }
    }

    private static HttpResponse<String> put(URI endpoint, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(endpoint).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String resumeHello(String uaid, String channelId) {
        return "{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[\"" + channelId + "\"]}";
    }

    @Test
    void helloFloodPastMaxDevicesIsRefusedWhileAKnownDeviceKeepsReceivingUpdates() throws Exception {
        start(5);
        TestDevice known = TestDevice.connect(webSocket);
        try {
            String uaid = known.hello();
            TestDevice.Registration channel = known.register();
            for (int i = 0; i < 4; i++) {
                try (TestDevice other = TestDevice.connect(webSocket)) {
                    other.hello();
                }
            }

            for (int i = 0; i < 20; i++) {
                try (TestDevice flood = TestDevice.connect(webSocket)) {
                    flood.send("{\"messageType\":\"hello\"}");
                    assertThat(flood.next()).as("hello %d past the bound", i).isEqualTo(FULL_REPLY);
                    assertThat(flood.awaitClose().code()).isEqualTo(1013);
                }
            }
            // A UAID the store does not know needs a new device too: refused alike, not let in.
            try (TestDevice stranger = TestDevice.connect(webSocket)) {
                stranger.send(resumeHello("0123456789abcdef0123456789abcdef", channel.channelId()));
                assertThat(stranger.next()).isEqualTo(FULL_REPLY);
                assertThat(stranger.awaitClose().code()).isEqualTo(1013);
            }

            assertThat(put(channel.endpoint(), "version=1").statusCode()).isEqualTo(200);
            assertThat(known.next()).contains("\"channelID\":\"" + channel.channelId() + "\"")
                    .contains("\"version\":1");

            // The known device reconnects and is resumed, full store or not.
            known.close();
            TestServer.await(() -> service.openSessions() == 0, "the known device's socket closed");
            try (TestDevice again = TestDevice.connect(webSocket)) {
                again.send(resumeHello(uaid, channel.channelId()));
                String reply = again.next();
                assertThat(reply).endsWith("\"status\":200}");
                assertThat(TestDevice.uaidOf(reply)).isEqualTo(uaid);
                // P2.7: version 1 was never acked, so it is still pending: the device kept its state.
                assertThat(again.next()).contains("\"version\":1");
                assertThat(put(channel.endpoint(), "version=2").statusCode()).isEqualTo(200);
                assertThat(again.next()).contains("\"version\":2");
            }
        } finally {
            known.close();
        }
    }

    @Test
    void deviceNotSeenForTheTtlIsResetAtItsNextHelloAndItsEndpointsAreGone() throws Exception {
        start(100);
        String uaid;
        TestDevice.Registration channel;
        try (TestDevice device = TestDevice.connect(webSocket)) {
            uaid = device.hello();
            channel = device.register();
        }
        Duration almost = TTL.minusHours(1);

        // Each hello within the TTL keeps the device: twice the TTL since it was made, never the TTL since seen.
        for (int i = 0; i < 2; i++) {
            clock.move(almost);
            try (TestDevice device = TestDevice.connect(webSocket)) {
                device.send(resumeHello(uaid, channel.channelId()));
                assertThat(TestDevice.uaidOf(device.next())).isEqualTo(uaid);
            }
        }

        clock.move(TTL);

        assertThat(put(channel.endpoint(), "version=5").statusCode()).as("an expired device's endpoint")
                .isEqualTo(410);
        try (TestDevice device = TestDevice.connect(webSocket)) {
            device.send(resumeHello(uaid, channel.channelId()));
            String reply = device.next();
            assertThat(reply).endsWith("\"status\":200}");
            // P2.4: unknown UAID, so a new one; the device re-registers on push-register.
            assertThat(TestDevice.uaidOf(reply)).isNotEqualTo(uaid);
        }
    }

    @Test
    void devicesPastTheTtlMakeRoomForNewOnesWithoutBeingAskedFor() {
        start(2);
        List<String> idle = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (TestDevice device = TestDevice.connect(webSocket)) {
                idle.add(device.hello());
            }
        }
        try (TestDevice refused = TestDevice.connect(webSocket)) {
            refused.send("{\"messageType\":\"hello\"}");
            assertThat(refused.next()).isEqualTo(FULL_REPLY);
        }

        clock.move(TTL);

        // Nobody says hello with the idle UAIDs: only the periodic sweep can forget them.
        TestServer.await(() -> {
            try (TestDevice device = TestDevice.connect(webSocket)) {
                device.send("{\"messageType\":\"hello\"}");
                return device.next().endsWith("\"status\":200}");
            }
        }, "the sweep made room for a new device");
        try (TestDevice second = TestDevice.connect(webSocket)) {
            assertThat(second.hello()).isNotIn(idle);
        }
    }

    /** The system clock, moved forward by the test. */
    private static final class MovableClock extends Clock {

        private final AtomicLong offsetMillis = new AtomicLong();

        void move(Duration by) {
            offsetMillis.addAndGet(by.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("one zone");
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offsetMillis.get());
        }
    }
}
