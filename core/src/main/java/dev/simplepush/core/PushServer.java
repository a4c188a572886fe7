package dev.simplepush.core;

import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.Lifecycle;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.WakeupSender;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops a composed push server: the store, then the router, then the wake-up sender if one is bound,
 * then every transport; {@link #stop()}
 * in reverse order. Obtain it from the injector built with {@link PushCoreModule}.
 *
 * <p>Thread-safe. {@link #stop()} is idempotent; a stopped server cannot be started again.
 */
public final class PushServer {

    private static final Logger LOG = LoggerFactory.getLogger(PushServer.class);

    private final List<Lifecycle> components;
    private final Timers timers;
    private final Object lock = new Object();
    private CompletableFuture<Void> started;
    private CompletableFuture<Void> stopped;

    PushServer(DeviceStore store, Router router, Optional<WakeupSender> wakeupSender, List<PushTransport> transports,
            Timers timers) {
        List<Lifecycle> ordered = new ArrayList<>();
        ordered.add(store);
        ordered.add(router);
        wakeupSender.ifPresent(ordered::add);
        ordered.addAll(transports);
        this.components = List.copyOf(ordered);
        this.timers = timers;
    }

    /**
     * Starts every component in order. The stage completes when all are ready, or exceptionally with the first
     * failure (the components already started are then stopped). Calling it again returns the same stage.
     */
    public CompletionStage<Void> start() {
        synchronized (lock) {
            if (stopped != null) {
                throw new IllegalStateException("a stopped server cannot be started again");
            }
            if (started == null) {
                started = inOrder(components, Lifecycle::start).toCompletableFuture();
                started.whenComplete((v, failure) -> {
                    if (failure != null) {
                        LOG.error("start failed, stopping: {}", DeviceSession.rootMessage(failure));
                        stop();
                    }
                });
            }
            return started;
        }
    }

    /** Stops every component in reverse order, then the timers. Idempotent: later calls return the same stage. */
    public CompletionStage<Void> stop() {
        synchronized (lock) {
            if (stopped == null) {
                List<Lifecycle> reversed = new ArrayList<>(components);
                java.util.Collections.reverse(reversed);
                stopped = inOrder(reversed, component -> component.stop().exceptionally(failure -> {
                    LOG.warn("stopping {} failed: {}", component.getClass().getSimpleName(),
                            DeviceSession.rootMessage(failure));
                    return null;
                })).toCompletableFuture().whenComplete((v, failure) -> timers.shutdown());
            }
            return stopped;
        }
    }

    private static CompletionStage<Void> inOrder(List<Lifecycle> list,
            Function<Lifecycle, CompletionStage<Void>> step) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (Lifecycle component : list) {
            chain = chain.thenCompose(v -> step.apply(component));
        }
        return chain;
    }
}
