package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushConfig;
import dev.simplepush.transport.websocket.RawWebSocket.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request bodies from hostile or broken clients, every request written byte for byte: a body that stops short of
 * its {@code Content-Length} closes the connection at the HTTP idle timeout instead of holding it for ever; an
 * unknown token is answered 404 before its body is read, and the connection still carries the next request once the
 * body has come; a chunked body whose chunk size overflows is answered 400.
 */
class RequestBodyDeadlineIT {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
    /** Well-formed (URL-safe base64) but not a token of this server. */
    private static final String UNKNOWN_TOKEN = "A".repeat(60);

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(PushConfig.defaults(),
                WebSocketConfig.builder().port(0).httpIdleTimeout(IDLE_TIMEOUT).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void bodyThatStopsShortIsClosedAtTheIdleTimeout() {
        URI endpoint = offlineEndpoint();
        try (RawWebSocket connection = RawWebSocket.open(endpoint)) {
            connection.writeRaw(concat(head("PUT " + endpoint.getRawPath() + " HTTP/1.1", "Host: 127.0.0.1",
                    "Content-Type: application/x-www-form-urlencoded", "Content-Length: 100"), ascii("version=12")));
            assertEndsAfterTheIdleTimeout(connection);
        }
    }

    @Test
    void answerThatNeedsNoBodyStillClosesAConnectionWhoseBodyStopsShort() {
        try (RawWebSocket connection = RawWebSocket.open(server.http("/"))) {
            connection.writeRaw(concat(head("POST /no/such/path HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 100"),
                    ascii("0123456789")));
            assertError(connection.readResponse(), 404, 108);
            assertEndsAfterTheIdleTimeout(connection);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/update/", "/wpush/v1/"})
    void unknownTokenIsAnswered404BeforeItsBodyIsSent(String prefix) {
        try (RawWebSocket connection = RawWebSocket.open(server.http("/"))) {
            connection.writeRaw(head("PUT " + prefix + UNKNOWN_TOKEN + " HTTP/1.1", "Host: 127.0.0.1",
                    "Content-Length: 100"));
            // Read before the body is sent: a server that waited for it would answer nothing, and close at the
            // deadline.
            assertError(connection.readResponse(), 404, 102);
            // The body comes after all: it is dropped, and the connection carries the next request (HTTP/1.1 framing
            // kept).
            connection.writeRaw(concat(ascii("x".repeat(100)), head("GET /health HTTP/1.1", "Host: 127.0.0.1")));
            HttpResponse health = connection.readResponse();
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).startsWith("{\"status\":\"UP\",");
        }
    }

    @Test
    void unknownTokenWhoseBodyNeverComesIsClosedAtTheIdleTimeout() {
        try (RawWebSocket connection = RawWebSocket.open(server.http("/"))) {
            connection.writeRaw(head("PUT /update/" + UNKNOWN_TOKEN + " HTTP/1.1", "Host: 127.0.0.1",
                    "Content-Length: 100"));
            assertError(connection.readResponse(), 404, 102);
            connection.awaitEof();
        }
    }

    @Test
    void overflowingChunkSizeIsAnswered400ThenClosed() {
        URI endpoint = offlineEndpoint();
        try (RawWebSocket connection = RawWebSocket.open(endpoint)) {
            connection.writeRaw(concat(head("PUT " + endpoint.getRawPath() + " HTTP/1.1", "Host: 127.0.0.1",
                    "Transfer-Encoding: chunked"), ascii("FFFFFFFFFFFFFFFFFFFF\r\n")));
            assertError(connection.readResponse(), 400, 115);
            connection.awaitEof();
        }
    }

    @Test
    void wellFormedChunkedBodyIsRead() {
        HttpResponse response = putChunked(offlineEndpoint(), "8\r\nversion=\r\n2\r\n42\r\n0\r\n\r\n");
        assertThat(response.status()).as("status, body '%s'", response.body()).isEqualTo(202);
        assertThat(response.body()).isEqualTo("{}");
    }

    @Test
    void chunkedBodyIsJudgedByWhatItsChunksSay() {
        // The version is read from the chunks, and found bad (P4.2).
        assertError(putChunked(offlineEndpoint(), "8\r\nversion=\r\n2\r\nxy\r\n0\r\n\r\n"), 400, 101);
    }

    private static HttpResponse putChunked(URI endpoint, String chunks) {
        try (RawWebSocket connection = RawWebSocket.open(endpoint)) {
            connection.writeRaw(concat(head("PUT " + endpoint.getRawPath() + " HTTP/1.1", "Host: 127.0.0.1",
                    "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked"),
                    ascii(chunks)));
            return connection.readResponse();
        }
    }

    /** The endpoint of a channel whose device has gone, so that updates are stored and answered 202. */
    private static URI offlineEndpoint() {
        URI endpoint;
        try (TestDevice device = TestDevice.connect(server.webSocketUri())) {
            device.hello();
            endpoint = device.register().endpoint();
        }
        server.awaitNoOpenSessions();
        return endpoint;
    }

    /** The server ends the connection, having sent nothing more, about when the idle timeout is over. */
    private static void assertEndsAfterTheIdleTimeout(RawWebSocket connection) {
        long start = System.nanoTime();
        connection.awaitEof();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).as("time until the server ended the connection")
                .isLessThan(IDLE_TIMEOUT.plusSeconds(3));
    }

    private static void assertError(HttpResponse response, int status, int errno) {
        assertThat(response.status()).as("status, body '%s'", response.body()).isEqualTo(status);
        assertThat(response.body()).matches("\\{\"code\":" + status + ",\"errno\":" + errno
                + ",\"error\":\"[^\"]+\",\"message\":\"[^\"]+\"}");
    }

    private static byte[] head(String requestLine, String... headerLines) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        return ascii(head.append("\r\n").toString());
    }

    private static byte[] concat(byte[]... parts) {
        return RawWebSocket.concat(parts);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
