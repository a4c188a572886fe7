package dev.simplepush.benchmarks.load;

import static dev.simplepush.benchmarks.load.WsFramesTest.ascii;
import static dev.simplepush.benchmarks.load.WsFramesTest.serverFrame;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole client against a scripted server that splits what it writes into small pieces. */
@Timeout(30)
class NioFleetTest {

    private record ClientFrame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.US_ASCII);
        }
    }

    /** Reads one client frame, which must be final and masked. */
    private static ClientFrame readFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        assertThat(b0 & 0x80).as("FIN").isEqualTo(0x80);
        assertThat(b1 & 0x80).as("masked").isEqualTo(0x80);
        int length = b1 & 0x7F;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        }
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes(length);
        for (int i = 0; i < length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new ClientFrame(b0 & 0x0F, payload);
    }

    /** Writes {@code bytes} a few at a time, so that the client sees frames split across reads. */
    private static void trickle(OutputStream out, byte[] bytes, int piece) throws IOException, InterruptedException {
        for (int i = 0; i < bytes.length; i += piece) {
            out.write(bytes, i, Math.min(piece, bytes.length - i));
            out.flush();
            Thread.sleep(2);
        }
    }

    @Test
    void helloRegisterNotifyAckAndACloseFromTheServer() throws Exception {
        Device device = new Device(0, Dialect.SIMPLEPUSH);
        CompletableFuture<Device> closed = new CompletableFuture<>();
        try (ScriptedServer server = new ScriptedServer(List.of(InetAddress.getByName("127.0.0.2")),
                closed::complete)) {
            Stats stats = server.stats;
            CompletableFuture<Device> ready = server.fleet.connect(device).toCompletableFuture();
            try (Socket s = server.socket.accept()) {
                assertThat(s.getInetAddress().getHostAddress()).isEqualTo("127.0.0.2");
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                upgrade(in, out);

                assertThat(readFrame(in).text()).isEqualTo("{\"messageType\":\"hello\",\"channelIDs\":[]}");
                trickle(out, serverFrame(true, WsFrames.TEXT,
                        ascii("{\"messageType\":\"hello\",\"uaid\":\"u1\",\"status\":200}")), 1);

                ClientFrame register = readFrame(in);
                assertThat(register.text()).isEqualTo(
                        "{\"messageType\":\"register\",\"channelID\":\"" + device.channelId + "\"}");
                // A ping, then the register reply in two fragments, all in one write.
                out.write(WsFramesTest.concat(serverFrame(true, WsFrames.PING, ascii("hi")),
                        serverFrame(false, WsFrames.TEXT, ascii("{\"messageType\":\"register\",\"channelID\":\""
                                + device.channelId + "\",\"status\":200,")),
                        serverFrame(true, WsFrames.CONTINUATION,
                                ascii("\"pushEndpoint\":\"http://127.0.0.1:1/update/t\"}"))));
                out.flush();
                ClientFrame pong = readFrame(in);
                assertThat(pong.opcode()).isEqualTo(WsFrames.PONG);
                assertThat(pong.text()).isEqualTo("hi");
                assertThat(ready.get(5, TimeUnit.SECONDS)).isSameAs(device);
                assertThat(device.isReady()).isTrue();
                assertThat(device.uaid).isEqualTo("u1");
                assertThat(device.endpoint).isEqualTo(URI.create("http://127.0.0.1:1/update/t"));
                assertThat(stats.connected.get()).isEqualTo(1);

                long version = device.ledger.send(System.nanoTime());
                device.ledger.answered(version, 200);
                trickle(out, serverFrame(true, WsFrames.TEXT, ascii("{\"messageType\":\"notification\","
                        + "\"updates\":[{\"channelID\":\"" + device.channelId + "\",\"version\":" + version
                        + ",\"data\":\"" + "d".repeat(200) + "\"}]}")), 50);
                assertThat(readFrame(in).text()).isEqualTo("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\""
                        + device.channelId + "\",\"version\":" + version + "}]}");
                assertThat(device.ledger.lost()).isZero();
                assertThat(stats.updatesReceived.sum()).isEqualTo(1);

                out.write(serverFrame(true, WsFrames.CLOSE, new byte[] {0x03, (byte) 0xE8}));
                out.flush();
                ClientFrame close = readFrame(in);
                assertThat(close.opcode()).isEqualTo(WsFrames.CLOSE);
                assertThat(close.payload()).containsExactly(0x03, 0xE8);
                assertThat(closed.get(5, TimeUnit.SECONDS)).isSameAs(device);
                assertThat(in.read()).as("socket closed after the close frame").isEqualTo(-1);
            }
            assertThat(device.state).isEqualTo(Device.State.DISCONNECTED);
            assertThat(stats.connected.get()).isZero();
            assertThat(stats.closedByServer.sum()).isEqualTo(1);
            assertThat(stats.protocolErrors.sum()).isZero();
        }
    }

    @Test
    void webPushHelloRegisterAndNotificationsAckedByIdAfterTheirBodyIsChecked() throws Exception {
        Device device = new Device(0, Dialect.WEBPUSH);
        try (ScriptedServer server = new ScriptedServer(List.of(), d -> { })) {
            Stats stats = server.stats;
            CompletableFuture<Device> ready = server.fleet.connect(device).toCompletableFuture();
            try (Socket s = server.socket.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                upgrade(in, out);
                assertThat(readFrame(in).text())
                        .isEqualTo("{\"messageType\":\"hello\",\"use_webpush\":true,\"broadcasts\":{}}");
                out.write(serverFrame(true, WsFrames.TEXT, ascii("{\"messageType\":\"hello\",\"uaid\":\"u1\","
                        + "\"status\":200,\"use_webpush\":true,\"broadcasts\":{}}")));
                assertThat(readFrame(in).text()).isEqualTo(
                        "{\"messageType\":\"register\",\"channelID\":\"" + device.channelId + "\"}");
                out.write(serverFrame(true, WsFrames.TEXT, ascii("{\"messageType\":\"register\",\"channelID\":\""
                        + device.channelId + "\",\"status\":200,\"pushEndpoint\":\"http://127.0.0.1:1/wpush/v1/t\"}")));
                assertThat(ready.get(5, TimeUnit.SECONDS)).isSameAs(device);

                WebPushBody bodies = WebPushBody.random(2048, new Random(1));
                device.webPushBody = bodies;
                long v1 = device.ledger.send(System.nanoTime(), bodies);
                device.ledger.answered(v1, 201);
                byte[] body = bodies.body(v1);
                trickle(out, serverFrame(true, WsFrames.TEXT, webPushNotification(device, "id-1", text(body))), 700);
                assertThat(readFrame(in).text()).isEqualTo(webPushAck(device, "id-1", 100));
                assertThat(device.ledger.lost()).isZero();
                assertThat(stats.corrupt.sum()).isZero();

                // Bodies that are not the one sent: acked as undecryptable (W8.1), and still missing.
                long v2 = device.ledger.send(System.nanoTime(), bodies);
                device.ledger.answered(v2, 201);
                byte[] sent = bodies.body(v2);
                String text = text(sent);
                List<String> wrong = new ArrayList<>();
                for (int i : new int[] {8, 1000, 2040, 2047}) {
                    byte[] altered = sent.clone();
                    altered[i] ^= 1;
                    wrong.add(text(altered));
                }
                wrong.add(text(WebPushBody.random(2048, new Random(2)).body(v2)));
                wrong.add(text.substring(0, text.length() - 4));
                wrong.add(text.substring(0, text.length() - 1));
                wrong.add(text + "AAAA");
                wrong.add(text + "A");
                wrong.add(text.substring(0, 100) + "=" + text.substring(101));
                for (int i = 0; i < wrong.size(); i++) {
                    out.write(serverFrame(true, WsFrames.TEXT, webPushNotification(device, "id-x" + i, wrong.get(i))));
                    assertThat(readFrame(in).text()).as("wrong body %d", i).isEqualTo(webPushAck(device, "id-x" + i,
                            101));
                }
                // Data as sent, but not with the aes128gcm headers.
                out.write(serverFrame(true, WsFrames.TEXT, ascii("{\"messageType\":\"notification\",\"channelID\":\""
                        + device.channelId + "\",\"version\":\"id-h\",\"ttl\":60,\"data\":\"" + text + "\"}")));
                assertThat(readFrame(in).text()).isEqualTo(webPushAck(device, "id-h", 101));
                assertThat(device.ledger.lost()).isEqualTo(1);
                assertThat(stats.corrupt.sum()).isEqualTo(wrong.size() + 1);

                out.write(serverFrame(true, WsFrames.TEXT, webPushNotification(device, "id-2", text)));
                assertThat(readFrame(in).text()).isEqualTo(webPushAck(device, "id-2", 100));
                assertThat(device.ledger.lost()).isZero();
                // A redelivery, and a version this run never sent: neither is corrupt.
                out.write(serverFrame(true, WsFrames.TEXT, webPushNotification(device, "id-3", text)));
                assertThat(readFrame(in).text()).isEqualTo(webPushAck(device, "id-3", 100));
                assertThat(stats.duplicates.sum()).isEqualTo(1);
                out.write(serverFrame(true, WsFrames.TEXT, webPushNotification(device, "id-4",
                        text(bodies.body(Long.MAX_VALUE)))));
                assertThat(readFrame(in).text()).isEqualTo(webPushAck(device, "id-4", 100));
                assertThat(stats.corrupt.sum()).isEqualTo(wrong.size() + 1);
                assertThat(stats.updatesReceived.sum()).isEqualTo(wrong.size() + 5);
                assertThat(stats.protocolErrors.sum()).isZero();
            }
        }
    }

    @Test
    void aWebPushHelloAnsweredAsSimplePushIsRefused() throws Exception {
        Device device = new Device(0, Dialect.WEBPUSH);
        try (ScriptedServer server = new ScriptedServer(List.of(), d -> { })) {
            Stats stats = server.stats;
            CompletableFuture<Device> ready = server.fleet.connect(device).toCompletableFuture();
            try (Socket s = server.socket.accept()) {
                upgrade(s.getInputStream(), s.getOutputStream());
                readFrame(s.getInputStream());
                // W1.2: without use_webpush the server speaks SimplePush to this device.
                s.getOutputStream().write(serverFrame(true, WsFrames.TEXT,
                        ascii("{\"messageType\":\"hello\",\"uaid\":\"u1\",\"status\":200}")));
                assertThat(ready).failsWithin(5, TimeUnit.SECONDS);
                assertThat(s.getInputStream().read()).as("closed").isEqualTo(-1);
            }
            assertThat(stats.protocolErrors.sum()).isEqualTo(1);
            assertThat(stats.connected.get()).isZero();
        }
    }

    private static byte[] webPushNotification(Device device, String id, String data) {
        return ascii("{\"messageType\":\"notification\",\"channelID\":\"" + device.channelId + "\",\"version\":\""
                + id + "\",\"ttl\":60,\"data\":\"" + data + "\",\"headers\":{\"encoding\":\"aes128gcm\"}}");
    }

    private static String text(byte[] body) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body);
    }

    private static String webPushAck(Device device, String id, int code) {
        return "{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + device.channelId + "\",\"version\":\""
                + id + "\",\"code\":" + code + "}]}";
    }

    /** Reads the client's upgrade request and accepts it, the answer split into small pieces. */
    private static void upgrade(InputStream in, OutputStream out) throws IOException, InterruptedException {
        String request = readHead(in);
        assertThat(request).startsWith("GET / HTTP/1.1\r\n").contains("Upgrade: websocket");
        String key = request.replaceAll("(?s).*Sec-WebSocket-Key: (\\S+)\r\n.*", "$1");
        String accept = new String(WsFrames.acceptFor(ascii(key), WsFrames.sha1()), StandardCharsets.US_ASCII);
        trickle(out, ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n"), 7);
    }

    @Test
    void aRefusedUpgradeIsAConnectFailure() throws Exception {
        Device device = new Device(0, Dialect.SIMPLEPUSH);
        try (ScriptedServer server = new ScriptedServer(List.of(), d -> { })) {
            Stats stats = server.stats;
            CompletableFuture<Device> ready = server.fleet.connect(device).toCompletableFuture();
            try (Socket s = server.socket.accept()) {
                readHead(s.getInputStream());
                s.getOutputStream().write(ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
                s.getOutputStream().flush();
                assertThat(ready).failsWithin(5, TimeUnit.SECONDS);
            }
            assertThat(stats.connectFailures.sum()).isEqualTo(1);
            assertThat(device.state).isEqualTo(Device.State.DISCONNECTED);
        }
    }

    /** A scripted server's listening socket, and a fleet of one I/O thread pointed at it. */
    private static final class ScriptedServer implements AutoCloseable {
        final Stats stats = new Stats();
        final ServerSocket socket;
        final NioFleet fleet;

        ScriptedServer(List<InetAddress> sources, Consumer<Device> onClosed) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            fleet = new NioFleet(URI.create("ws://127.0.0.1:" + socket.getLocalPort() + "/"), sources, 1, stats,
                    onClosed);
        }

        @Override
        public void close() throws IOException {
            fleet.close();
            socket.close();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
