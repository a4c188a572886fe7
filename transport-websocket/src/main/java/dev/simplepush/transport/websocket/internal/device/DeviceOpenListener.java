package dev.simplepush.transport.websocket.internal.device;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DelegateOpenListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * The listener's first look at every new connection: a device WebSocket upgrade ({@code GET /}) that
 * {@link Handshake} accepts is answered here and the connection becomes a {@link DeviceSocket}; anything else goes
 * to Undertow's HTTP listener with the bytes read so far, and Undertow answers it (the endpoints, {@code /health},
 * the browser files, refused upgrades, errors). So does a request this strict reading is unsure of (a body, a
 * repeated or folded header, HTTP/1.0): Undertow parses it, and {@link DeviceUpgradeHandler} decides.
 *
 * <p>Why: a device answered by Undertow keeps Undertow's HTTP connection object, its request parser state and
 * response conduits for as long as its socket lives (Undertow tracks every connection it opened), about 0.8 KB per
 * idle device. Answered here, a device keeps only its socket.
 *
 * <p>A connection past the listener's limit ({@link DeviceSockets#admit}) is refused here, whatever it asks:
 * once its request head has arrived it is answered {@code 503} with {@code Retry-After} and {@code Connection: close},
 * and what it still sends is read and dropped until it closes (closing with unread bytes would send a reset, which
 * can destroy the answer before the client reads it), for {@value #REFUSED_MILLIS} ms at most from its accept. So is
 * a device upgrade while the listener drains ({@link DeviceSockets#draining}): the device is to connect elsewhere.
 *
 * <p>While a connection's first request arrives it holds a pooled buffer and a timer, both gone once decided.
 * Everything runs on the connection's I/O thread.
 */
final class DeviceOpenListener implements ChannelListener<StreamConnection> {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceOpenListener.class);

    private static final byte[] GET_ROOT = "GET /".getBytes(StandardCharsets.US_ASCII);
    /** How long a refused client is asked to wait before it tries again, in seconds. */
    static final int RETRY_AFTER_SECONDS = 10;
    /** How long a refused connection is kept at most, to send its request and read the answer. */
    static final long REFUSED_MILLIS = 1_000;
    private static final byte[] SERVICE_UNAVAILABLE = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Retry-After: " + RETRY_AFTER_SECONDS + "\r\n"
            + "Content-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final DelegateOpenListener http;
    private final ByteBufferPool buffers;
    private final long idleTimeoutMillis;
    private final DeviceSockets devices;

    DeviceOpenListener(DelegateOpenListener http, ByteBufferPool buffers, long idleTimeoutMillis,
            DeviceSockets devices) {
        this.http = http;
        this.buffers = buffers;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.devices = devices;
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        boolean admitted = devices.admit(connection);
        FirstRequest first = new FirstRequest(connection, !admitted);
        try {
            first.timeout = connection.getIoThread().executeAfter(first::timedOut,
                    admitted ? idleTimeoutMillis : REFUSED_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException shuttingDown) {
            IoUtils.safeClose(connection);
            return;
        }
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        source.setReadListener(first);
        source.resumeReads();
    }

    /** One connection until its first request is decided. */
    private final class FirstRequest implements ChannelListener<ConduitStreamSourceChannel> {
        private final StreamConnection connection;
        /** Past the limit: whatever it asks, the answer is 503. */
        private final boolean refused;
        private XnioExecutor.@Nullable Key timeout;
        private @Nullable PooledByteBuffer pooled;
        private boolean decided;
        /** Refused and answered: what the client still sends is dropped until it closes. */
        private boolean draining;

        FirstRequest(StreamConnection connection, boolean refused) {
            this.connection = connection;
            this.refused = refused;
        }

        @Override
        public void handleEvent(ConduitStreamSourceChannel source) {
            if (draining) {
                drain(source);
                return;
            }
            if (decided) {
                return;
            }
            PooledByteBuffer current = pooled;
            if (current == null) {
                current = buffers.allocate();
                pooled = current;
            }
            ByteBuffer buffer = current.getBuffer();
            int read;
            try {
                read = source.read(buffer);
            } catch (IOException e) {
                fail();
                return;
            }
            if (read == -1) {
                fail();
                return;
            }
            if (read == 0) {
                return;
            }
            decide(buffer);
        }

        private void decide(ByteBuffer buffer) {
            int length = buffer.position();
            if (refused) {
                if (headEnd(buffer, length) >= 0 || !buffer.hasRemaining()) {
                    refuse("the connection limit is reached");
                }
                return; // else the rest of the head is on its way
            }
            if (!startsWith(buffer, GET_ROOT, Math.min(length, GET_ROOT.length))) {
                toHttp(buffer);
                return;
            }
            int headEnd = headEnd(buffer, length);
            if (headEnd < 0) {
                if (!buffer.hasRemaining()) {
                    toHttp(buffer);
                }
                return; // the rest of the request is on its way
            }
            byte[] response = answer(buffer, headEnd);
            if (response == null) {
                toHttp(buffer);
                return;
            }
            if (devices.draining()) {
                // The device is to connect to another node: this one is going away.
                refuse("the server is draining");
                return;
            }
            finish();
            connection.getSourceChannel().suspendReads();
            buffer.flip().position(headEnd);
            PooledByteBuffer taken = pooled;
            pooled = null;
            try {
                devices.upgraded(connection, response, buffer);
            } finally {
                if (taken != null) {
                    taken.close();
                }
            }
        }

        /** The 101 answer to a device upgrade this listener accepts ({@link Handshake}); null for anything else. */
        private byte @Nullable [] answer(ByteBuffer buffer, int headEnd) {
            byte[] bytes = new byte[headEnd];
            buffer.get(0, bytes);
            String head = new String(bytes, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ", -1);
            if (requestLine.length != 3 || !requestLine[2].equals("HTTP/1.1")
                    || !(requestLine[1].equals("/") || requestLine[1].startsWith("/?"))) {
                return null;
            }
            String upgrade = null;
            String connectionHeader = null;
            String key = null;
            String version = null;
            String origin = null;
            StringBuilder protocols = new StringBuilder();
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                    return null; // malformed or folded: Undertow decides
                }
                String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "upgrade" -> upgrade = once(upgrade, value);
                    case "connection" -> connectionHeader = connectionHeader == null ? value
                            : connectionHeader + "," + value;
                    case "sec-websocket-key" -> key = once(key, value);
                    case "sec-websocket-version" -> version = once(version, value);
                    case "sec-websocket-protocol" -> protocols.append(',').append(value);
                    case "origin" -> origin = once(origin, value);
                    case "content-length" -> {
                        if (!value.equals("0")) {
                            return null; // a body: Undertow decides
                        }
                    }
                    case "transfer-encoding" -> {
                        return null;
                    }
                    default -> {
                        if (name.indexOf(' ') >= 0) {
                            return null;
                        }
                    }
                }
            }
            if (!Handshake.allowsOrigin(devices.allowedOrigins(), origin)) {
                return null; // Undertow's route answers 403
            }
            return Handshake.of(upgrade, connectionHeader, key, version, protocols.toString())
                    .map(Handshake::response).orElse(null);
        }

        /** Hands the connection to Undertow with every byte read so far. */
        private void toHttp(ByteBuffer buffer) {
            finish();
            PooledByteBuffer taken = pooled;
            pooled = null;
            buffer.flip();
            connection.getSourceChannel().setReadListener(null);
            http.handleEvent(connection, taken);
            devices.handedToHttp(connection);
        }

        /**
         * Answers 503 and ends the output; the connection stays until the client closes or the refusal's time is
         * up (the timer set at accept), reading and dropping what it sends meanwhile.
         */
        private void refuse(String why) {
            decided = true;
            draining = true;
            PooledByteBuffer taken = pooled;
            pooled = null;
            if (taken != null) {
                taken.close();
            }
            LOG.debug("refusing {}: {}", connection.getPeerAddress(), why);
            ConduitStreamSinkChannel sink = connection.getSinkChannel();
            try {
                // A connection's first write: its socket buffer takes these few bytes at once.
                ByteBuffer answer = ByteBuffer.wrap(SERVICE_UNAVAILABLE);
                if (sink.write(answer) != SERVICE_UNAVAILABLE.length) {
                    fail();
                    return;
                }
                sink.shutdownWrites();
                sink.flush();
            } catch (IOException e) {
                fail();
                return;
            }
            drain(connection.getSourceChannel());
        }

        /** Reads and drops what a refused client sends; closes once it has closed its side. */
        private void drain(ConduitStreamSourceChannel source) {
            PooledByteBuffer scratch = buffers.allocate();
            try {
                ByteBuffer buffer = scratch.getBuffer();
                for (;;) {
                    buffer.clear();
                    int read = source.read(buffer);
                    if (read == -1) {
                        fail();
                        return;
                    }
                    if (read == 0) {
                        return;
                    }
                }
            } catch (IOException e) {
                fail();
            } finally {
                scratch.close();
            }
        }

        private void timedOut() {
            if (decided && !draining) {
                return;
            }
            timeout = null;
            if (!draining) {
                LOG.debug("{} sent no request in {} ms; closing", connection.getPeerAddress(),
                        refused ? REFUSED_MILLIS : idleTimeoutMillis);
            }
            fail();
        }

        private void fail() {
            finish();
            PooledByteBuffer taken = pooled;
            pooled = null;
            if (taken != null) {
                taken.close();
            }
            IoUtils.safeClose(connection);
        }

        private void finish() {
            decided = true;
            XnioExecutor.Key key = timeout;
            timeout = null;
            if (key != null) {
                key.remove();
            }
        }
    }

    private static @Nullable String once(@Nullable String previous, String value) {
        // A repeated header is ambiguous: leave the request to Undertow by making the check fail.
        return previous == null ? value : "";
    }

    private static boolean startsWith(ByteBuffer buffer, byte[] prefix, int length) {
        for (int i = 0; i < length; i++) {
            if (buffer.get(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The index just past the blank line ending the request head, or -1 if it has not arrived yet. */
    private static int headEnd(ByteBuffer buffer, int length) {
        for (int i = 3; i < length; i++) {
            if (buffer.get(i) == '\n' && buffer.get(i - 1) == '\r' && buffer.get(i - 2) == '\n'
                    && buffer.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }
}
