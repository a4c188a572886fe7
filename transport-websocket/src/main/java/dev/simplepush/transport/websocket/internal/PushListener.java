package dev.simplepush.transport.websocket.internal;

import dev.simplepush.core.PushService;
import dev.simplepush.core.TransportException;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.internal.assets.WebAssets;
import dev.simplepush.transport.websocket.internal.device.DeviceSockets;
import dev.simplepush.transport.websocket.internal.http.HttpRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The listener behind {@link WebSocketTransport}: Undertow's HTTP listener on an XNIO worker of its own, with the
 * device side ({@link DeviceSockets}) looking at every new connection first and serving {@code /} in Undertow's
 * routes ({@link HttpRoutes}). Bound by {@code WebSocketTransportModule}.
 */
public final class PushListener implements WebSocketTransport {

    private static final Logger LOG = LoggerFactory.getLogger(PushListener.class);

    /** How long {@link #stop()} waits for devices to answer the 1001 close before the listener goes down. */
    static final long SHUTDOWN_GRACE_MILLIS = 2_000;
    /** Undertow's own default for a JVM with more than 128 MB of heap. */
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int ACCEPT_BACKLOG = 4096;

    private final WebSocketConfig config;
    private final PushService service;
    private final ListenerAddress address;
    private final MeterRegistry meters;
    private final Supplier<ByteBufferPool> bufferPools;
    private final Object lock = new Object();
    private @Nullable Listener listener;
    private @Nullable ByteBufferPool buffers;
    private @Nullable DeviceSockets devices;
    private @Nullable CompletableFuture<Void> stopped;

    /**
     * A listener as {@code config} says, for the sessions of {@code service}, publishing where it listens to
     * {@code address} once started and its endpoint counters to {@code meters}. Opens nothing until started.
     */
    public PushListener(WebSocketConfig config, PushService service, ListenerAddress address, MeterRegistry meters) {
        this(config, service, address, meters, PushListener::directBuffers);
    }

    /** A listener whose buffers come from a pool of {@code bufferPools}, one pool per start; for tests. */
    PushListener(WebSocketConfig config, PushService service, ListenerAddress address, MeterRegistry meters,
            Supplier<ByteBufferPool> bufferPools) {
        this.config = config;
        this.meters = meters;
        this.service = service;
        this.address = address;
        this.bufferPools = bufferPools;
    }

    /** The pool of a listener: direct buffers, taken only while bytes are read or written. */
    static ByteBufferPool directBuffers() {
        return new DefaultByteBufferPool(true, BUFFER_BYTES, -1, 4);
    }

