package dev.simplepush.transport.websocket;

import static dev.simplepush.transport.websocket.RawWebSocket.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushConfig;
import dev.simplepush.transport.websocket.RawWebSocket.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WebSocketConfig#allowedOrigins()}: a browser upgrade whose {@code Origin} is not allowed is answered 403,
 * an allowed one and one without {@code Origin} (as devices send) are upgraded; both on a connection's first request
 * (answered by the device side's open listener) and on a later one of a keep-alive connection (answered by
 * Undertow's route for {@code /}). Every request is written byte for byte.
 */
class AllowedOriginsIT {

    private static final String HELLO = "{\"messageType\":\"hello\"}";

    /** Allows pages of {@code https://app.example} and {@code http://localhost:3000} only. */
    private static TestServer guarded;
    /** The default: any origin. */
    private static TestServer open;

    @BeforeAll
    static void start() {
        guarded = TestServer.start(PushConfig.defaults(), WebSocketConfig.builder().port(0)
                .allowedOrigins(List.of("https://app.example", "http://localhost:3000")).build());
        open = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (guarded != null) {
            guarded.close();
        }
        if (open != null) {
            open.close();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void upgradeFromAForeignOriginIs403(boolean afterAnotherRequest) {
        try (RawWebSocket connection = connect(guarded, afterAnotherRequest)) {
            connection.writeRaw(upgrade(RawWebSocket.newKey(), "Origin: https://evil.example"));
            HttpResponse response = connection.readResponse();
            assertThat(response.status()).as("status, body '%s'", response.body()).isEqualTo(403);
            assertThat(response.header("Sec-WebSocket-Accept")).isEmpty();
            assertThat(response.body()).startsWith("{\"code\":403,\"errno\":116,");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example:8443", "http://app.example", "null", "https://app.example.evil"})
    void originsThatOnlyLookAlikeAre403(String origin) {
        try (RawWebSocket connection = connect(guarded, false)) {
            connection.writeRaw(upgrade(RawWebSocket.newKey(), "Origin: " + origin));
            assertThat(connection.readResponse().status()).as(origin).isEqualTo(403);
        }
    }

    @Test
    void repeatedOriginLinesAre403() {
        try (RawWebSocket connection = connect(guarded, false)) {
            connection.writeRaw(upgrade(RawWebSocket.newKey(), "Origin: https://app.example",
                    "Origin: https://evil.example"));
            assertThat(connection.readResponse().status()).isEqualTo(403);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void upgradeFromAnAllowedOriginIs101(boolean afterAnotherRequest) {
        for (String origin : List.of("https://app.example", "http://localhost:3000", "HTTPS://APP.EXAMPLE")) {
            String key = RawWebSocket.newKey();
            try (RawWebSocket connection = connect(guarded, afterAnotherRequest)) {
                connection.writeRaw(upgrade(key, "Origin: " + origin));
                connection.readResponse().assertUpgraded(key);
                assertHelloWorks(connection);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void upgradeWithoutOriginIs101(boolean afterAnotherRequest) {
        String key = RawWebSocket.newKey();
        try (RawWebSocket connection = connect(guarded, afterAnotherRequest)) {
            connection.writeRaw(upgrade(key));
            connection.readResponse().assertUpgraded(key);
            assertHelloWorks(connection);
        }
    }

    @Test
    void byDefaultAnyOriginIsUpgraded() {
        String key = RawWebSocket.newKey();
        try (RawWebSocket connection = connect(open, false)) {
            connection.writeRaw(upgrade(key, "Origin: https://evil.example"));
            connection.readResponse().assertUpgraded(key);
            assertHelloWorks(connection);
        }
    }

    /**
     * A connection to {@code server}; if {@code afterAnotherRequest}, one that has already carried a request, so
     * that the upgrade is Undertow's to route rather than the open listener's.
     */
    private static RawWebSocket connect(TestServer server, boolean afterAnotherRequest) {
        RawWebSocket connection = RawWebSocket.open(server.webSocketUri());
        if (afterAnotherRequest) {
            connection.writeRaw(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(connection.readResponse().status()).isEqualTo(200);
        }
        return connection;
    }

    /** A version 13 upgrade of {@code /} with {@code key}, as a browser sends it, with more header lines at its end. */
    private static byte[] upgrade(String key, String... moreHeaderLines) {
        List<String> lines = new ArrayList<>(List.of("GET / HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket",
                "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"));
        lines.addAll(List.of(moreHeaderLines));
        return ascii(String.join("\r\n", lines) + "\r\n\r\n");
    }

    private static void assertHelloWorks(RawWebSocket connection) {
        connection.send(text(HELLO));
        assertThat(connection.readMessage()).startsWith("{\"messageType\":\"hello\",\"uaid\":\"");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
