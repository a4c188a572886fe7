package dev.simplepush.transport.websocket;

import static dev.simplepush.transport.websocket.internal.frame.FrameReader.CLOSE;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.CONTINUATION;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.NO_STATUS;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.PING;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.PONG;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.transport.websocket.internal.device.Handshake;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny blocking RFC 6455 client over a plain {@link Socket}, for tests that need to put exactly the bytes they want
 * on the wire: any frame header (FIN, RSV bits, opcode, mask or none, length form), any split of the byte stream, and
 * with {@link #open} and {@link #readResponse} any handshake request. Every read gives up after
 * {@link TestServer#TIMEOUT}.
 */
public final class RawWebSocket implements AutoCloseable {

    private static final int MAX_SERVER_FRAME_BYTES = 16 * 1024 * 1024;

    /** How a frame header encodes the payload length (RFC 6455 §5.2). */
    public enum Length {
        /** The shortest form for the payload, as RFC 6455 requires of a sender. */
        SHORTEST,
        /** The 7-bit form: payloads of up to 125 bytes. */
        BITS_7,
        /** 126 and a 16-bit length. */
        BITS_16,
        /** 127 and a 64-bit length. */
        BITS_64
    }

    /** A frame as the server sent it; the payload is unmasked if the server (wrongly) masked it. */
    public record ServerFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code and reason of this close frame; fails if it is not a well-formed close frame. */
        public Close close() {
            assertThat(opcode).as("opcode of a close frame, got payload '%s'", text()).isEqualTo(CLOSE);
            if (payload.length == 0) {
                return new Close(NO_STATUS, "");
            }
            assertThat(payload.length).as("close payload: a 2-byte code, then the reason").isGreaterThanOrEqualTo(2);
            int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            // RFC 6455 §7.4: 1005, 1006 and 1015 must never be sent; below 1000 and from 5000 on are not codes.
            assertThat(code).as("close code sent by the server").isBetween(1000, 4999).isNotIn(1004, 1005, 1006, 1015);
            return new Close(code, strictUtf8(payload, 2));
        }
    }

    /** A close frame's status code ({@link #NO_STATUS} if it had no payload) and reason. */
    public record Close(int code, String reason) {
    }

    /** A frame to send; masked with a fresh random key and FIN set unless told otherwise. */
    public static final class ClientFrame {

        private final int opcode;
        private boolean fin = true;
        private int rsv;
        private boolean masked = true;
        private Length length = Length.SHORTEST;
        private byte[] payload = new byte[0];

        private ClientFrame(int opcode) {
            this.opcode = opcode;
        }

        public ClientFrame fin(boolean value) {
            fin = value;
            return this;
        }

        /** The RSV1..RSV3 bits as a number 0..7: 4 is RSV1, 2 is RSV2, 1 is RSV3. */
        public ClientFrame rsv(int bits) {
            rsv = bits;
            return this;
        }

        public ClientFrame unmasked() {
            masked = false;
            return this;
        }

        public ClientFrame length(Length form) {
            length = form;
            return this;
        }

        public ClientFrame payload(byte[] bytes) {
            payload = bytes.clone();
            return this;
        }

        public ClientFrame payload(String text) {
            return payload(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The frame on the wire. */
        public byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
            out.write((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xF));
            int maskBit = masked ? 0x80 : 0;
            switch (length == Length.SHORTEST ? shortestLength() : length) {
                case BITS_7 -> {
                    requireFits(125, "7-bit");
                    out.write(maskBit | payload.length);
                }
                case BITS_16 -> {
                    requireFits(0xFFFF, "16-bit");
                    out.write(maskBit | 126);
                    out.writeBytes(ByteBuffer.allocate(2).putShort((short) payload.length).array());
                }
                default -> {
                    out.write(maskBit | 127);
                    out.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
                }
            }
            byte[] body = payload.clone();
            if (masked) {
                byte[] key = new byte[4];
                ThreadLocalRandom.current().nextBytes(key);
                key[0] |= 1; // never the all-zero key, which would let an unmasking bug go unnoticed
                out.writeBytes(key);
                for (int i = 0; i < body.length; i++) {
                    body[i] ^= key[i & 3];
                }
            }
            out.writeBytes(body);
            return out.toByteArray();
        }

        private Length shortestLength() {
            return payload.length <= 125 ? Length.BITS_7 : payload.length <= 0xFFFF ? Length.BITS_16 : Length.BITS_64;
        }

        private void requireFits(int max, String form) {
            if (payload.length > max) {
                throw new IllegalArgumentException(payload.length + " bytes do not fit the " + form + " length");
            }
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** Opens a WebSocket to {@code uri}: the opening handshake, checked as RFC 6455 §4.1 has a client check it. */
    public static RawWebSocket connect(URI uri) {
        return connect(uri, new byte[0]);
    }

    /** Opens a WebSocket, writing {@code firstBytes} in the same write as the handshake request. */
    public static RawWebSocket connect(URI uri, byte[] firstBytes) {
        return upgrade(open(uri), uri, firstBytes);
    }

    /**
     * Opens a WebSocket over a socket whose receive buffer is {@code receiveBufferBytes}, set before connecting so
     * that the TCP window is small from the first segment on: a device that stops reading stalls the server quickly.
     */
    public static RawWebSocket connect(URI uri, int receiveBufferBytes) {
        return upgrade(open(uri, receiveBufferBytes), uri, new byte[0]);
    }

    private static RawWebSocket upgrade(RawWebSocket webSocket, URI uri, byte[] firstBytes) {
        try {
            webSocket.handshake(uri, firstBytes);
            return webSocket;
        } catch (IOException e) {
            webSocket.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            webSocket.close();
            throw e;
        }
    }

    /**
     * Opens a TCP connection to {@code uri}'s host and port and sends nothing: the test writes the request itself, then
     * reads the answer with {@link #readResponse()}, and after a 101 goes on with frames.
     */
    public static RawWebSocket open(URI uri) {
        return open(uri, 0);
    }

    /** {@link #open(URI)} with a receive buffer of {@code receiveBufferBytes}, or the system's default if 0. */
    private static RawWebSocket open(URI uri, int receiveBufferBytes) {
        try {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TestServer.TIMEOUT.toMillis());
            socket.setSoTimeout((int) TestServer.TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            return new RawWebSocket(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes in base64 (RFC 6455 §4.1). */
    public static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    private void handshake(URI uri, byte[] firstBytes) throws IOException {
        String key = newKey();
        String request = "GET " + (uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()) + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n";
        writeRaw(concat(request.getBytes(StandardCharsets.US_ASCII), firstBytes));
        readHandshakeResponse(key);
    }

    private void readHandshakeResponse(String key) throws IOException {
        readResponseOrThrow().assertUpgraded(key);
    }

    /**
     * The server's next HTTP response: its head, then as many body bytes as its {@code Content-Length} says (none
     * without one). Fails if the connection ends or nothing arrives in time.
     */
    public HttpResponse readResponse() {
        try {
            return readResponseOrThrow();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no HTTP response from the server within " + TestServer.TIMEOUT, e);
        } catch (IOException e) {
            throw new AssertionError("connection ended instead of an HTTP response: " + e, e);
        }
    }

    /**
     * The server's next HTTP response, or empty if the server ends the connection (end of stream, or a reset) before
     * sending any of it.
     */
    public Optional<HttpResponse> readResponseUnlessEnded() {
        try {
            in.mark(1);
            if (in.read() == -1) {
                return Optional.empty();
            }
            in.reset();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor ended the connection within "
                    + TestServer.TIMEOUT, e);
        } catch (SocketException reset) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(readResponse());
    }

    private HttpResponse readResponseOrThrow() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        assertThat(parts).as("status line '%s'", statusLine).hasSizeGreaterThanOrEqualTo(2);
        assertThat(parts[0]).as("status line '%s'", statusLine).isEqualTo("HTTP/1.1");
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            assertThat(colon).as("header line '%s'", line).isPositive();
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (first, second) -> first + ", " + second);
        }
        assertThat(headers).as("response headers").doesNotContainKey("transfer-encoding");
        byte[] body = new byte[Integer.parseInt(headers.getOrDefault("content-length", "0"))];
        in.readFully(body);
        return new HttpResponse(Integer.parseInt(parts[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** An HTTP response; header names in lower case, repeated headers joined with commas. */
    public record HttpResponse(int status, Map<String, String> headers, String body) {

        /** The value of the header {@code name} (any case), if the response has it. */
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** Checks a 101 answer to a request with {@code key} as RFC 6455 §4.1 has a client check it. */
        HttpResponse assertUpgraded(String key) {
            assertThat(status).as("handshake status, headers %s, body '%s'", headers, body).isEqualTo(101);
            assertThat(headers.get("upgrade")).as("Upgrade header").isEqualToIgnoringCase("websocket");
            assertThat(headers.get("connection")).as("Connection header").containsIgnoringCase("upgrade");
            assertThat(headers.get("sec-websocket-accept")).as("Sec-WebSocket-Accept").isEqualTo(acceptOf(key));
            return this;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection ended during an HTTP response");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        assertThat(text).as("HTTP line ending").endsWith("\r");
        return text.substring(0, text.length() - 1);
    }

    /** The Sec-WebSocket-Accept for {@code key}; {@code HandshakeIT} checks it against the RFC's own example. */
    public static String acceptOf(String key) {
        return Handshake.accept(key);
    }

    public static ClientFrame frame(int opcode) {
        return new ClientFrame(opcode);
    }

    public static ClientFrame text(String text) {
        return frame(TEXT).payload(text);
    }

    public static ClientFrame continuation(String text) {
        return frame(CONTINUATION).payload(text);
    }

    public static ClientFrame ping(byte[] payload) {
        return frame(PING).payload(payload);
    }

    public static ClientFrame pong(byte[] payload) {
        return frame(PONG).payload(payload);
    }

    /** A close frame with a status code and a reason. */
    public static ClientFrame close(int code, String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        return frame(CLOSE).payload(ByteBuffer.allocate(2 + utf8.length).putShort((short) code).put(utf8).array());
    }

    /** The bytes of several frames, one after the other. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Writes one frame in one write. */
    public void send(ClientFrame frame) {
        writeRaw(frame.bytes());
    }

    /** Writes the bytes in a single write call (with TCP_NODELAY: most likely a single segment). */
    public void writeRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the bytes one write call each, {@code gap} apart, so the server sees them arrive one by one. */
    public void writeByteByByte(byte[] bytes, Duration gap) {
        for (byte b : bytes) {
            writeRaw(new byte[] {b});
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(gap.toMillis()));
        }
    }

    /** Echoes a close frame of the server, as a client does (RFC 6455 §5.5.1); the server may be gone already. */
    public void answerClose(Close close) {
        try {
            out.write(close(close.code() == NO_STATUS ? 1000 : close.code(), "").bytes());
            out.flush();
        } catch (IOException serverAlreadyGone) {
            // The server may end the connection without waiting for the echo.
        }
    }

    /** The next frame from the server; fails if the connection ends or nothing arrives in time. */
    public ServerFrame read() {
        try {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            boolean masked = (second & 0x80) != 0;
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            assertThat(length).as("payload length of a server frame").isBetween(0L, (long) MAX_SERVER_FRAME_BYTES);
            byte[] key = new byte[4];
            if (masked) {
                in.readFully(key);
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
            return new ServerFrame((first & 0x80) != 0, (first >> 4) & 0x7, first & 0xF, masked, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame from the server within " + TestServer.TIMEOUT, e);
        } catch (IOException e) {
            throw new AssertionError("connection ended instead of a frame: " + e, e);
        }
    }

    /**
     * The next text message, put together from its fragments; fails on anything else. Server frames must be unmasked
     * with no RSV bit set (RFC 6455 §5.1, §5.2).
     */
    public String readMessage() {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int expected = TEXT;
        for (;;) {
            ServerFrame frame = readUnmasked();
            assertThat(frame.opcode()).as("opcode of a server frame, payload '%s'", frame.text()).isEqualTo(expected);
            message.writeBytes(frame.payload());
            if (frame.fin()) {
                return strictUtf8(message.toByteArray(), 0);
            }
            expected = CONTINUATION;
        }
    }

    /** The next frame, which must be a close frame; its code and reason. */
    public Close readClose() {
        return readUnmasked().close();
    }

    private ServerFrame readUnmasked() {
        ServerFrame frame = read();
        assertThat(frame.masked()).as("server frame masked").isFalse();
        assertThat(frame.rsv()).as("RSV bits of a server frame").isZero();
        return frame;
    }

    /**
     * Reads until the server ends the TCP connection (end of stream, or a reset, which is how a connection ends when
     * the server closes it with client bytes still unread); fails if the server sends anything more or the connection
     * is still open after {@link TestServer#TIMEOUT}.
     */
    public void awaitEof() {
        byte[] buffer = new byte[1024];
        try {
            int read = in.read(buffer);
            if (read != -1) {
                throw new AssertionError("the server sent more instead of ending the connection: "
                        + HexFormat.ofDelimiter(" ").formatHex(buffer, 0, read));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not end the connection within " + TestServer.TIMEOUT, e);
        } catch (SocketException reset) {
            // Ended by a reset.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads and drops whatever the server sent until it ends the TCP connection (end of stream, or a reset). Fails if
     * the connection is still open after {@link TestServer#TIMEOUT}.
     */
    public void drainUntilEnded() {
        long deadline = System.nanoTime() + TestServer.TIMEOUT.toNanos();
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) != -1) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the server still sends after " + TestServer.TIMEOUT
                            + " instead of ending the connection");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not end the connection within " + TestServer.TIMEOUT, e);
        } catch (SocketException reset) {
            // Ended by a reset.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String strictUtf8(byte[] bytes, int offset) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("server sent invalid UTF-8 where text is required (RFC 6455 §5.6)", e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
