package dev.simplepush.transport.websocket.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Module;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.protocol.ServerMessage.HelloReply;
import dev.simplepush.core.protocol.ServerMessage.Notification;
import dev.simplepush.core.protocol.ServerMessage.Pong;
import dev.simplepush.core.protocol.ServerMessage.RegisterReply;
import dev.simplepush.core.protocol.ServerMessage.WebPushHelloReply;
import dev.simplepush.core.protocol.ServerMessage.WebPushNotification;
import dev.simplepush.core.testing.AppServer.Response;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages a device sends just before it closes its socket still count (P3.5, P5.3, W8.1): the device writes its
 * last messages and its close frame in one TCP write, so the server reads the close before its store has answered
 * the first message, and what the device acked or unregistered must still reach the store. Nothing is sent after the
 * close frame (RFC 6455 §5.5.1). Every scenario runs {@value #ROUNDS} times: a store that answers later than the
 * close shows a lost message in every round; one that answers at once shows none.
 *
 * <p>Each store module runs these through a thin subclass that says how to make a fresh {@link #storeModule()}. The
 * device is a raw socket, since no WebSocket client library lets a test choose how frames share a TCP write.
 */
public abstract class MessagesBeforeCloseScenarios {

    /** Rounds per scenario. */
    static final int ROUNDS = 12;
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final String PING = "{}";

    private WireHarness server;

    /** The store and router of a fresh server, isolated from every other test's data (e.g. a new key prefix). */
    protected abstract Module storeModule();

    @BeforeEach
    final void startServer() {
        server = WireHarness.start(PushConfig.defaults(), storeModule());
    }

    @AfterEach
    final void stopServer() {
        server.close();
    }

    @Test
    void acksSentJustBeforeTheCloseAreApplied_P5_3() {
        for (int round = 0; round < ROUNDS; round++) {
            String uaid;
            try (RawDevice device = RawDevice.connect(server.baseUrl())) {
                uaid = hello(device, "{\"messageType\":\"hello\",\"channelIDs\":[]}");
                String first = UUID.randomUUID().toString();
                String second = UUID.randomUUID().toString();
                Map<String, URI> endpoints = register(device, first, second);
                for (URI endpoint : endpoints.values()) {
                    assertThat(server.put(endpoint, Optional.of("7"), Optional.empty()).status())
                            .as("PUT to a connected device (P4.3)").isEqualTo(200);
                }
                int updates = 0;
                while (updates < 2) {
                    updates += receive(device, Notification.class).updates().size();
                }
                device.sendThenClose(ack(first, "7"), ack(second, "7"));
                device.awaitEndedAfterClose();
            }
            assertNothingRedelivered("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\"}", uaid, round);
        }
    }

    @Test
    void webPushAcksSentJustBeforeTheCloseAreApplied_W8_1() {
        for (int round = 0; round < ROUNDS; round++) {
            String uaid;
            try (RawDevice device = RawDevice.connect(server.baseUrl())) {
                uaid = hello(device, "{\"messageType\":\"hello\",\"use_webpush\":true}");
                String channel = UUID.randomUUID().toString();
                URI endpoint = register(device, channel).get(channel);
                for (int i = 0; i < 2; i++) {
                    Response posted = server.send("POST", endpoint, Map.of("TTL", "600"), new byte[0]);
                    assertThat(posted.status()).as("POST %s", posted).isEqualTo(201);
                }
                String firstId = receive(device, WebPushNotification.class).version();
                String secondId = receive(device, WebPushNotification.class).version();
                device.sendThenClose(ack(channel, firstId, 100), ack(channel, secondId, 100));
                device.awaitEndedAfterClose();
            }
            assertNothingRedelivered("{\"messageType\":\"hello\",\"use_webpush\":true,\"uaid\":\"" + uaid + "\"}",
                    uaid, round);
        }
    }

    @Test
    void unregistersSentJustBeforeTheCloseAreApplied_P3_5() {
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, URI> endpoints;
            try (RawDevice device = RawDevice.connect(server.baseUrl())) {
                hello(device, "{\"messageType\":\"hello\",\"channelIDs\":[]}");
                endpoints = register(device, UUID.randomUUID().toString(), UUID.randomUUID().toString());
                List<String> unregisters = new ArrayList<>();
                endpoints.keySet().forEach(channel -> unregisters.add(
                        "{\"messageType\":\"unregister\",\"channelID\":\"" + channel + "\"}"));
                device.sendThenClose(unregisters.toArray(String[]::new));
                device.awaitEndedAfterClose();
            }
            for (Map.Entry<String, URI> entry : endpoints.entrySet()) {
                // The store may still be applying it when the socket is gone: 202 until then, 410 once it has.
                long deadline = System.nanoTime() + SETTLE.toNanos();
                int status;
                while ((status = server.put(entry.getValue(), Optional.empty(), Optional.empty()).status()) != 410
                        && System.nanoTime() < deadline) {
                    pause();
                }
                assertThat(status).as("round %d: endpoint of channel %s unregistered just before the close",
                        round, entry.getKey()).isEqualTo(410);
            }
        }
    }

    /**
     * Says {@code hello} again as device {@code uaid} until no update or message is sent before the answer to a
     * ping (P2.7 flushes everything pending first): the last messages of the closed socket may still be reaching
     * the store when the device returns, but none may be lost.
     */
    private void assertNothingRedelivered(String hello, String uaid, int round) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<ServerMessage> redelivered;
        do {
            redelivered = new ArrayList<>();
            try (RawDevice device = RawDevice.connect(server.baseUrl())) {
                assertThat(hello(device, hello)).as("the device resumed (P2.4)").isEqualTo(uaid);
                device.send(PING);
                for (ServerMessage message = device.receive(); !(message instanceof Pong);
                        message = device.receive()) {
                    redelivered.add(message);
                }
                device.sendThenClose();
                device.awaitEndedAfterClose();
            }
            if (redelivered.isEmpty()) {
                return;
            }
            pause();
        } while (System.nanoTime() < deadline);
        assertThat(redelivered).as("round %d: sent again after the device acked it before closing", round).isEmpty();
    }

    private static String hello(RawDevice device, String hello) {
        device.send(hello);
        ServerMessage reply = device.receive();
        if (reply instanceof WebPushHelloReply webPush) {
            return webPush.uaid().value();
        }
        assertThat(reply).as("hello reply").isInstanceOf(HelloReply.class);
        HelloReply simplePush = (HelloReply) reply;
        assertThat(simplePush.status()).as("hello status").isEqualTo(200);
        return simplePush.uaid().orElseThrow().value();
    }

    private static Map<String, URI> register(RawDevice device, String... channels) {
        Map<String, URI> endpoints = new LinkedHashMap<>();
        for (String channel : channels) {
            device.send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
            RegisterReply reply = receive(device, RegisterReply.class);
            assertThat(reply.status()).as("register %s", reply).isEqualTo(200);
            endpoints.put(channel, reply.pushEndpoint().orElseThrow());
        }
        return endpoints;
    }

    private static <T extends ServerMessage> T receive(RawDevice device, Class<T> type) {
        ServerMessage message = device.receive();
        assertThat(message).isInstanceOf(type);
        return type.cast(message);
    }

    private static String ack(String channel, String version) {
        return "{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + channel + "\",\"version\":" + version
                + "}]}";
    }

    private static String ack(String channel, String messageId, int code) {
        return "{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + channel + "\",\"version\":\"" + messageId
                + "\",\"code\":" + code + "}]}";
    }

    private static void pause() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }

    /** A device on a plain socket: masked text frames out, the server's frames read one by one. */
    private static final class RawDevice implements AutoCloseable {

        private static final int TEXT = 0x1;
        private static final int CLOSE = 0x8;

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        private RawDevice(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            this.out = socket.getOutputStream();
        }

        /** Connects to the server at {@code base} and upgrades to a WebSocket at {@code /}. */
        static RawDevice connect(URI base) {
            int timeout = (int) WireHarness.IO_TIMEOUT.toMillis();
            try {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), timeout);
                socket.setSoTimeout(timeout);
                socket.setTcpNoDelay(true);
                RawDevice device = new RawDevice(socket);
                byte[] key = new byte[16];
                ThreadLocalRandom.current().nextBytes(key);
                device.out.write(("GET / HTTP/1.1\r\nHost: " + base.getRawAuthority()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String head = device.readHead();
                assertThat(head).as("upgrade answer").startsWith("HTTP/1.1 101");
                return device;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void send(String text) {
            write(frame(TEXT, text.getBytes(StandardCharsets.UTF_8)));
        }

        /** Writes {@code texts} and a close frame (1000) in one write. */
        void sendThenClose(String... texts) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (String text : texts) {
                bytes.writeBytes(frame(TEXT, text.getBytes(StandardCharsets.UTF_8)));
            }
            bytes.writeBytes(frame(CLOSE, new byte[] {0x03, (byte) 0xE8}));
            write(bytes.toByteArray());
        }

        /** The next message; fails on a close frame, the end of the connection or a timeout. */
        ServerMessage receive() {
            int[] opcode = new int[1];
            byte[] payload = readFrame(opcode);
            assertThat(payload).as("a frame, not the end of the connection").isNotNull();
            assertThat(opcode[0]).as("opcode of a message").isEqualTo(TEXT);
            return WireJson.decode(new String(payload, StandardCharsets.UTF_8));
        }

        /**
         * After {@link #sendThenClose}: reads until the server ends the connection, which it must do after its own
         * close frame, with no frame after that (RFC 6455 §5.5.1).
         */
        void awaitEndedAfterClose() {
            @Nullable List<Integer> afterClose = null;
            int[] opcode = new int[1];
            for (byte[] payload = readFrame(opcode); payload != null; payload = readFrame(opcode)) {
                if (afterClose != null) {
                    afterClose.add(opcode[0]);
                } else if (opcode[0] == CLOSE) {
                    afterClose = new ArrayList<>();
                }
            }
            assertThat(afterClose).as("the server's close frame").isNotNull();
            assertThat(afterClose).as("opcodes of frames after the close frame").isEmpty();
        }

        /** The payload of the next frame (its opcode in {@code opcode[0]}), or null at the end of the connection. */
        private byte @Nullable [] readFrame(int[] opcode) {
            try {
                int first = in.read();
                if (first == -1) {
                    return null;
                }
                opcode[0] = first & 0x0F;
                int length = in.readUnsignedByte() & 0x7F;
                long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
                byte[] payload = new byte[Math.toIntExact(size)];
                in.readFully(payload);
                return payload;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b == -1) {
                    throw new IOException("the connection ended during the upgrade");
                }
                head.write(b);
                String text = head.toString(StandardCharsets.US_ASCII);
                if (text.endsWith("\r\n\r\n")) {
                    return text;
                }
            }
        }

        private void write(byte[] bytes) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A final, masked frame (RFC 6455 §5.3). */
        private static byte[] frame(int opcode, byte[] payload) {
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
            frame.write(0x80 | opcode);
            if (payload.length <= 125) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.writeBytes(ByteBuffer.allocate(2).putShort((short) payload.length).array());
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i & 3]);
            }
            return frame.toByteArray();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a socket that is already gone.
            }
        }
    }
}
