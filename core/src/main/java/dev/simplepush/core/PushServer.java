package dev.simplepush.core;

import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.Lifecycle;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.core.spi.WakeupSender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops a composed push server: the store, then the router, then the wake-up sender if one is bound,
 * then every transport; {@link #stop()} in reverse order, and last the core's own scheduler (never one the
 * application handed in). Obtain it from the injector built with {@link PushCoreModule}.
 *
 * <p>Each step runs on the scheduler, never on the thread that completed the step before it (a Redis client's
 * event loop, say), so no component starts or stops on another's I/O thread.
 *
 * <p>Thread-safe. {@link #stop()} is idempotent; a stopped server cannot be started again.
 */
public final class PushServer {

    private static final Logger LOG = LoggerFactory.getLogger(PushServer.class);

    private final List<Lifecycle> components;
    private final List<PushTransport> transports;
    private final Scheduler scheduler;
    private final PushHealth health;
    private final Object lock = new Object();
    private @Nullable CompletableFuture<Void> started;
    private @Nullable CompletableFuture<Void> draining;
    private @Nullable CompletableFuture<Void> stopped;

    PushServer(DeviceStore store, Router router, Optional<WakeupSender> wakeupSender,
            Collection<PushTransport> transports, Scheduler scheduler, PushHealth health) {
        List<Lifecycle> ordered = new ArrayList<>();
        ordered.add(store);
        ordered.add(router);
        wakeupSender.ifPresent(ordered::add);
        ordered.addAll(transports);
        this.components = List.copyOf(ordered);
        this.transports = List.copyOf(transports);
        this.scheduler = scheduler;
        this.health = health;
    }

    /**
     * Starts every component in order. The stage completes when all are ready (and {@link PushHealth#ready()} may
     * say up from then on), or exceptionally with the first failure (the components already started are then
     * stopped). Calling it again returns the same stage.
     */
    public CompletionStage<Void> start() {
        synchronized (lock) {
            if (stopped != null) {
                throw new IllegalStateException("a stopped server cannot be started again");
            }
            if (started == null) {
                CompletableFuture<Void> starting = inOrder(components, Lifecycle::start);
                starting.whenComplete((v, failure) -> {
                    if (failure != null) {
                        LOG.error("start failed, stopping: {}", Failures.rootMessage(failure));
                        stop();
                    } else {
                        health.started();
                    }
                });
                started = starting;
            }
            return started;
        }
    }

    /**
     * Drains the server before a {@link #stop()}: {@link PushHealth} says not ready from now on, for good, and every
     * transport accepts no new devices and closes its connected ones spread over {@code within}, so that they reconnect
     * to other nodes a few at a time, while app servers' requests are still served. The stage completes when every
     * transport is done, at the latest after {@code within}; it never completes exceptionally. Calling it again returns
     * the same stage; it does nothing before {@link #start()} completed or once {@link #stop()} was called.
     *
     * @throws IllegalArgumentException if {@code within} is negative
     */
    public CompletionStage<Void> drain(Duration within) {
        if (within.isNegative()) {
            throw new IllegalArgumentException("the drain time must not be negative: " + within);
        }
        // First: load balancers stop sending new devices here while the connected ones are closed.
        health.drain();
        synchronized (lock) {
            if (draining == null) {
                if (started == null || !started.isDone() || started.isCompletedExceptionally() || stopped != null) {
                    draining = CompletableFuture.completedFuture(null);
                } else {
                    LOG.info("draining: no new devices; the connected ones are closed over {}", within);
                    CompletableFuture<?>[] each = transports.stream()
                            .map(transport -> transport.drain(within).toCompletableFuture()
                                    .exceptionally(failure -> {
                                        LOG.warn("draining {} failed: {}", transport.getClass().getSimpleName(),
                                                Failures.rootMessage(failure));
                                        return null;
                                    }))
                            .toArray(CompletableFuture<?>[]::new);
                    draining = CompletableFuture.allOf(each);
                }
            }
            return draining;
        }
    }

    /**
     * Stops every component in reverse order, then the core's scheduler; {@link PushHealth} says down at once.
     * Idempotent: later calls return the same stage.
     */
    public CompletionStage<Void> stop() {
        synchronized (lock) {
            if (stopped == null) {
                health.stopping();
                List<Lifecycle> reversed = new ArrayList<>(components);
                Collections.reverse(reversed);
                stopped = inOrder(reversed, component -> component.stop().exceptionally(failure -> {
                    LOG.warn("stopping {} failed: {}", component.getClass().getSimpleName(),
                            Failures.rootMessage(failure));
                    return null;
                })).handle((v, failure) -> null).thenCompose(v -> scheduler instanceof Lifecycle own
                        ? own.stop()
                        : CompletableFuture.<Void>completedFuture(null));
            }
            return stopped;
        }
    }

    private CompletableFuture<Void> inOrder(List<Lifecycle> list, Function<Lifecycle, CompletionStage<Void>> step) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Lifecycle component : list) {
            chain = chain.thenComposeAsync(v -> step.apply(component), scheduler);
        }
        return chain;
    }
}
