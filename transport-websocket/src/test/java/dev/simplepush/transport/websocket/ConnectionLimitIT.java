package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Admission at the connection limit, over real sockets: past {@code maxConnections} a new connection is answered
 * 503 with {@code Retry-After} at once (a device upgrade and an endpoint request alike), the devices held keep
 * working, and once some of them go new connections are served again.
 */
class ConnectionLimitIT {

    private static final int LIMIT = 20;
    private static final int REFUSALS_MEASURED = 50;

    @Test
    void pastTheLimitNewConnectionsAre503AtOnceWhileHeldDevicesKeepWorking() {
        WebSocketConfig transport = WebSocketConfig.builder().port(0).maxConnections(LIMIT).build();
        try (TestServer server = TestServer.start(PushConfig.defaults(), transport)) {
            List<TestDevice> held = new ArrayList<>();
            List<TestDevice.Registration> registrations = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    TestDevice device = TestDevice.connect(server.webSocketUri());
                    held.add(device);
                    device.hello();
                    registrations.add(device.register());
                }

                // The 21st upgrade: refused at once, with a time to come back.
                long[] millis = new long[REFUSALS_MEASURED];
                for (int i = 0; i < REFUSALS_MEASURED; i++) {
                    long start = System.nanoTime();
                    Response refused = exchange(server.port(), upgrade(server.port()));
                    millis[i] = (System.nanoTime() - start) / 1_000_000;
                    assertThat(refused.head()).as("upgrade past the limit").startsWith("HTTP/1.1 503 ")
                            .contains("\r\nRetry-After: 10\r\n", "\r\nConnection: close\r\n");
                    assertThat(refused.closed()).as("the refused connection is closed after the answer").isTrue();
                }
                Arrays.sort(millis);
                System.out.printf("connection limit %d: %d refused upgrades answered 503 in median %d ms, max %d ms%n",
                        LIMIT, REFUSALS_MEASURED, millis[REFUSALS_MEASURED / 2], millis[REFUSALS_MEASURED - 1]);
                assertThat(millis[REFUSALS_MEASURED - 1]).as("slowest refusal, ms").isLessThan(1_000);

                // An app server's connection counts too: refused the same way.
                URI endpoint = registrations.get(0).endpoint();
                Response put = exchange(server.port(), put(endpoint, 5));
                assertThat(put.head()).as("endpoint request past the limit").startsWith("HTTP/1.1 503 ")
                        .contains("\r\nRetry-After: 10\r\n");

                // The devices held keep working at the limit.
                for (TestDevice device : held) {
                    device.register();
                }

                // Two devices go: their places serve new connections again, among them the app server's PUT to a
                // device still held, which reaches it.
                held.remove(held.size() - 1).close();
                held.remove(held.size() - 1).close();
                Response accepted = awaitNot503(server.port(), put(endpoint, 6));
                assertThat(accepted.head()).startsWith("HTTP/1.1 200 ");
                assertThat(held.get(0).next()).contains("\"messageType\":\"notification\"", "\"version\":6");

                TestDevice newcomer = TestDevice.connect(server.webSocketUri());
                held.add(newcomer);
                newcomer.hello();
            } finally {
                held.forEach(TestDevice::close);
            }
        }
    }

    /** Sends {@code request} until the answer is not 503 (the places of closed connections come back soon). */
    private static Response awaitNot503(int port, String request) {
        Response[] last = new Response[1];
        TestServer.await(() -> {
            last[0] = exchange(port, request);
            return !last[0].head().startsWith("HTTP/1.1 503 ");
        }, "an answer other than 503 once connections closed");
        return last[0];
    }

    private static String upgrade(int port) {
        return "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    private static String put(URI endpoint, int version) {
        String body = "version=" + version;
        return "PUT " + endpoint.getRawPath() + " HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    /** A response's head, and whether the server closed the connection after it (within the test timeout). */
    private record Response(String head, boolean closed) {
    }

    /** Sends {@code request} on a new connection and reads the response head, then waits for the server to close. */
    private static Response exchange(int port, String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TestServer.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!endsWithBlankLine(head)) {
                int b = in.read();
                if (b == -1) {
                    throw new AssertionError("connection closed before a full response head: " + head);
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            boolean closed = false;
            if (!text.startsWith("HTTP/1.1 101 ")) {
                // Skip a body, then expect the end of the stream.
                closed = in.readAllBytes() != null;
            }
            return new Response(text, closed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean endsWithBlankLine(ByteArrayOutputStream bytes) {
        byte[] b = bytes.toByteArray();
        int n = b.length;
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }
}
