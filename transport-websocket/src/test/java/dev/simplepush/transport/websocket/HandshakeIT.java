package dev.simplepush.transport.websocket;

import static dev.simplepush.transport.websocket.RawWebSocket.concat;
import static dev.simplepush.transport.websocket.RawWebSocket.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushConfig;
import dev.simplepush.transport.websocket.RawWebSocket.HttpResponse;
import dev.simplepush.transport.websocket.internal.device.Handshake;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The opening handshake (RFC 6455 §4) as the listener answers it, every request written byte for byte: a well-formed
 * version 13 upgrade of {@code /} is answered by {@link DeviceOpenListener} itself; anything else goes to Undertow,
 * whose route for {@code /} ({@link DeviceUpgradeHandler}) checks and answers upgrades with the same
 * {@link Handshake}; other versions are refused with 426; a connection that sends no complete request in time is
 * closed.
 */
class HandshakeIT {

    /** RFC 6455 §1.3: the sample key and the accept value the server derives from it. */
    private static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private static final String HELLO = "{\"messageType\":\"hello\"}";
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(300);
    /** The pooled buffer the first request must fit in: Undertow's default buffer size. */
    private static final int BUFFER_BYTES = 16 * 1024;

    /** A server with the default HTTP idle timeout (one minute), which no test here waits for. */
    private static TestServer server;
    /** A server that closes connections silent for {@link #IDLE_TIMEOUT}. */
    private static TestServer impatient;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        impatient = TestServer.start(PushConfig.defaults(),
                WebSocketConfig.builder().port(0).httpIdleTimeout(IDLE_TIMEOUT).build());
    }

    @AfterAll
    static void stop() {
        if (impatient != null) {
            impatient.close();
        }
        if (server != null) {
            server.close();
        }
    }

    // --- Version 13 upgrades answered by the listener ---------------------------------------------------------------

    @Test
    void version13UpgradeIsAnswered101WithTheAcceptOfTheKeyAndHelloWorks() {
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(upgrade(SAMPLE_KEY));
            HttpResponse response = webSocket.readResponse().assertUpgraded(SAMPLE_KEY);
            // RFC 6455 §1.3: the worked example, independent of how the test computes accept values.
            assertThat(response.header("Sec-WebSocket-Accept")).contains(SAMPLE_ACCEPT);
            assertThat(response.header("Sec-WebSocket-Protocol")).as("protocol header, none offered").isEmpty();
            assertThat(response.body()).isEmpty();
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void upgradeWithAQueryStringIsAnswered101() {
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET /?device=1 HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket",
                    "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"));
            webSocket.readResponse().assertUpgraded(key);
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void pushNotificationOfferedInAListIsEchoedAlone() {
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(upgrade(key, "Sec-WebSocket-Protocol: foo, push-notification"));
            HttpResponse response = webSocket.readResponse().assertUpgraded(key);
            assertThat(response.header("Sec-WebSocket-Protocol")).contains("push-notification");
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void pushNotificationOfferedInARepeatedProtocolHeaderIsEchoed() {
        // RFC 7230 §3.2.2: a list header may be split over several lines.
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(upgrade(key, "Sec-WebSocket-Protocol: foo",
                    "Sec-WebSocket-Protocol: push-notification"));
            HttpResponse response = webSocket.readResponse().assertUpgraded(key);
            assertThat(response.header("Sec-WebSocket-Protocol")).contains("push-notification");
        }
    }

    @Test
    void onlyUnknownProtocolsOfferedGetNoProtocolHeader() {
        // RFC 6455 §4.2.2: a server that selects none of the offered protocols sends no Sec-WebSocket-Protocol.
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(upgrade(key, "Sec-WebSocket-Protocol: foo"));
            HttpResponse response = webSocket.readResponse().assertUpgraded(key);
            assertThat(response.header("Sec-WebSocket-Protocol")).isEmpty();
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void headerNamesAndTokensAreCaseInsensitive() {
        // RFC 7230 §3.2: header names are case-insensitive; RFC 6455 §4.2.1: so are the websocket and Upgrade tokens,
        // and Connection is a list that merely has to contain Upgrade.
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET / HTTP/1.1", "HOST: 127.0.0.1", "UPGRADE: WebSocket",
                    "connection: keep-alive, Upgrade", "sec-websocket-key: " + key, "SEC-WEBSOCKET-VERSION: 13"));
            webSocket.readResponse().assertUpgraded(key);
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void upgradeWithAnEmptyBodyIsAnswered101() {
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(upgrade(key, "Content-Length: 0"));
            webSocket.readResponse().assertUpgraded(key);
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void requestArrivingOneByteAtATimeIsUpgraded() {
        // The head is parsed from a TCP byte stream: how it is split into segments means nothing.
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeByteByByte(upgrade(key, "Sec-WebSocket-Protocol: push-notification"), Duration.ofMillis(1));
            HttpResponse response = webSocket.readResponse().assertUpgraded(key);
            assertThat(response.header("Sec-WebSocket-Protocol")).contains("push-notification");
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void frameInTheSameWriteAsTheRequestIsAnsweredAfterThe101() {
        // The bytes after the head's blank line are the first frame (RFC 6455 §5.2), read once the 101 is sent.
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(concat(upgrade(key), text(HELLO).bytes()));
            webSocket.readResponse().assertUpgraded(key);
            assertHelloReply(webSocket.readMessage());
        }
    }

    // --- Upgrades refused ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "Sec-WebSocket-Version: {0}")
    @ValueSource(ints = {7, 8})
    void olderVersionsAreRefused426WithTheVersionSpoken(int version) {
        // RFC 6455 §4.4: a version the server does not speak is answered with an error and the version it speaks.
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET / HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: " + RawWebSocket.newKey(), "Sec-WebSocket-Version: " + version));
            HttpResponse response = webSocket.readResponse();
            assertRefused(response);
            assertError(response, 426, 107);
            assertThat(response.header("Sec-WebSocket-Version")).contains("13");
            assertThat(response.header("Upgrade")).contains("websocket");
        }
    }

    @Test
    void unknownVersionIsRefused() {
        // RFC 6455 §4.2.2, §4.4: a version the server does not speak is not upgraded. Undertow finds no handshake for
        // it and answers as for a plain request to /: 426 with the JSON error.
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET / HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: " + RawWebSocket.newKey(), "Sec-WebSocket-Version: 99"));
            HttpResponse response = webSocket.readResponse();
            assertRefused(response);
            assertThat(response.status()).isEqualTo(426);
        }
    }

    @Test
    void upgradeWithoutKeyIsRefused() {
        // RFC 6455 §4.2.1: the key is required.
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET / HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Version: 13"));
            HttpResponse response = webSocket.readResponse();
            assertRefused(response);
            assertThat(response.status()).isEqualTo(426);
        }
    }

    @ParameterizedTest(name = "Sec-WebSocket-Key: \"{0}\"")
    @ValueSource(strings = {
        "", // empty
        "not a key", // not base64
        "dGhlIHNhbXBsZSBub25j", // 15 bytes
        "dGhlIHNhbXBsZSBub25jZXM=", // 17 bytes in 24 characters
        "dGhlIHNhbXBsZSBub25jZQ!!", // 24 characters, not base64
    })
    void upgradeWithMalformedKeyIsRefused(String key) {
        // RFC 6455 §4.2.1: the key is 16 bytes in base64, and a handshake other than described gets an HTTP error.
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(upgrade(key));
            assertRefused(webSocket.readResponse());
        }
    }

    @Test
    void olderVersionWithMalformedKeyIsRefused() {
        // The drafts of versions 7 and 8 have the same 16-byte key.
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET / HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: not a key", "Sec-WebSocket-Version: 8"));
            assertRefused(webSocket.readResponse());
        }
    }

    // --- Other requests answered by Undertow ------------------------------------------------------------------------

    @Test
    void plainGetOfTheWebSocketPathIs426() {
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET / HTTP/1.1", "Host: 127.0.0.1"));
            HttpResponse response = webSocket.readResponse();
            assertError(response, 426, 107);
            assertThat(response.header("Upgrade")).contains("websocket");
        }
    }

    @Test
    void healthOnAFreshConnectionAndTheNextRequestOnItAreAnswered() {
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET /health HTTP/1.1", "Host: 127.0.0.1"));
            assertHealthy(webSocket.readResponse());
            webSocket.writeRaw(head("GET /health HTTP/1.1", "Host: 127.0.0.1"));
            assertHealthy(webSocket.readResponse());
        }
    }

    @Test
    void endpointRequestOnAFreshConnectionAndTheNextRequestOnItAreAnswered() {
        String body = "version=1";
        byte[] put = concat(head("PUT /update/garbage-token HTTP/1.1", "Host: 127.0.0.1",
                "Content-Type: application/x-www-form-urlencoded", "Content-Length: " + body.length()), ascii(body));
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(put);
            assertError(webSocket.readResponse(), 404, 102);
            webSocket.writeRaw(put);
            assertError(webSocket.readResponse(), 404, 102);
            webSocket.writeRaw(head("GET /health HTTP/1.1", "Host: 127.0.0.1"));
            assertHealthy(webSocket.readResponse());
        }
    }

    @Test
    void upgradeAfterARequestOnTheSameConnectionIsUpgradedByUndertow() {
        // Only a connection's first request is looked at by the listener; later ones are Undertow's.
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET /health HTTP/1.1", "Host: 127.0.0.1"));
            assertHealthy(webSocket.readResponse());
            webSocket.writeRaw(upgrade(key));
            webSocket.readResponse().assertUpgraded(key);
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void upgradeAfterARequestOnTheSameConnectionGetsTheSameAnswer() {
        // One handshake whichever way the request arrives: the offered sub-protocol is echoed here too (P1.1).
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET /health HTTP/1.1", "Host: 127.0.0.1"));
            assertHealthy(webSocket.readResponse());
            webSocket.writeRaw(upgrade(key, "Sec-WebSocket-Protocol: foo",
                    "Sec-WebSocket-Protocol: push-notification"));
            HttpResponse response = webSocket.readResponse().assertUpgraded(key);
            assertThat(response.header("Sec-WebSocket-Protocol")).contains("push-notification");
            assertHelloWorks(webSocket);
        }
    }

    @Test
    void olderVersionAfterARequestOnTheSameConnectionIsRefused426() {
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(head("GET /health HTTP/1.1", "Host: 127.0.0.1"));
            assertHealthy(webSocket.readResponse());
            webSocket.writeRaw(head("GET / HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: " + RawWebSocket.newKey(), "Sec-WebSocket-Version: 8"));
            HttpResponse response = webSocket.readResponse();
            assertError(response, 426, 107);
            assertThat(response.header("Sec-WebSocket-Version")).contains("13");
            // The refusal leaves the connection usable.
            webSocket.writeRaw(head("GET /health HTTP/1.1", "Host: 127.0.0.1"));
            assertHealthy(webSocket.readResponse());
        }
    }

    @Test
    void upgradeWithoutTheWebSocketTokenIsRefused() {
        // RFC 6455 §4.2.1: Upgrade must name websocket and Connection must name Upgrade, on either path.
        for (boolean afterARequest : new boolean[] {false, true}) {
            try (RawWebSocket webSocket = open(server)) {
                if (afterARequest) {
                    webSocket.writeRaw(head("GET /health HTTP/1.1", "Host: 127.0.0.1"));
                    assertHealthy(webSocket.readResponse());
                }
                webSocket.writeRaw(head("GET / HTTP/1.1", "Host: 127.0.0.1", "Upgrade: h2c", "Connection: Upgrade",
                        "Sec-WebSocket-Key: " + RawWebSocket.newKey(), "Sec-WebSocket-Version: 13"));
                assertError(webSocket.readResponse(), 426, 107);
            }
        }
    }

    @Test
    void headLargerThanTheBufferIsNeverUpgraded() {
        // A head that does not fit the listener's buffer goes to Undertow, whose header limit refuses it.
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(server)) {
            webSocket.writeRaw(upgrade(key, "X-Padding: " + "a".repeat(BUFFER_BYTES + 1024)));
            Optional<HttpResponse> response = webSocket.readResponseUnlessEnded();
            response.ifPresent(HandshakeIT::assertRefused);
        }
    }

    // --- Connections without a request ------------------------------------------------------------------------------

    @Test
    void silentConnectionIsClosedAfterTheIdleTimeout() {
        try (RawWebSocket webSocket = open(impatient)) {
            assertEndsAfterTheIdleTimeout(webSocket);
        }
    }

    @Test
    void connectionStallingHalfWayThroughAnUpgradeIsClosedAfterTheIdleTimeout() {
        byte[] upgrade = upgrade(RawWebSocket.newKey());
        try (RawWebSocket webSocket = open(impatient)) {
            webSocket.writeRaw(Arrays.copyOf(upgrade, upgrade.length / 2));
            assertEndsAfterTheIdleTimeout(webSocket);
        }
    }

    @Test
    void connectionStallingHalfWayThroughAnotherRequestIsClosedAfterTheIdleTimeout() {
        byte[] put = head("PUT /update/garbage-token HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 0");
        try (RawWebSocket webSocket = open(impatient)) {
            webSocket.writeRaw(Arrays.copyOf(put, put.length / 2));
            assertEndsAfterTheIdleTimeout(webSocket);
        }
    }

    @Test
    void requestsInTimeAreAnsweredByTheImpatientServer() {
        // The idle timeout is about silence, not about the connection's age.
        String key = RawWebSocket.newKey();
        try (RawWebSocket webSocket = open(impatient)) {
            webSocket.writeRaw(upgrade(key));
            webSocket.readResponse().assertUpgraded(key);
            assertHelloWorks(webSocket);
        }
    }

    // --- Helpers ----------------------------------------------------------------------------------------------------

    private static RawWebSocket open(TestServer target) {
        return RawWebSocket.open(target.webSocketUri());
    }

    /** A request head: the request line, the header lines, the blank line. */
    private static byte[] head(String requestLine, String... headerLines) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        return ascii(head.append("\r\n").toString());
    }

    /** A version 13 upgrade of {@code /} with {@code key}, as a browser sends it, with more header lines at its end. */
    private static byte[] upgrade(String key, String... moreHeaderLines) {
        List<String> lines = new ArrayList<>(List.of("Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"));
        lines.addAll(List.of(moreHeaderLines));
        return head("GET / HTTP/1.1", lines.toArray(String[]::new));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertHelloWorks(RawWebSocket webSocket) {
        webSocket.send(text(HELLO));
        assertHelloReply(webSocket.readMessage());
    }

    private static void assertHelloReply(String reply) {
        assertThat(reply).startsWith("{\"messageType\":\"hello\",\"uaid\":\"").endsWith("\"status\":200}");
    }

    /** Not upgraded: a client error, without the headers of an upgrade. */
    private static void assertRefused(HttpResponse response) {
        assertThat(response.status()).as("status, headers %s, body '%s'", response.headers(), response.body())
                .isBetween(400, 499);
        assertThat(response.header("Sec-WebSocket-Accept")).as("Sec-WebSocket-Accept").isEmpty();
    }

    private static void assertHealthy(HttpResponse response) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"status\":\"UP\",\"components\":{");
    }

    private static void assertError(HttpResponse response, int status, int errno) {
        assertThat(response.status()).as("status, body '%s'", response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).contains("application/json");
        assertThat(response.body()).matches("\\{\"code\":" + status + ",\"errno\":" + errno
                + ",\"error\":\"[^\"]+\",\"message\":\"[^\"]+\"}");
    }

    /** The server ends the connection, having sent nothing, once it has been silent for the idle timeout. */
    private static void assertEndsAfterTheIdleTimeout(RawWebSocket webSocket) {
        long start = System.nanoTime();
        webSocket.awaitEof();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).as("time until the server ended the connection")
                .isGreaterThanOrEqualTo(IDLE_TIMEOUT.minusMillis(50))
                .isLessThan(Duration.ofSeconds(5));
    }
}
