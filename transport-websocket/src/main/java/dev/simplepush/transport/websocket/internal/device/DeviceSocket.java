package dev.simplepush.transport.websocket.internal.device;

import dev.simplepush.core.DeviceSession;
import dev.simplepush.core.PushService;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.DeviceConnection;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.transport.websocket.internal.frame.FrameReader;
import dev.simplepush.transport.websocket.internal.frame.FrameWriter;
import dev.simplepush.transport.websocket.internal.json.ProtocolCodec;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.ssl.SslConnection;

/**
 * One device WebSocket over the raw connection left after the upgrade: reads the device's frames
 * ({@link FrameReader}), decodes its messages and hands them to the device's {@link DeviceSession}; writes the
 * session's messages as text frames ({@link FrameWriter}).
 *
 * <p>While idle it holds no buffer, thread or timer, only the connection and a few fields: a pooled buffer is
 * borrowed for the duration of one read call, and a message's bytes are kept only while it arrives. When it last
 * read something is one coarse timestamp, read from the clock once per read event, which
 * {@link DeviceSockets#closeIdle} compares rather than a timer per socket. A frame is
 * written straight to the socket by the thread that sends it, one system call, without waking the socket's I/O
 * thread; only when the socket cannot take it all at once are the remaining bytes kept until it can.
 *
 * <p>Over TLS the connection is Undertow's TLS connection, whose conduit (one {@code SSLEngine} and its pooled
 * records) is not thread-safe: a frame sent from another thread is kept, and written by the connection's I/O thread,
 * after every frame kept before it; the close sends TLS's {@code close_notify} before the TCP connection ends, also on
 * the I/O thread. Plain connections are written by the sending thread as above.
 *
 * <p>Reads happen on the connection's I/O thread; {@link #send} and {@link #close} are thread-safe and never block.
 */
