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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
        Stats stats = new Stats();
        Device device = new Device(0);
        CompletableFuture<Device> closed = new CompletableFuture<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI uri = URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/");
            try (NioFleet fleet = new NioFleet(uri, List.of(InetAddress.getByName("127.0.0.2")), 1, stats,
                    closed::complete)) {
                CompletableFuture<Device> ready = fleet.connect(device).toCompletableFuture();
                try (Socket s = server.accept()) {
                    assertThat(s.getInetAddress().getHostAddress()).isEqualTo("127.0.0.2");
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    String request = readHead(in);
                    assertThat(request).startsWith("GET / HTTP/1.1\r\n").contains("Upgrade: websocket");
                    String key = request.replaceAll("(?s).*Sec-WebSocket-Key: (\\S+)\r\n.*", "$1");
                    String accept = new String(WsFrames.acceptFor(ascii(key), WsFrames.sha1()),
                            StandardCharsets.US_ASCII);
                    trickle(out, ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n"), 7);

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
    }

    @Test
    void aRefusedUpgradeIsAConnectFailure() throws Exception {
        Stats stats = new Stats();
        Device device = new Device(0);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI uri = URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/");
            try (NioFleet fleet = new NioFleet(uri, List.of(), 1, stats, d -> { })) {
                CompletableFuture<Device> ready = fleet.connect(device).toCompletableFuture();
                try (Socket s = server.accept()) {
                    readHead(s.getInputStream());
                    s.getOutputStream().write(ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
                    s.getOutputStream().flush();
                    assertThat(ready).failsWithin(5, TimeUnit.SECONDS);
                }
                assertThat(stats.connectFailures.sum()).isEqualTo(1);
                assertThat(device.state).isEqualTo(Device.State.DISCONNECTED);
            }
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
