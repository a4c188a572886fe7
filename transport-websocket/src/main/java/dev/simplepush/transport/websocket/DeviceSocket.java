package dev.simplepush.transport.websocket;

import dev.simplepush.core.DeviceSession;
import dev.simplepush.core.PushService;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.DeviceConnection;
import dev.simplepush.core.protocol.ServerMessage;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;

/**
 * One device WebSocket: reads text frames, decodes them and hands them to the device's {@link DeviceSession};
 * writes the session's messages as text frames.
 *
 * <p>While idle it holds no buffer, thread or timer: a pooled buffer is borrowed only for the duration of one read
 * call, and the bytes of a message are kept on the heap only while that message is arriving, never more than
 * {@code maxFrameBytes}. A larger message is answered with close 1009 and its remaining bytes are read and
 * dropped (P1.3).
 *
 * <p>Reads happen on the socket's I/O thread; {@link #send} and {@link #close} are thread-safe and never block.
 */
final class DeviceSocket extends AbstractReceiveListener implements DeviceConnection {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSocket.class);

    /** How long a closing socket waits for the device's close frame before the TCP connection is dropped. */
    static final long CLOSE_GRACE_MILLIS = 3_000;
    private static final int MAX_CLOSE_REASON_BYTES = 123;
    private static final int INITIAL_MESSAGE_CAPACITY = 256;

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int GONE = 2;
    private static final AtomicIntegerFieldUpdater<DeviceSocket> STATE =
            AtomicIntegerFieldUpdater.newUpdater(DeviceSocket.class, "state");

    private static final WebSocketCallback<Void> SENT = new WebSocketCallback<>() {
        @Override
        public void complete(WebSocketChannel channel, Void context) {
        }

        @Override
        public void onError(WebSocketChannel channel, Void context, Throwable failure) {
            LOG.debug("send to {} failed, closing: {}", channel.getSourceAddress(), failure.toString());
            IoUtils.safeClose(channel);
        }
    };

    private final WebSocketChannel channel;
    private final int maxFrameBytes;
    private final Consumer<DeviceSocket> onGone;
    // A plain field with an updater rather than an AtomicInteger: one object less per idle socket.
    private volatile int state = OPEN;
    private volatile @Nullable DeviceSession session;

    // Touched only by the socket's I/O thread: the message being received, absent between messages.
    private byte @Nullable [] message;
    private int messageLength;

    private DeviceSocket(WebSocketChannel channel, int maxFrameBytes, Consumer<DeviceSocket> onGone) {
        this.channel = channel;
        this.maxFrameBytes = maxFrameBytes;
        this.onGone = onGone;
    }

    /**
     * Wires a freshly upgraded channel to a new session and starts receiving. {@code onGone} runs once when the
     * socket is closed.
     */
    static DeviceSocket open(WebSocketChannel channel, PushService service, int maxFrameBytes,
            Consumer<DeviceSocket> onGone) {
        DeviceSocket socket = new DeviceSocket(channel, maxFrameBytes, onGone);
        socket.session = service.openSession(socket);
        channel.addCloseTask(closed -> socket.gone());
        if (!channel.isOpen()) {
            socket.gone();
            return socket;
        }
        channel.getReceiveSetter().set(socket);
        channel.resumeReceives();
        return socket;
    }

    @Override
    public boolean send(ServerMessage message) {
        if (state != OPEN || !channel.isOpen()) {
            return false;
        }
        WebSockets.sendText(ByteBuffer.wrap(ProtocolCodec.encode(message)), channel, SENT);
        return true;
    }

    @Override
    public void close(int code, String reason) {
        if (!STATE.compareAndSet(this, OPEN, CLOSING) || !channel.isOpen()) {
            return;
        }
        WebSockets.sendClose(code, truncated(reason), channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel closed, Void context) {
                // The device should answer with its close frame, which ends the connection; if it does not, drop it.
                try {
                    closed.getIoThread().executeAfter(() -> IoUtils.safeClose(closed), CLOSE_GRACE_MILLIS,
                            TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                    // The I/O thread is ending (server stop): no grace period to wait for, close now.
                    IoUtils.safeClose(closed);
                }
            }

            @Override
            public void onError(WebSocketChannel closed, Void context, Throwable failure) {
                IoUtils.safeClose(closed);
            }
        });
    }

    @Override
    protected void onText(WebSocketChannel webSocket, StreamSourceFrameChannel frame) {
        if (state == OPEN) {
            message = new byte[Math.min(INITIAL_MESSAGE_CAPACITY, maxFrameBytes)];
            messageLength = 0;
        }
        pump(frame);
    }

    @Override
    protected void onBinary(WebSocketChannel webSocket, StreamSourceFrameChannel frame) {
        // P1.2/P1.3: the protocol is text only.
        close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not supported");
        message = null;
        pump(frame);
    }

    @Override
    protected void onCloseMessage(CloseMessage closeMessage, WebSocketChannel webSocket) {
        // The device said goodbye: it is offline from now on, before Undertow echoes the close frame. Waiting for
        // the channel's close task would let an update arriving meanwhile be answered 200 (P4.3) although it can no
        // longer reach the device.
        gone();
    }

    @Override
    protected void onError(WebSocketChannel webSocket, Throwable error) {
        LOG.debug("device socket {} failed: {}", webSocket.getSourceAddress(), error.toString());
        IoUtils.safeClose(webSocket);
    }

    /** Reads what is available of the current message; keeps it if a text message is being received. */
    private void pump(StreamSourceFrameChannel frame) {
        PooledByteBuffer pooled = channel.getBufferPool().allocate();
        try {
            ByteBuffer buffer = pooled.getBuffer();
            for (;;) {
                buffer.clear();
                int read = frame.read(buffer);
                if (read == -1) {
                    messageComplete();
                    return;
                }
                if (read == 0) {
                    frame.getReadSetter().set((ChannelListener<StreamSourceFrameChannel>) this::pump);
                    frame.resumeReads();
                    return;
                }
                buffer.flip();
                append(buffer);
            }
        } catch (IOException e) {
            // Undertow checks text frames for valid UTF-8 as they are read.
            message = null;
            frame.suspendReads();
            LOG.debug("reading from {} failed: {}", channel.getSourceAddress(), e.toString());
            if (channel.isOpen() && state == OPEN) {
                close(CloseCodes.INVALID_PAYLOAD, "invalid text frame");
            } else {
                IoUtils.safeClose(channel);
            }
        } finally {
            pooled.close();
        }
    }

    private void append(ByteBuffer buffer) {
        byte[] target = message;
        if (target == null) {
            return;
        }
        int length = buffer.remaining();
        if (length > maxFrameBytes - messageLength) {
            message = null;
            close(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + maxFrameBytes + " bytes");
            return;
        }
        if (messageLength + length > target.length) {
            int capacity = (int) Math.min(maxFrameBytes, Math.max(2L * target.length, messageLength + length));
            target = Arrays.copyOf(target, capacity);
            message = target;
        }
        buffer.get(target, messageLength, length);
        messageLength += length;
    }

    private void messageComplete() {
        byte[] complete = message;
        message = null;
        if (complete == null || state != OPEN) {
            return;
        }
        ClientMessage decoded;
        try {
            decoded = ProtocolCodec.decode(complete, messageLength);
        } catch (ProtocolCodec.MalformedFrameException e) {
            close(e.closeCode(), e.getMessage());
            return;
        }
        DeviceSession current = session;
        if (current != null) {
            current.receive(decoded);
        }
    }

    /** Whether the socket is closed and its session told so. */
    boolean isGone() {
        return state == GONE;
    }

    /** The socket is closed, by either side or by a failure: tell the session, exactly once. */
    private void gone() {
        if (STATE.getAndSet(this, GONE) == GONE) {
            return;
        }
        try {
            DeviceSession current = session;
            if (current != null) {
                current.closed();
            }
        } finally {
            onGone.accept(this);
        }
    }

    private static String truncated(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        String cut = new String(utf8, 0, MAX_CLOSE_REASON_BYTES, StandardCharsets.UTF_8);
        // A code point split by the cut decodes as U+FFFD: drop it.
        while (cut.endsWith("\uFFFD")) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }
}