final class DeviceSocket implements DeviceConnection, FrameReader.Handler, ChannelListener<ConduitStreamSourceChannel> {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSocket.class);

    /** How long a closing socket waits for the device's close frame before the TCP connection is dropped. */
    static final long CLOSE_GRACE_MILLIS = 3_000;
    /**
     * The most bytes kept for a device that does not read what it is sent; beyond, the connection is dropped (its
     * unacknowledged updates stay stored and are sent again when it comes back).
     */
    static final int MAX_BACKLOG_BYTES = 64 * 1024;
    /**
     * The most bytes kept over TLS for the I/O thread to write while the socket takes all it is given: frames sent
     * faster than one I/O thread encrypts them, as in a burst of notifications from several threads. Past it the
     * connection is dropped as above.
     */
    static final int MAX_HANDOVER_BYTES = 1024 * 1024;

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int GONE = 2;
    private static final AtomicIntegerFieldUpdater<DeviceSocket> STATE =
            AtomicIntegerFieldUpdater.newUpdater(DeviceSocket.class, "state");
    private static final AtomicIntegerFieldUpdater<DeviceSocket> OFFLINE =
            AtomicIntegerFieldUpdater.newUpdater(DeviceSocket.class, "offline");

    /** A tick of {@link #now()}: 2^24 ns, about 17 ms. */
    private static final int TICK_SHIFT = 24;

    private final StreamConnection connection;
    /** The device side this socket belongs to: its buffers, and told once when the socket is gone. */
    private final DeviceSockets owner;
    private final FrameReader reader;
    // A plain field with an updater rather than an AtomicInteger: one object less per idle socket.
    private volatile int state = OPEN;
    /** 1 once the session was told that the device is gone; before the TCP connection ends when the server closes. */
    private volatile int offline;
    private volatile @Nullable DeviceSession session;
    /** The timer that drops a closing socket whose device does not answer; absent otherwise. */
    private volatile XnioExecutor.@Nullable Key grace;
    /** {@link #now()} when bytes were last read (or the socket opened); written on the I/O thread only. */
    private volatile int lastRead;

    // Guarded by this: the bytes the socket could not take yet, and whether no frame may follow (set with the close
    // frame, RFC 6455 §5.5.1, or when the connection is dropped).
    private @Nullable ByteBuffer backlog;
    private boolean outputClosed;
    private boolean closeWhenFlushed;
    /** Whether the socket refused bytes and the backlog waits for it, not only for the I/O thread (over TLS). */
    private boolean stalled;

    private DeviceSocket(StreamConnection connection, DeviceSockets owner, int maxFrameBytes) {
        this.connection = connection;
        this.owner = owner;
        this.reader = new FrameReader(maxFrameBytes);
        this.lastRead = now();
    }

    /**
     * Wires a freshly upgraded connection to a new session; {@link #start} then starts reading. {@code owner} is
     * told once when the socket is closed ({@link DeviceSockets#gone}).
     */
    static DeviceSocket open(StreamConnection connection, DeviceSockets owner, PushService service,
            int maxFrameBytes) {
        DeviceSocket socket = new DeviceSocket(connection, owner, maxFrameBytes);
        connection.setCloseListener(new Closed(socket));
        // Against a close on another thread before start() looks: either it runs the listener just set, or start()
        // sees the connection closed (both sides fence).
        VarHandle.fullFence();
        socket.session = service.openSession(socket);
        return socket;
    }

    /**
     * The coarse monotonic clock of {@link #lastRead}, in ticks of about 17 ms; it wraps, so only differences count.
     * Monotonic rather than the wall clock: a clock set forward must not close every socket at once.
     */
    static int now() {
        return (int) (System.nanoTime() >> TICK_SHIFT);
    }

    /** {@code duration} in ticks of {@link #now()}, rounded down. */
    static int ticks(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toNanos() >> TICK_SHIFT);
    }

    /** Ticks since this socket last read something, as of {@code now}. */
    int idleTicks(int now) {
        return now - lastRead;
    }

    /**
     * Starts reading, after writing {@code response} (the handshake's answer, when Undertow did not write it) and
     * reading {@code initial} (frames that arrived with the handshake). On the connection's I/O thread.
     */
    void start(byte @Nullable [] response, @Nullable ByteBuffer initial) {
        if (!connection.isOpen()) {
            gone();
            return;
        }
        if (response != null && !write(ByteBuffer.wrap(response))) {
            return;
        }
        if (initial != null && initial.hasRemaining()) {
            reader.feed(initial, this);
            if (reader.failed()) {
                return;
            }
        }
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        source.setReadListener(this);
        source.resumeReads();
    }

    @Override
    public boolean send(ServerMessage message) {
        if (state != OPEN) {
            return false;
        }
        // A close frame may be written between this check and the write: write() drops the frame then (RFC 6455
        // §5.5.1), under the lock it already takes.
        return write(ProtocolCodec.encode(message, FrameWriter::text));
    }

    @Override
    public void close(int code, String reason) {
        if (!STATE.compareAndSet(this, OPEN, CLOSING)) {
            return;
        }
        // From the close frame on the device is offline, and its presence is released before the frame leaves:
        // an update arriving while it answers the close must be stored and answered 202 (and wake it, P8), on
        // whichever node it arrives.
        offline();
        if (!writeClose(FrameWriter.close(code, reason))) {
            return;
        }
        // The device should answer with its close frame, which ends the connection; if it does not, drop it.
        try {
            XnioExecutor.Key timer = connection.getIoThread().executeAfter(this::closeConnection, CLOSE_GRACE_MILLIS,
                    TimeUnit.MILLISECONDS);
            grace = timer;
            if (state == GONE) {
                // Gone meanwhile, before it could see the timer: the timer must not keep the socket.
                timer.remove();
            }
        } catch (RejectedExecutionException shuttingDown) {
            // The I/O thread is ending (server stop): no grace period to wait for.
            IoUtils.safeClose(connection);
        }
    }

    /** Drops the connection at once, without a close frame. */
    void abort() {
        if (mayWriteHere()) {
            IoUtils.safeClose(connection);
        } else {
            onIoThread(() -> IoUtils.safeClose(connection));
        }
    }

    /** Whether the socket is closed and its session told so. */
    boolean isGone() {
        return state == GONE;
    }

    // ---- reading, on the connection's I/O thread

    @Override
    public void handleEvent(ConduitStreamSourceChannel source) {
        PooledByteBuffer pooled = owner.buffers().allocate();
        try {
            ByteBuffer buffer = pooled.getBuffer();
            boolean stamped = false;
            for (;;) {
                buffer.clear();
                int read = source.read(buffer);
                if (read == -1) {
                    source.suspendReads();
                    closeConnection();
                    return;
                }
                if (read == 0) {
                    return;
                }
                if (!stamped) {
                    // Any bytes count, a ping frame or half a message: the device is there.
                    lastRead = now();
                    stamped = true;
                }
                buffer.flip();
                reader.feed(buffer, this);
                if (reader.failed() || read < buffer.capacity()) {
                    // A short read drained the socket: the selector reports the next bytes, no need to ask for them.
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("reading from {} failed: {}", connection.getPeerAddress(), e.toString());
            IoUtils.safeClose(connection);
        } finally {
            pooled.close();
        }
    }

    @Override
    public void text(byte[] bytes, int length) {
        if (state != OPEN) {
            return;
        }
        ClientMessage decoded;
        try {
            decoded = ProtocolCodec.decode(bytes, length);
        } catch (ProtocolCodec.MalformedFrameException e) {
            close(e.closeCode(), e.getMessage());
            return;
        }
        DeviceSession current = session;
        if (current != null) {
            current.receive(decoded);
        }
    }

    @Override
    public void binary() {
        // P1.2/P1.3: the protocol is text only.
        close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not supported");
    }

    @Override
    public void ping(byte[] payload) {
        write(FrameWriter.pong(payload));
    }

    @Override
    public void closeReceived(int code, String reason) {
        if (state == CLOSING) {
            // The device answered the server's close: the closing handshake is complete.
            closeWhenFlushed();
            return;
        }
        // The device said goodbye: it is offline from now on, before the close is echoed. An update arriving
        // meanwhile must not be answered 200 (P4.3) when it can no longer reach the device.
        gone();
        writeClose(FrameWriter.close(code, ""));
        closeWhenFlushed();
    }

    @Override
    public void fail(int code, String reason) {
        LOG.debug("closing {} with {}: {}", connection.getPeerAddress(), code, reason);
        if (code == FrameReader.PROTOCOL_ERROR) {
            // RFC 6455 §7.1.7: nothing more can be read; say why and drop the connection.
            STATE.compareAndSet(this, OPEN, CLOSING);
            offline();
            writeClose(FrameWriter.close(code, reason));
            closeWhenFlushed();
        } else {
            close(code, reason);
        }
    }

    // ---- writing, from any thread

    /** Writes as much of {@code frame} as the socket takes now and keeps the rest. False if no frame may be sent. */
    private boolean write(ByteBuffer frame) {
        return write(frame, false);
    }

    /** Writes the close frame, after which no frame may follow (RFC 6455 §5.5.1). False if it may not be sent. */
    private boolean writeClose(ByteBuffer frame) {
        return write(frame, true);
    }

    /**
     * Writes {@code frame}; with {@code last}, closes the output behind it. The check of {@link #outputClosed} and
     * the write are one step under this lock, so a frame that a sender built before the close frame was written can
     * never follow it on the wire.
     */
    private synchronized boolean write(ByteBuffer frame, boolean last) {
        if (outputClosed) {
            return false;
        }
        if (last) {
            // Before the write: whether the frame leaves now or with the backlog (which flush() writes regardless),
            // nothing is queued behind it.
            outputClosed = true;
        }
        ByteBuffer pending = backlog;
        if (pending != null) {
            int limit = stalled ? MAX_BACKLOG_BYTES : MAX_HANDOVER_BYTES;
            if (pending.remaining() + frame.remaining() > limit) {
                LOG.debug("{} does not read what it is sent; dropping the connection", connection.getPeerAddress());
                outputClosed = true;
                closeConnection();
                return false;
            }
            int needed = pending.remaining() + frame.remaining();
            if (needed > pending.capacity()) {
                // Doubling: a device that falls behind costs a few copies of its backlog, not one per frame.
                ByteBuffer grown = ByteBuffer.allocate(Math.min(limit,
                        Math.max(needed, 2 * pending.capacity())));
                backlog = grown.put(pending).put(frame).flip();
            } else {
                pending.compact().put(frame).flip();
            }
            return true;
        }
        if (!mayWriteHere()) {
            // Kept, so that frames written meanwhile on the I/O thread queue behind it (above) and the order holds.
            backlog = ByteBuffer.allocate(frame.remaining()).put(frame).flip();
            onIoThread(this::flushOnIoThread);
            return true;
        }
        ConduitStreamSinkChannel sink = connection.getSinkChannel();
        try {
            while (frame.hasRemaining()) {
                if (sink.write(frame) == 0) {
                    backlog = ByteBuffer.allocate(frame.remaining()).put(frame).flip();
                    awaitWritable(sink);
                    return true;
                }
            }
            // TLS takes the frame into a record that may not all have left yet: the I/O thread sends the rest.
            if (connection instanceof SslConnection && !sink.flush()) {
                awaitWritable(sink);
            }
            return true;
        } catch (IOException e) {
            LOG.debug("writing to {} failed: {}", connection.getPeerAddress(), e.toString());
            outputClosed = true;
            IoUtils.safeClose(connection);
            return false;
        }
    }

    /**
     * Writes the backlog (and, over TLS, the records not sent yet) on the I/O thread once the socket takes bytes
     * again.
     */
    private synchronized void flush(ConduitStreamSinkChannel sink) {
        ByteBuffer pending = backlog;
        try {
            while (pending != null && pending.hasRemaining()) {
                if (sink.write(pending) == 0) {
                    awaitWritable(sink);
                    return;
                }
            }
            backlog = null;
            if (!sink.flush()) {
                awaitWritable(sink);
                return;
            }
            stalled = false;
            sink.suspendWrites();
            if (closeWhenFlushed) {
                closeConnection();
            }
        } catch (IOException e) {
            LOG.debug("writing to {} failed: {}", connection.getPeerAddress(), e.toString());
            outputClosed = true;
            IoUtils.safeClose(connection);
        }
    }

    /** Writes the backlog that another thread kept (over TLS); what the socket cannot take yet waits for it. */
    private void flushOnIoThread() {
        if (connection.isOpen()) {
            flush(connection.getSinkChannel());
        }
    }

    /** {@link #flush} runs when the socket takes bytes again. On the I/O thread, or any thread for a plain socket. */
    private void awaitWritable(ConduitStreamSinkChannel sink) {
        stalled = true;
        sink.setWriteListener(this::flush);
        sink.resumeWrites();
    }

    /** Whether this thread may write to the connection: any thread to a plain one, the I/O thread to a TLS one. */
    private boolean mayWriteHere() {
        return !(connection instanceof SslConnection) || connection.getIoThread() == Thread.currentThread();
    }

    /** Runs {@code task} on the connection's I/O thread; drops the connection if that thread is ending. */
    private void onIoThread(Runnable task) {
        try {
            connection.getIoThread().execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            IoUtils.safeClose(connection);
        }
    }

    /** No frame may follow; the connection ends as soon as what was written has left. */
    private synchronized void closeWhenFlushed() {
        outputClosed = true;
        if (backlog == null) {
            closeConnection();
        } else {
            closeWhenFlushed = true;
        }
    }

    /**
     * Closes the TCP connection, off the I/O thread when called on it: XNIO deregisters a socket closed on its own
     * I/O thread with {@code Selector.selectNow()}, and when thousands of devices go away at once every such call
     * processes again up to a thousand other ready sockets (about 1 ms of CPU per device). Closed from another
     * thread, the key is only cancelled and dropped in the I/O thread's next select.
     */
    private void closeConnection() {
        if (connection instanceof SslConnection) {
            if (mayWriteHere()) {
                closeTls();
            } else {
                onIoThread(this::closeTls);
            }
            return;
        }
        if (connection.getIoThread() != Thread.currentThread()) {
            IoUtils.safeClose(connection);
            return;
        }
        try {
            connection.getWorker().execute(() -> IoUtils.safeClose(connection));
        } catch (RejectedExecutionException shuttingDown) {
            IoUtils.safeClose(connection);
        }
    }

    /**
     * Sends TLS's {@code close_notify} (RFC 8446 §6.1: a peer may take a connection ended without it for a truncation
     * attack) and closes the connection. On the I/O thread: the TLS conduit is not thread-safe.
     */
    private void closeTls() {
        if (!connection.isOpen()) {
            return;
        }
        ConduitStreamSinkChannel sink = connection.getSinkChannel();
        try {
            sink.shutdownWrites();
            sink.flush();
        } catch (IOException e) {
            LOG.debug("sending close_notify to {} failed: {}", connection.getPeerAddress(), e.toString());
        }
        IoUtils.safeClose(connection);
    }

    /** The socket is closed, by either side or by a failure: tell the session (if not yet) and the listener. */
    private void gone() {
        if (STATE.getAndSet(this, GONE) == GONE) {
            return;
        }
        XnioExecutor.Key timer = grace;
        if (timer != null) {
            timer.remove();
        }
        try {
            offline();
        } finally {
            owner.gone(this);
        }
    }

    /** The close listener of a device socket's connection. */
    static final class Closed implements ChannelListener<StreamConnection> {
        private final DeviceSocket socket;

        Closed(DeviceSocket socket) {
            this.socket = socket;
        }

        @Override
        public void handleEvent(StreamConnection closed) {
            socket.gone();
        }
    }

    /** The device can no longer be reached through this socket: tell the session, exactly once. */
    private void offline() {
        if (!OFFLINE.compareAndSet(this, 0, 1)) {
            return;
        }
        DeviceSession current = session;
        if (current != null) {
            current.closed();
        }
    }
}
