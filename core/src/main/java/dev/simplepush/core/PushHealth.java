package dev.simplepush.core;

import dev.simplepush.core.spi.HealthCheck;
import dev.simplepush.core.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Liveness and readiness of this node, for a supervisor and a load balancer. Obtain it from the injector built with
 * {@link PushCoreModule}.
 *
 * <ul>
 *   <li>{@link #live()} is up until {@link PushServer#stop()} begins. It asks no component: a store outage must not
 *       make a supervisor kill a process that recovers on its own when the store is back.
 *   <li>{@link #ready()} is up only while the node should get traffic: after {@link PushServer#start()} has
 *       completed (every listener up), before stop begins, while not {@linkplain #drain() draining}, and while every
 *       {@link HealthCheck} the modules contribute says up. A check that has not answered within
 *       {@link #CHECK_TIMEOUT} is down ("no answer in 500 ms"), so readiness always answers within about that.
 * </ul>
 *
 * <p>Each report names the component {@value #SERVER} (this node's own state) first, then the checks by name.
 * Thread-safe; never blocks: stages complete on a check's thread or the {@code @Push Scheduler}'s.
 */
public final class PushHealth {

    /** The name of this node's own state in every report; no check may take it. */
    public static final String SERVER = "server";
    /** How long a check may take before it counts as down. */
    public static final Duration CHECK_TIMEOUT = Duration.ofMillis(500);

    private enum Phase { STARTING, STARTED, STOPPING }

    private final Map<String, HealthCheck> checks;
    private final Scheduler scheduler;
    private final Duration timeout;
    private volatile Phase phase = Phase.STARTING;
    private volatile boolean draining;

    PushHealth(Map<String, HealthCheck> checks, Scheduler scheduler, Duration timeout) {
        Objects.requireNonNull(checks, "checks");
        if (checks.containsKey(SERVER)) {
            throw new IllegalArgumentException("no health check may be named '" + SERVER + "'");
        }
        this.checks = new TreeMap<>(checks);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Up while the process runs: from construction until {@link PushServer#stop()} begins. Completes at once. */
    public CompletionStage<Health> live() {
        ComponentHealth server = phase == Phase.STOPPING
                ? ComponentHealth.down("stopping")
                : ComponentHealth.up("running");
        return CompletableFuture.completedFuture(Health.of(Map.of(SERVER, server)));
    }

    /**
     * Whether this node should get traffic, with each check's state. Completes within about {@link #CHECK_TIMEOUT}
     * and never exceptionally.
     */
    public CompletionStage<Health> ready() {
        List<String> names = new ArrayList<>(checks.keySet());
        List<CompletableFuture<ComponentHealth>> states = new ArrayList<>(names.size());
        names.forEach(name -> states.add(checked(checks.get(name))));
        return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, ComponentHealth> components = new LinkedHashMap<>();
            components.put(SERVER, serverState());
            for (int i = 0; i < names.size(); i++) {
                components.put(names.get(i), states.get(i).join());
            }
            return Health.of(components);
        });
    }

    /**
     * Marks this node as draining: {@link #ready()} is down from now on, for good, so load balancers send it no new
     * traffic. Idempotent. Closing connections is the caller's job.
     */
    public void drain() {
        draining = true;
    }

    /** Whether {@link #drain()} was called. */
    public boolean draining() {
        return draining;
    }

    /** Called by {@link PushServer} once every component has started. */
    void started() {
        synchronized (this) {
            if (phase == Phase.STARTING) {
                phase = Phase.STARTED;
            }
        }
    }

    /** Called by {@link PushServer} when stop begins. */
    void stopping() {
        phase = Phase.STOPPING;
    }

    private ComponentHealth serverState() {
        return switch (phase) {
            case STARTING -> ComponentHealth.down("starting");
            case STOPPING -> ComponentHealth.down("stopping");
            case STARTED -> draining ? ComponentHealth.down("draining") : ComponentHealth.up("started");
        };
    }

    private CompletableFuture<ComponentHealth> checked(HealthCheck check) {
        CompletableFuture<ComponentHealth> answer = new CompletableFuture<>();
        try {
            check.check().whenComplete((state, failure) -> answer.complete(failure == null
                    ? Objects.requireNonNullElseGet(state, () -> ComponentHealth.down("no state"))
                    : ComponentHealth.down(Failures.rootMessage(failure))));
        } catch (RuntimeException failure) {
            answer.complete(ComponentHealth.down(Failures.rootMessage(failure)));
        }
        if (!answer.isDone()) {
            String late = "no answer in " + timeout.toMillis() + " ms";
            try {
                Future<?> timer = scheduler.schedule(() -> answer.complete(ComponentHealth.down(late)), timeout);
                answer.whenComplete((state, failure) -> timer.cancel(false));
            } catch (RejectedExecutionException stopped) {
                // The scheduler has stopped with the server: nobody waits for this check any more.
                answer.complete(ComponentHealth.down(late));
            }
        }
        return answer;
    }
}
