package dev.simplepush.transport.websocket.internal.device;

import dev.simplepush.core.PushService;
import dev.simplepush.core.protocol.CloseCodes;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * The device side of one listener: the two ways a device connection is upgraded ({@link #openListener},
 * {@link #upgradeHandler}), and the device sockets they open. Every connection whose upgrade was answered becomes a
 * socket with a session of its own, kept here while it is open, so that a stopping listener can close them all, and
 * {@link #closeIdle} can close those whose device went quiet.
 *
 * <p>Admission: every accepted connection, device or HTTP, takes a place in one counter until it closes; one past
 * the limit is answered 503 with {@code Retry-After} by the open listener and closed, so that the connections held
 * go on working and a new client learns at once that it should come back later. The place is given back by the
 * connection's close listener (the one slot XNIO has, which Undertow takes for its HTTP connections: see
 * {@link #handedToHttp}) or, once the connection is a device socket, when the socket is gone.
 *
 * <p>Thread-safe: sockets open on I/O threads and go on any thread. Keeps nothing per socket but its entry in a
 * concurrent set.
 */
public final class DeviceSockets {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSockets.class);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final PushService service;
    private final ByteBufferPool buffers;
    private final int maxFrameBytes;
    private final int maxConnections;
    private final int idleTicks;
    private final List<String> allowedOrigins;
    private final Set<DeviceSocket> open = ConcurrentHashMap.newKeySet();
    /** Connections accepted and not yet closed, refused ones included. */
    private final AtomicInteger connections = new AtomicInteger();
    /** Gives back a connection's place when it closes; one instance for all connections. */
    private final ChannelListener<StreamConnection> release = closed -> connections.decrementAndGet();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean closing;
    /** Draining: device upgrades are refused with 503. */
    private volatile boolean draining;
    /** Refusals since the last warning; the warning is written once a minute at most. */
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastWarning = System.nanoTime() - WARNING_INTERVAL_NANOS;

    /**
     * The device side of a listener whose buffers come from {@code buffers}: each socket has a session of
     * {@code service}, and closes with 1009 on a message over {@code maxFrameBytes} (P1.3). At most
     * {@code maxConnections} connections are kept at once; {@link #closeIdle} closes the sockets that read nothing
     * for {@code deviceIdleTimeout}; web pages may upgrade only from {@code allowedOrigins} (lower-case, without a
     * default port; empty for any).
     */
    public DeviceSockets(PushService service, ByteBufferPool buffers, int maxFrameBytes, int maxConnections,
            Duration deviceIdleTimeout, List<String> allowedOrigins) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
        this.service = service;
        this.buffers = buffers;
        this.maxFrameBytes = maxFrameBytes;
        this.maxConnections = maxConnections;
        this.idleTicks = DeviceSocket.ticks(deviceIdleTimeout);
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    /**
     * The listener to see every new connection first: answers a device upgrade itself, refuses a connection past
     * the limit with 503, and hands anything else to {@code http} with the bytes read so far. A connection that
     * sends no complete request within {@code idleTimeoutMillis} is closed.
     */
    public ChannelListener<StreamConnection> openListener(DelegateOpenListener http, long idleTimeoutMillis) {
        return new DeviceOpenListener(http, buffers, idleTimeoutMillis, this);
    }

    /**
     * Undertow's handler for {@code /}: upgrades the device connections the open listener left to Undertow, hands
     * an upgrade from a web page of an origin not allowed to {@code forbid}, which answers 403, and every other
     * request to {@code refuse}, which answers 426.
     */
    public HttpHandler upgradeHandler(HttpHandler refuse, HttpHandler forbid) {
        return new DeviceUpgradeHandler(this, refuse, forbid);
    }

    /** The origins whose web pages may upgrade; empty for any. */
    List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * Counts a connection just accepted, whose place is given back when it closes; false if it is past the limit
     * (it is counted all the same until it is closed). On the connection's I/O thread, before anything else is
     * done with it.
     */
    boolean admit(StreamConnection connection) {
        connection.setCloseListener(release);
        if (connections.incrementAndGet() <= maxConnections) {
            return true;
        }
        long refusals = refused.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning;
        if (now - last >= WARNING_INTERVAL_NANOS) {
            // One line a minute at most while at the limit, however many are refused.
            lastWarning = now;
            refused.addAndGet(-refusals);
            LOG.warn("connection limit ({}) reached: {} new connection(s) answered 503 since the last such warning",
                    maxConnections, refusals);
        }
        return false;
    }

    /**
     * After Undertow took {@code connection} over, which set its own close listener in place of the one that gives
     * the place back: wraps Undertow's, so that both run. Skipped when Undertow already upgraded the connection to a
     * device socket, whose end gives the place back.
     */
    void handedToHttp(StreamConnection connection) {
        ChannelListener<? super StreamConnection> undertow = connection.getCloseListener();
        if (undertow instanceof DeviceSocket.Closed) {
            return;
        }
        HttpRelease counted = new HttpRelease(undertow);
        connection.setCloseListener(counted);
        // A connection can be closed on another thread (an answer completed by a store callback): either that
        // thread sees the listener just set, or this one sees the connection closed (both sides fence), and the
        // listener's flag gives the place back once.
        VarHandle.fullFence();
        if (!connection.isOpen()) {
            counted.release();
        }
    }

    /**
     * Opens the socket of a connection whose upgrade was answered: writes {@code response} (when the 101 is not
     * Undertow's to write) and reads {@code initial} (the bytes that followed the request), then reads on. On the
     * connection's I/O thread.
     */
    void upgraded(StreamConnection connection, byte @Nullable [] response, @Nullable ByteBuffer initial) {
        if (connection.getCloseListener() instanceof HttpRelease counted && !counted.handOver()) {
            // Closed before it could become a socket; its place is already back.
            return;
        }
        // From here the socket's end gives the place back, once.
        DeviceSocket socket;
        try {
            socket = DeviceSocket.open(connection, this, service, maxFrameBytes);
        } catch (RuntimeException e) {
            // For example the core's timers are already shut down: refuse the device rather than leak it.
            LOG.warn("could not open a session for {}: {}", connection.getPeerAddress(), e.toString());
            // Whichever listener it had, the close now gives the place back once.
            connection.setCloseListener(release);
            IoUtils.safeClose(connection);
            return;
        }
        open.add(socket);
        socket.start(response, initial);
        if (socket.isGone()) {
            // Closed before it was registered: its removal above ran too early.
            open.remove(socket);
            drainedIfEmpty();
        } else if (closing) {
            socket.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    /**
     * Closes (1000) every socket that has read nothing, not even a ping, for the device idle timeout: its device is
     * most likely gone without a word, and the socket would hold a descriptor for ever. Meant to run periodically,
     * on the scheduler, every quarter of the timeout or so; a run looks at every open socket once.
     */
    public void closeIdle() {
        int now = DeviceSocket.now();
        for (DeviceSocket socket : open) {
            if (socket.idleTicks(now) > idleTicks) {
                socket.close(CloseCodes.NORMAL, "idle for too long");
            }
        }
    }

    /**
     * Closes every socket with 1001 (going away), and every socket that opens from now on. The stage completes once
     * every device has answered or been dropped; it never completes exceptionally. Idempotent.
     */
    public CompletionStage<Void> closeAll() {
        closing = true;
        for (DeviceSocket socket : open) {
            socket.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
        drainedIfEmpty();
        return drained;
    }

    /**
     * From now on refuses device upgrades (503 with {@code Retry-After}) and closes every open socket with 1001,
     * in {@code waves} waves, one each time {@code nextWave} is called; a socket's wave is drawn at random (from
     * its identity and {@code salt}), so each wave closes about as many as the others and which ones is random. A
     * wave looks at every open socket once and keeps nothing: no list of sockets is made. The last wave also closes
     * a socket opened while the waves ran.
     */
    public Waves drain(int waves, int salt) {
        if (waves < 1) {
            throw new IllegalArgumentException("waves must be at least 1: " + waves);
        }
        draining = true;
        return new Waves(waves, salt);
    }

    /** Whether device upgrades are refused because the listener drains. */
    public boolean draining() {
        return draining;
    }

    /** The number of open device sockets. */
    public int openSockets() {
        return open.size();
    }

    /** The waves of a drain ({@link #drain}). */
    public final class Waves {
        private final int waves;
        private final int salt;
        private int next;

        private Waves(int waves, int salt) {
            this.waves = waves;
            this.salt = salt;
        }

        /** Closes the next wave's sockets; false once every wave has run. */
        public synchronized boolean nextWave() {
            if (next >= waves) {
                return false;
            }
            int wave = next++;
            boolean last = next == waves;
            for (DeviceSocket socket : open) {
                if (last || waveOf(socket) == wave) {
                    socket.close(CloseCodes.GOING_AWAY, "server draining");
                }
            }
            return next < waves;
        }

        private int waveOf(DeviceSocket socket) {
            // A murmur3 finaliser: identity hash codes are not uniformly spread on their own.
            int h = System.identityHashCode(socket) ^ salt;
            h ^= h >>> 16;
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            h *= 0xc2b2ae35;
            h ^= h >>> 16;
            return Integer.remainderUnsigned(h, waves);
        }
    }

    /** Drops the connection of every socket left, without waiting for its device. */
    public void abortAll() {
        open.forEach(DeviceSocket::abort);
    }

    ByteBufferPool buffers() {
        return buffers;
    }

    /** A socket is closed: it gives back its place, once. */
    void gone(DeviceSocket socket) {
        connections.decrementAndGet();
        open.remove(socket);
        drainedIfEmpty();
    }

    private void drainedIfEmpty() {
        if (closing && open.isEmpty()) {
            drained.complete(null);
        }
    }

    /**
     * The close listener of a connection Undertow serves: gives the connection's place back, then runs Undertow's
     * own. Handed over, when the connection becomes a device socket, it gives nothing back and keeps nothing (the
     * socket does both).
     */
    private final class HttpRelease implements ChannelListener<StreamConnection> {
        private static final AtomicIntegerFieldUpdater<HttpRelease> DONE =
                AtomicIntegerFieldUpdater.newUpdater(HttpRelease.class, "done");

        private volatile @Nullable ChannelListener<? super StreamConnection> undertow;
        private volatile int done;

        HttpRelease(@Nullable ChannelListener<? super StreamConnection> undertow) {
            this.undertow = undertow;
        }

        @Override
        public void handleEvent(StreamConnection connection) {
            release();
            ChannelListener<? super StreamConnection> next = undertow;
            if (next != null) {
                ChannelListeners.invokeChannelListener(connection, next);
            }
        }

        void release() {
            if (DONE.compareAndSet(this, 0, 1)) {
                connections.decrementAndGet();
            }
        }

        /** Leaves the place to a device socket; false if the connection already closed and gave it back. */
        boolean handOver() {
            undertow = null;
            return DONE.compareAndSet(this, 0, 1);
        }
    }
}
