package dev.simplepush.transport.websocket.internal.device;

import dev.simplepush.core.PushService;
import dev.simplepush.core.protocol.CloseCodes;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * The device side of one listener: the two ways a device connection is upgraded ({@link #openListener},
 * {@link #upgradeHandler}), and the device sockets they open. Every connection whose upgrade was answered becomes a
 * socket with a session of its own, kept here while it is open, so that a stopping listener can close them all.
 *
 * <p>Thread-safe: sockets open on I/O threads and go on any thread. Keeps nothing per socket but its entry in a
 * concurrent set.
 */
public final class DeviceSockets {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSockets.class);

    private final PushService service;
    private final ByteBufferPool buffers;
    private final int maxFrameBytes;
    private final List<String> allowedOrigins;
    private final Set<DeviceSocket> open = ConcurrentHashMap.newKeySet();
    /** One instance shared by all sockets, rather than a method reference allocated per socket. */
    private final Consumer<DeviceSocket> onGone = this::gone;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean closing;

    /**
     * The device side of a listener whose buffers come from {@code buffers}: each socket has a session of
     * {@code service}, and closes with 1009 on a message over {@code maxFrameBytes} (P1.3); web pages may upgrade
     * only from {@code allowedOrigins} (lower-case, without a default port; empty for any).
     */
    public DeviceSockets(PushService service, ByteBufferPool buffers, int maxFrameBytes,
            List<String> allowedOrigins) {
        this.service = service;
        this.buffers = buffers;
        this.maxFrameBytes = maxFrameBytes;
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    /**
     * The listener to see every new connection first: answers a device upgrade itself, and hands anything else to
     * {@code http} with the bytes read so far. A connection that sends no complete request within
     * {@code idleTimeoutMillis} is closed.
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
     * Opens the socket of a connection whose upgrade was answered: writes {@code response} (when the 101 is not
     * Undertow's to write) and reads {@code initial} (the bytes that followed the request), then reads on. On the
     * connection's I/O thread.
     */
    void upgraded(StreamConnection connection, byte @Nullable [] response, @Nullable ByteBuffer initial) {
        DeviceSocket socket;
        try {
            socket = DeviceSocket.open(connection, buffers, service, maxFrameBytes, onGone);
        } catch (RuntimeException e) {
            // For example the core's timers are already shut down: refuse the device rather than leak it.
            LOG.warn("could not open a session for {}: {}", connection.getPeerAddress(), e.toString());
            IoUtils.safeClose(connection);
            return;
        }
        open.add(socket);
        socket.start(response, initial);
        if (socket.isGone()) {
            // Closed before it was registered: its removal above ran too early.
            gone(socket);
        } else if (closing) {
            socket.close(CloseCodes.GOING_AWAY, "server shutting down");
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
        if (open.isEmpty()) {
            drained.complete(null);
        }
        return drained;
    }

    /** Drops the connection of every socket left, without waiting for its device. */
    public void abortAll() {
        open.forEach(DeviceSocket::abort);
    }

    private void gone(DeviceSocket socket) {
        open.remove(socket);
        if (closing && open.isEmpty()) {
            drained.complete(null);
        }
    }
}
