package dev.simplepush.transport.websocket;

import dev.simplepush.core.PushService;
import dev.simplepush.core.TransportException;
import dev.simplepush.core.protocol.CloseCodes;
import io.undertow.Undertow;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpUpgradeListener;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.protocol.Handshake;
import io.undertow.websockets.core.protocol.version07.Hybi07Handshake;
import io.undertow.websockets.core.protocol.version08.Hybi08Handshake;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.StreamConnection;

/** The Undertow listener behind {@link WebSocketTransport}. */
final class UndertowWebSocketTransport implements WebSocketTransport {

    private static final Logger LOG = LoggerFactory.getLogger(UndertowWebSocketTransport.class);

    /** P1.1: echoed when offered, never required. */
    static final String SUB_PROTOCOL = "push-notification";
    /** How long {@link #stop()} waits for devices to answer the 1001 close before the listener goes down. */
    static final long SHUTDOWN_GRACE_MILLIS = 2_000;
    /** Undertow's own default for a JVM with more than 128 MB of heap. */
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int ACCEPT_BACKLOG = 4096;

    private final WebSocketConfig config;
    private final PushService service;
    private final ListenerAddress address;
    private final Set<DeviceSocket> sockets = ConcurrentHashMap.newKeySet();
    /** One instance shared by all sockets, rather than a method reference allocated per socket. */
    private final Consumer<DeviceSocket> onGone = this::gone;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final Object lock = new Object();
    private @Nullable Undertow undertow;
    private @Nullable CountingBufferPool buffers;
    private @Nullable CompletableFuture<Void> stopped;
    private volatile boolean stopping;

    UndertowWebSocketTransport(WebSocketConfig config, PushService service, ListenerAddress address) {
        this.config = config;
        this.service = service;
        this.address = address;
    }

    @Override
    public CompletionStage<Void> start() {
        synchronized (lock) {
            if (stopped != null) {
                return CompletableFuture.failedFuture(
                        new IllegalStateException("a stopped WebSocket transport cannot start again"));
            }
            if (undertow != null) {
                return CompletableFuture.completedFuture(null);
            }
            CountingBufferPool pool = new CountingBufferPool(new DefaultByteBufferPool(true, BUFFER_BYTES, -1, 4));
            Undertow server = Undertow.builder()
                    .addHttpListener(config.port(), config.host())
                    .setByteBufferPool(pool)
                    .setIoThreads(config.ioThreads())
                    // A reconnect storm opens thousands of sockets at once; Undertow's default backlog of 1000
                    // drops SYNs beyond it and the devices retry only after a second.
                    .setSocketOption(Options.BACKLOG, ACCEPT_BACKLOG)
                    // Handlers never block, so the worker pool only exists because Undertow requires one.
                    .setWorkerThreads(1)
                    .setHandler(routes())
                    .build();
            try {
                server.start();
            } catch (RuntimeException e) {
                stopQuietly(server);
                pool.close();
                return CompletableFuture.failedFuture(new TransportException(
                        "cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e), e));
            }
            undertow = server;
            buffers = pool;
            InetSocketAddress local = localAddressOf(server);
            URI base = config.publicUrl().orElseGet(() -> defaultBase(local));
            address.bind(local, base);
            LOG.info("WebSocket transport listening on {}, endpoints under {}", local, address.base());
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public CompletionStage<Void> stop() {
        synchronized (lock) {
            if (stopped != null) {
                return stopped;
            }
            stopping = true;
            Undertow server = undertow;
            CountingBufferPool pool = buffers;
            if (server == null || pool == null) {
                stopped = CompletableFuture.completedFuture(null);
                return stopped;
            }
            for (DeviceSocket socket : sockets) {
                socket.close(CloseCodes.GOING_AWAY, "server shutting down");
            }
            if (sockets.isEmpty()) {
                drained.complete(null);
            }
            // Undertow.stop() blocks until its threads end, so it must not run on one of its I/O threads.
            stopped = drained
                    .completeOnTimeout(null, SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS)
                    .thenRunAsync(() -> {
                        stopQuietly(server);
                        pool.close();
                        LOG.info("WebSocket transport stopped");
                    }, task -> {
                        Thread thread = new Thread(task, "simplepush-websocket-stop");
                        thread.setDaemon(true);
                        thread.start();
                    });
            return stopped;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return address.local();
    }

    @Override
    public URI baseUrl() {
        return address.base();
    }

    /** The number of pooled buffers in use; 0 when every socket is idle. For tests. */
    int buffersInUse() {
        CountingBufferPool pool = buffers;
        return pool == null ? 0 : pool.inUse();
    }

    private HttpRoutes routes() {
        List<Handshake> handshakes = List.of(
                new Hybi13Handshake(Set.of(SUB_PROTOCOL), false),
                new Hybi08Handshake(Set.of(SUB_PROTOCOL), false),
                new Hybi07Handshake(Set.of(SUB_PROTOCOL), false));
        // One listener for every upgrade, rather than Undertow's per-request one: the HTTP connection object stays
        // reachable for the socket's whole life and keeps its upgrade listener, so a per-request listener would
        // pin the upgrade request's exchange and all its headers (about 2 KiB) to every idle device.
        // Undertow answers the handshake; the frames that follow are read and written by DeviceSocket itself, which
        // keeps far less per idle socket than Undertow's WebSocket channel (two queues, four locks, about 1.2 KB).
        HttpUpgradeListener upgraded = (connection, exchange) ->
                connected(connection, exchange.getConnection().getByteBufferPool());
        WebSocketProtocolHandshakeHandler webSocket = new WebSocketProtocolHandshakeHandler(handshakes, upgraded,
                HttpRoutes::upgradeRequired);
        return new HttpRoutes(service, webSocket, config.maxBodyBytes(), config.corsAllowedOrigin(),
                WebAssets.load());
    }

    private void connected(StreamConnection connection, ByteBufferPool pool) {
        DeviceSocket socket;
        try {
            socket = DeviceSocket.open(connection, pool, service, config.maxFrameBytes(), onGone);
        } catch (RuntimeException e) {
            // For example the core's timers are already shut down: refuse the device rather than leak it.
            LOG.warn("could not open a session for {}: {}", connection.getPeerAddress(), e.toString());
            IoUtils.safeClose(connection);
            return;
        }
        sockets.add(socket);
        if (socket.isGone()) {
            // Closed before it was registered: its removal above ran too early.
            gone(socket);
        } else if (stopping) {
            socket.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    private void gone(DeviceSocket socket) {
        sockets.remove(socket);
        if (stopping && sockets.isEmpty()) {
            drained.complete(null);
        }
    }

    private static InetSocketAddress localAddressOf(Undertow server) {
        SocketAddress bound = server.getListenerInfo().get(0).getAddress();
        if (!(bound instanceof InetSocketAddress)) {
            throw new IllegalStateException("the listener is not bound to an IP address: " + bound);
        }
        return (InetSocketAddress) bound;
    }

    private URI defaultBase(InetSocketAddress local) {
        String host = config.host();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        if (local.getAddress() != null && local.getAddress().isAnyLocalAddress()) {
            LOG.warn("listening on the wildcard address {} without a publicUrl: endpoint URLs will name it, which "
                    + "app servers cannot reach; configure publicUrl", config.host());
        }
        return URI.create("http://" + host + ":" + local.getPort());
    }

    private static void stopQuietly(Undertow server) {
        try {
            server.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping the WebSocket listener failed: {}", rootMessage(e));
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
