package dev.simplepush.transport.websocket.internal.admin;

import dev.simplepush.core.PushHealth;
import dev.simplepush.core.PushService;
import dev.simplepush.transport.websocket.AdminTransport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: Undertow with one I/O thread and one worker thread, serving {@link AdminRoutes}. Thread-safe;
 * {@link #stop()} is idempotent.
 */
public final class AdminListener implements AdminTransport {

    private static final Logger LOG = LoggerFactory.getLogger(AdminListener.class);
    /** An admin connection idle this long is closed. */
    private static final int IDLE_TIMEOUT_MILLIS = 60_000;

    private final String host;
    private final int port;
    private final AdminRoutes routes;
    private @Nullable Undertow undertow;
    private @Nullable InetSocketAddress bound;

    /**
     * A listener on {@code host:port} (0: a free port), its {@code /admin/} API open to {@code token} (none: 404),
     * serving {@code registry}'s metrics and {@code health}'s reports. Opens nothing until started.
     */
    public AdminListener(String host, int port, Optional<String> token, PushService service, PushHealth health,
            Runnable drain, PrometheusMeterRegistry registry) {
        this.host = host;
        this.port = port;
        this.routes = new AdminRoutes(token, service, health, drain, registry);
    }

    @Override
    public synchronized CompletionStage<Void> start() {
        if (undertow == null) {
            Undertow server = Undertow.builder()
                    .setIoThreads(1)
                    .setWorkerThreads(1)
                    .setServerOption(UndertowOptions.IDLE_TIMEOUT, IDLE_TIMEOUT_MILLIS)
                    .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, IDLE_TIMEOUT_MILLIS)
                    .addHttpListener(port, host)
                    .setHandler(routes)
                    .build();
            try {
                server.start();
            } catch (RuntimeException failure) {
                return CompletableFuture.failedFuture(failure);
            }
            undertow = server;
            bound = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
            LOG.info("admin listener on {}", bound);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> stop() {
        if (undertow != null) {
            undertow.stop();
            undertow = null;
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized InetSocketAddress localAddress() {
        if (bound == null) {
            throw new IllegalStateException("the admin listener has not started");
        }
        return bound;
    }
}