    @Override
    public CompletionStage<Void> start() {
        synchronized (lock) {
            if (stopped != null) {
                return CompletableFuture.failedFuture(
                        new IllegalStateException("a stopped WebSocket transport cannot start again"));
            }
            if (listener != null) {
                return CompletableFuture.completedFuture(null);
            }
            ByteBufferPool pool = bufferPools.get();
            DeviceSockets sockets = new DeviceSockets(service, pool, config.maxFrameBytes());
            Listener server;
            try {
                server = Listener.start(config, pool, routes(sockets), sockets);
            } catch (IOException | RuntimeException e) {
                pool.close();
                return CompletableFuture.failedFuture(new TransportException(
                        "cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e), e));
            }
            listener = server;
            buffers = pool;
            devices = sockets;
            InetSocketAddress local = server.localAddress();
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
            Listener server = listener;
            ByteBufferPool pool = buffers;
            DeviceSockets sockets = devices;
            if (server == null || pool == null || sockets == null) {
                stopped = CompletableFuture.completedFuture(null);
                return stopped;
            }
            // Stopping blocks until the I/O threads end, so it must not run on one of them.
            stopped = sockets.closeAll().toCompletableFuture()
                    .completeOnTimeout(null, SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS)
                    .thenRunAsync(() -> {
                        // Devices that did not answer the close in time are dropped.
                        sockets.abortAll();
                        server.stop();
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

    private HttpRoutes routes(DeviceSockets sockets) {
        // Undertow answers the requests DeviceOpenListener leaves to it; the frames of a device that upgrades there
        // too are read and written by DeviceSocket, which keeps far less per idle socket than Undertow's WebSocket
        // channel (two queues, four locks, about 1.2 KB).
        HttpHandler webSocket = sockets.upgradeHandler(HttpRoutes::upgradeRequired);
        return new HttpRoutes(service, webSocket, config.maxBodyBytes(), config.corsAllowedOrigin(),
                WebAssets.load(config.demoPage()), meters);
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

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    /**
     * Undertow's HTTP listener, assembled from its parts rather than by {@code Undertow.builder()}, so that every
     * new connection is first seen by the device side's open listener. Options as Undertow's builder sets them.
     */
    private static final class Listener {
        private final XnioWorker worker;
        private final AcceptingChannel<StreamConnection> accepting;
        private final HttpOpenListener http;

        private Listener(XnioWorker worker, AcceptingChannel<StreamConnection> accepting, HttpOpenListener http) {
            this.worker = worker;
            this.accepting = accepting;
            this.http = http;
        }

        static Listener start(WebSocketConfig config, ByteBufferPool pool, HttpHandler routes,
                DeviceSockets devices) throws IOException {
            XnioWorker worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, config.ioThreads())
                    .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                    .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                    // Handlers never block, so the task pool only exists because XNIO requires one; it closes
                    // sockets off the I/O threads.
                    .set(Options.WORKER_TASK_CORE_THREADS, 1)
                    .set(Options.WORKER_TASK_MAX_THREADS, 1)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CORK, true)
                    .set(Options.WORKER_NAME, "simplepush")
                    .getMap());
            try {
                long idleMillis = config.httpIdleTimeout().toMillis();
                HttpOpenListener http = new HttpOpenListener(pool, OptionMap.builder()
                        .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) idleMillis)
                        // A request head that stalls half-way is not covered by the idle timeout above.
                        .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) idleMillis)
                        // A head that did not fit the open listener's buffer is refused here too, never upgraded.
                        .set(UndertowOptions.MAX_HEADER_SIZE, BUFFER_BYTES)
                        .set(UndertowOptions.BUFFER_PIPELINED_DATA, false)
                        .getMap());
                http.setRootHandler(routes);
                ChannelListener<StreamConnection> firstRequests = devices.openListener(http, idleMillis);
                AcceptingChannel<StreamConnection> accepting = worker.createStreamConnectionServer(
                        new InetSocketAddress(InetAddress.getByName(config.host()), config.port()),
                        ChannelListeners.openListenerAdapter(firstRequests), OptionMap.builder()
                                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                                .set(Options.TCP_NODELAY, true)
                                .set(Options.REUSE_ADDRESSES, true)
                                .set(Options.BALANCING_TOKENS, 1)
                                .set(Options.BALANCING_CONNECTIONS, 2)
                                // A reconnect storm opens thousands of sockets at once; a backlog of 1000 (Undertow's
                                // default) drops SYNs beyond it and the devices retry only after a second.
                                .set(Options.BACKLOG, ACCEPT_BACKLOG)
                                .getMap());
                accepting.resumeAccepts();
                return new Listener(worker, accepting, http);
            } catch (IOException | RuntimeException e) {
                worker.shutdownNow();
                throw e;
            }
        }

        InetSocketAddress localAddress() {
            SocketAddress bound = accepting.getLocalAddress();
            if (!(bound instanceof InetSocketAddress)) {
                throw new IllegalStateException("the listener is not bound to an IP address: " + bound);
            }
            return (InetSocketAddress) bound;
        }

        /** Stops accepting, closes every connection left and waits for the I/O threads to end. */
        void stop() {
            IoUtils.safeClose(accepting);
            http.closeConnections();
            worker.shutdown();
            try {
                if (!worker.awaitTermination(SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                    worker.shutdownNow();
                }
            } catch (InterruptedException e) {
                worker.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
