package dev.simplepush.transport.websocket.internal;

import dev.simplepush.core.PushHealth;
import dev.simplepush.core.PushService;
import dev.simplepush.core.TransportException;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.internal.assets.WebAssets;
import dev.simplepush.transport.websocket.internal.device.DeviceSockets;
import dev.simplepush.transport.websocket.internal.http.HttpRoutes;
import dev.simplepush.transport.websocket.internal.tls.TlsContexts;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
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
 *
 * <p>Admission and idleness: at most {@link ConnectionLimit#of} connections are kept at once (the device side
 * refuses more with 503), every accepted socket has TCP keep-alive, and one periodic task on the core's
 * {@link Scheduler} closes the device sockets that read nothing for the device idle timeout
 * ({@link DeviceSockets#closeIdle}).
 *
 * <p>Stopping blocks no thread and starts none: the devices are sent 1001 at once, the grace is a timer of the
 * core's {@link Scheduler}, and the stop stage completes when XNIO reports that its worker has terminated.
 */
public final class PushListener implements WebSocketTransport {

    private static final Logger LOG = LoggerFactory.getLogger(PushListener.class);

    /** Undertow's own default for a JVM with more than 128 MB of heap. */
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int ACCEPT_BACKLOG = 4096;
    /** The shortest period of the idle sweep. */
    private static final Duration MIN_SWEEP_PERIOD = Duration.ofMillis(25);
    /** How often a drain closes a wave of devices. */
    static final Duration WAVE_PERIOD = Duration.ofMillis(250);
    private static final int MAX_WAVES = 10_000;

    private final WebSocketConfig config;
    private final PushService service;
    private final PushHealth health;
    private final ListenerAddress address;
    private final MeterRegistry meters;
    private final Scheduler scheduler;
    private final Supplier<ByteBufferPool> bufferPools;
    private final Object lock = new Object();
    private @Nullable Listener listener;
    /** Counts the HTTP requests in flight, so that a stop lets them finish. */
    private @Nullable GracefulShutdownHandler httpRequests;
    private @Nullable ByteBufferPool buffers;
    private @Nullable DeviceSockets devices;
    private @Nullable Future<?> idleSweep;
    private @Nullable CompletableFuture<Void> drained;
    private @Nullable Future<?> drainWaves;
    private @Nullable TlsContexts tls;
    private @Nullable Future<?> tlsReload;
    private @Nullable CompletableFuture<Void> stopped;

    /**
     * A listener as {@code config} says, for the sessions of {@code service}, publishing where it listens to
     * {@code address} once started and its endpoint counters to {@code meters}; the shutdown grace is timed on
     * {@code scheduler}. Opens nothing until started.
     */
    public PushListener(WebSocketConfig config, PushService service, PushHealth health, ListenerAddress address,
            MeterRegistry meters, Scheduler scheduler) {
        this(config, service, health, address, meters, scheduler, PushListener::directBuffers);
    }

    /** A listener whose buffers come from a pool of {@code bufferPools}, one pool per start; for tests. */
    PushListener(WebSocketConfig config, PushService service, PushHealth health, ListenerAddress address,
            MeterRegistry meters, Scheduler scheduler, Supplier<ByteBufferPool> bufferPools) {
        this.config = config;
        this.health = health;
        this.meters = meters;
        this.service = service;
        this.address = address;
        this.scheduler = scheduler;
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
            int maxConnections = ConnectionLimit.of(config);
            int safe = ConnectionLimit.fromOpenFiles(ConnectionLimit.openFilesLimit());
            if (maxConnections > safe) {
                LOG.warn("maxConnections {} is more than this process's open-files limit allows ({}): at the limit, "
                        + "accepts may fail and new clients wait without an answer; raise the limit (ulimit -n)",
                        maxConnections, safe);
            }
            TlsContexts contexts;
            try {
                contexts = config.tls().map(TlsContexts::start).orElse(null);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new TransportException(
                        "cannot start the WebSocket transport with TLS: " + e.getMessage(), e));
            }
            ByteBufferPool pool = bufferPools.get();
            DeviceSockets sockets = new DeviceSockets(service, pool, config.maxFrameBytes(), maxConnections,
                    config.deviceIdleTimeout(), config.allowedOrigins());
            Listener server;
            GracefulShutdownHandler requests;
            Future<?> sweep;
            Future<?> reload = null;
            try {
                sweep = scheduler.scheduleRepeatedly(sockets::closeIdle, sweepPeriod(config.deviceIdleTimeout()));
                if (contexts != null) {
                    reload = scheduleReload(contexts, sweep);
                }
            } catch (RejectedExecutionException shutDown) {
                pool.close();
                if (contexts != null) {
                    contexts.close();
                }
                return CompletableFuture.failedFuture(new TransportException(
                        "cannot start the WebSocket transport: the scheduler is shut down", shutDown));
            }
            try {
                requests = new GracefulShutdownHandler(routes(sockets));
                server = Listener.start(config, pool, requests, sockets, contexts);
            } catch (IOException | RuntimeException e) {
                sweep.cancel(false);
                pool.close();
                if (reload != null) {
                    reload.cancel(false);
                }
                if (contexts != null) {
                    contexts.close();
                }
                return CompletableFuture.failedFuture(new TransportException(
                        "cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e), e));
            }
            listener = server;
            httpRequests = requests;
            buffers = pool;
            devices = sockets;
            idleSweep = sweep;
            tls = contexts;
            tlsReload = reload;
            InetSocketAddress local = server.localAddress();
            URI base = config.publicUrl().orElseGet(() -> defaultBase(local));
            address.bind(local, base);
            LOG.info("WebSocket transport listening on {}{}, endpoints under {}, at most {} connections", local,
                    contexts == null ? "" : " (TLS only)", address.base(), maxConnections);
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Refuses new devices (503) and closes the connected ones with 1001 in waves: one every {@link #WAVE_PERIOD}
     * over the first three quarters of {@code within}, each closing a random share of them (one timer for the
     * listener, nothing per socket). The last quarter is for the devices to answer. Endpoint requests go on being
     * served. The stage completes as soon as no device is left (at once if none is connected), at the latest after
     * {@code within}.
     */
    @Override
    public CompletionStage<Void> drain(Duration within) {
        synchronized (lock) {
            if (drained != null) {
                return drained;
            }
            DeviceSockets sockets = devices;
            if (sockets == null || stopped != null) {
                drained = CompletableFuture.completedFuture(null);
                return drained;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            drained = done;
            int waves = waves(within);
            DeviceSockets.Waves closing = sockets.drain(waves, ThreadLocalRandom.current().nextInt());
            LOG.info("draining: {} device(s) to close in {} wave(s) over {}", sockets.openSockets(), waves,
                    within.multipliedBy(3).dividedBy(4));
            long deadline = System.nanoTime() + within.toNanos();
            Runnable wave = () -> {
                closing.nextWave();
                if (sockets.openSockets() == 0 || System.nanoTime() - deadline >= 0) {
                    done.complete(null);
                }
            };
            try {
                // The first wave at once, the others one period apart.
                scheduler.execute(wave);
                drainWaves = scheduler.scheduleRepeatedly(wave, wavePeriod(within, waves));
            } catch (RejectedExecutionException shutDown) {
                done.complete(null);
            }
            Future<?> waveTimer = drainWaves;
            done.thenRun(() -> {
                if (waveTimer != null) {
                    waveTimer.cancel(false);
                }
            });
            return done;
        }
    }

    /** How many waves a drain over {@code within} has: one a {@link #WAVE_PERIOD} over three quarters of it. */
    static int waves(Duration within) {
        long spread = within.toNanos() / 4 * 3;
        return (int) Math.max(1, Math.min(MAX_WAVES, spread / WAVE_PERIOD.toNanos() + 1));
    }

    private static Duration wavePeriod(Duration within, int waves) {
        Duration spread = within.multipliedBy(3).dividedBy(4);
        Duration period = waves <= 1 ? spread : spread.dividedBy(waves - 1);
        return period.compareTo(MIN_SWEEP_PERIOD) < 0 ? MIN_SWEEP_PERIOD : period;
    }

    /**
     * Sends every device 1001, answers new HTTP requests 503, waits up to the configured shutdown grace for the
     * devices to go and the requests in flight to be answered, drops the devices left, then
     * stops accepting, closes every other connection and shuts the worker down; the stage completes once the worker
     * has terminated, and the buffer pool is closed then. Never blocks; idempotent.
     */
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
            Future<?> sweep = idleSweep;
            if (sweep != null) {
                sweep.cancel(false);
            }
            Future<?> waves = drainWaves;
            if (waves != null) {
                waves.cancel(false);
            }
            if (drained != null) {
                drained.complete(null);
            }
            Future<?> reload = tlsReload;
            if (reload != null) {
                reload.cancel(false);
            }
            TlsContexts contexts = tls;
            stopped = server.terminated().thenRun(() -> {
                // The I/O threads have ended: no buffer is in use any more.
                pool.close();
                if (contexts != null) {
                    contexts.close();
                }
                LOG.info("WebSocket transport stopped");
            });
            CompletableFuture<Void> graceOver = new CompletableFuture<>();
            // New requests are answered 503; those in flight are let finish within the grace.
            CompletableFuture<Void> requestsDone = new CompletableFuture<>();
            GracefulShutdownHandler requests = httpRequests;
            if (requests != null) {
                requests.shutdown();
                requests.addShutdownListener(done -> requestsDone.complete(null));
            } else {
                requestsDone.complete(null);
            }
            sockets.closeAll().thenCombine(requestsDone, (devicesGone, requestsEnded) -> null)
                    .thenRun(() -> graceOver.complete(null));
            Optional<Future<?>> timer = later(() -> graceOver.complete(null), config.shutdownGrace());
            // On the scheduler, not on the I/O thread where the last device may have gone.
            graceOver.thenRunAsync(() -> {
                timer.ifPresent(t -> t.cancel(false));
                // Devices that did not answer the close in time are dropped.
                sockets.abortAll();
                server.stop();
                // Should a thread not end, the worker's queued tasks are abandoned after another grace.
                Optional<Future<?>> force = later(server::forceStop, config.shutdownGrace());
                server.terminated().thenRun(() -> force.ifPresent(f -> f.cancel(false)));
            }, this::soon);
            return stopped;
        }
    }

    /** Runs {@code task} on the scheduler; at once if the scheduler is shut down. */
    private void soon(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException shutDown) {
            task.run();
        }
    }

    /** Runs {@code task} after {@code delay} on the scheduler; at once, and empty, if the scheduler is shut down. */
    private Optional<Future<?>> later(Runnable task, Duration delay) {
        try {
            return Optional.of(scheduler.schedule(task, delay));
        } catch (RejectedExecutionException shutDown) {
            task.run();
            return Optional.empty();
        }
    }

    /** The periodic look for a new certificate; cancels {@code sweep} if it cannot be scheduled. */
    private Future<?> scheduleReload(TlsContexts contexts, Future<?> sweep) {
        Duration interval = config.tls().orElseThrow().reloadInterval();
        try {
            return scheduler.scheduleRepeatedly(contexts::reload, interval);
        } catch (RejectedExecutionException shutDown) {
            sweep.cancel(false);
            throw shutDown;
        }
    }

    /** A quarter of the idle timeout: a silent socket is closed between 1 and 1.25 timeouts after its last read. */
    static Duration sweepPeriod(Duration idleTimeout) {
        Duration quarter = idleTimeout.dividedBy(4);
        return quarter.compareTo(MIN_SWEEP_PERIOD) < 0 ? MIN_SWEEP_PERIOD : quarter;
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
        // Undertow answers the requests the device side's open listener leaves to it; the frames of a device that
        // upgrades there too are read and written by the device side, which keeps far less per idle socket than
        // Undertow's WebSocket channel (two queues, four locks, about 1.2 KB).
        HttpHandler webSocket = sockets.upgradeHandler(HttpRoutes::upgradeRequired,
                HttpRoutes::originForbidden);
        return new HttpRoutes(service, health, webSocket, config.maxBodyBytes(), config.httpIdleTimeout().toMillis(),
                config.corsAllowedOrigin(), WebAssets.load(config.demoPage()), meters, address);
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
        String scheme = config.tls().isPresent() ? "https" : "http";
        return URI.create(scheme + "://" + host + ":" + local.getPort());
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
        private final CompletableFuture<Void> terminated;
        private final AcceptingChannel<StreamConnection> accepting;
        private final HttpOpenListener http;

        private Listener(XnioWorker worker, CompletableFuture<Void> terminated,
                AcceptingChannel<StreamConnection> accepting, HttpOpenListener http) {
            this.worker = worker;
            this.terminated = terminated;
            this.accepting = accepting;
            this.http = http;
        }

        static Listener start(WebSocketConfig config, ByteBufferPool pool, HttpHandler routes,
                DeviceSockets devices, @Nullable TlsContexts tls) throws IOException {
            CompletableFuture<Void> terminated = new CompletableFuture<>();
            OptionMap workerOptions = OptionMap.builder()
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
                    .getMap();
            XnioWorker worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorkerBuilder()
                    .populateFromOptions(workerOptions)
                    // Run by the worker's last thread as it ends: the stop stage needs no thread to wait for it.
                    .setTerminationTask(() -> terminated.complete(null))
                    .build();
            try {
                long idleMillis = config.httpIdleTimeout().toMillis();
                HttpOpenListener http = new HttpOpenListener(pool, OptionMap.builder()
                        .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) idleMillis)
                        // A request head that stalls half-way is not covered by the idle timeout above.
                        .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) idleMillis)
                        // A head that did not fit the open listener's buffer is refused here too, never upgraded.
                        .set(UndertowOptions.MAX_HEADER_SIZE, BUFFER_BYTES)
                        .set(UndertowOptions.BUFFER_PIPELINED_DATA, false)
                        // The endpoint duration is timed from here: one clock read per request head.
                        .set(UndertowOptions.RECORD_REQUEST_START_TIME, true)
                        .getMap());
                http.setRootHandler(routes);
                ChannelListener<StreamConnection> plain = devices.openListener(http, idleMillis);
                // With TLS every connection is wrapped at accept, before anything reads it: the device side and
                // Undertow see only the decrypted stream.
                ChannelListener<StreamConnection> firstRequests = tls == null ? plain
                        : accepted -> plain.handleEvent(tls.wrap(accepted));
                AcceptingChannel<StreamConnection> accepting = worker.createStreamConnectionServer(
                        new InetSocketAddress(InetAddress.getByName(config.host()), config.port()),
                        ChannelListeners.openListenerAdapter(firstRequests), OptionMap.builder()
                                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                                .set(Options.TCP_NODELAY, true)
                                // A peer that vanished (a phone gone behind a NAT) is found out by the kernel's
                                // probes, without any timer of ours: after two hours idle by Linux's defaults, so the
                                // device idle timeout usually comes first; it covers HTTP connections too.
                                .set(Options.KEEP_ALIVE, true)
                                .set(Options.REUSE_ADDRESSES, true)
                                .set(Options.BALANCING_TOKENS, 1)
                                .set(Options.BALANCING_CONNECTIONS, 2)
                                // A reconnect storm opens thousands of sockets at once; a backlog of 1000 (Undertow's
                                // default) drops SYNs beyond it and the devices retry only after a second.
                                .set(Options.BACKLOG, ACCEPT_BACKLOG)
                                .getMap());
                accepting.resumeAccepts();
                return new Listener(worker, terminated, accepting, http);
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

        /** Completes once the worker has terminated: every I/O thread and the task thread have ended. */
        CompletableFuture<Void> terminated() {
            return terminated;
        }

        /**
         * Stops accepting, closes every connection left and shuts the worker down; returns at once, and
         * {@link #terminated()} completes when the threads have ended.
         */
        void stop() {
            IoUtils.safeClose(accepting);
            http.closeConnections();
            worker.shutdown();
        }

        /** Abandons the worker's queued tasks if it has not terminated yet. */
        void forceStop() {
            if (!terminated.isDone()) {
                worker.shutdownNow();
            }
        }
    }
}
