package dev.simplepush.store.redis;

import dev.simplepush.core.ComponentHealth;
import dev.simplepush.core.spi.HealthCheck;
import dev.simplepush.core.spi.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The store's part of readiness: Redis answers a PING within {@link #PING_TIMEOUT}. The answer is kept for
 * {@link #CACHE_TIME}, and callers that ask while a PING is out share its answer, so a flood of health requests is at
 * most one PING a second. While an earlier PING is still unanswered (a frozen Redis holds it until the command
 * timeout), no other is sent: the check says down at once.
 *
 * <p>Thread-safe; never blocks. The timeout is a little under the core's check timeout, so the reason shown is
 * this one ("no answer to PING") rather than the core's.
 */
final class RedisHealthCheck implements HealthCheck {

    static final Duration PING_TIMEOUT = Duration.ofMillis(400);
    static final Duration CACHE_TIME = Duration.ofSeconds(1);

    private final RedisConnection redis;
    private final Scheduler scheduler;
    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    /** The last answer and when it came. Guarded by {@link #lock}. */
    private @Nullable ComponentHealth cached;
    private long cachedAt;
    /** The answer callers wait for while a PING is out. Guarded by {@link #lock}. */
    private @Nullable CompletableFuture<ComponentHealth> waiting;
    /** Whether a PING sent has not been answered yet (even after its timeout). Guarded by {@link #lock}. */
    private boolean outstanding;
    private long sentAt;

    RedisHealthCheck(RedisConnection redis, Scheduler scheduler, LongSupplier nanoTime) {
        this.redis = redis;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
    }

    @Override
    public CompletionStage<ComponentHealth> check() {
        CompletableFuture<ComponentHealth> answer;
        synchronized (lock) {
            long now = nanoTime.getAsLong();
            if (cached != null && now - cachedAt < CACHE_TIME.toNanos()) {
                return CompletableFuture.completedFuture(cached);
            }
            if (waiting != null) {
                return waiting;
            }
            if (outstanding) {
                cached = ComponentHealth.down("no answer to PING for " + (now - sentAt) / 1_000_000 + " ms");
                cachedAt = now;
                return CompletableFuture.completedFuture(cached);
            }
            answer = new CompletableFuture<>();
            waiting = answer;
            outstanding = true;
            sentAt = now;
        }
        Future<?> timer;
        try {
            timer = scheduler.schedule(() -> settle(answer,
                    ComponentHealth.down("no answer to PING in " + PING_TIMEOUT.toMillis() + " ms")), PING_TIMEOUT);
        } catch (RejectedExecutionException stopped) {
            timer = CompletableFuture.completedFuture(null);
        }
        Future<?> pending = timer;
        redis.call("ping", c -> c.ping(), reply -> reply).whenComplete((reply, failure) -> {
            pending.cancel(false);
            long tookMillis;
            synchronized (lock) {
                outstanding = false;
                tookMillis = (nanoTime.getAsLong() - sentAt) / 1_000_000;
            }
            settle(answer, failure == null
                    ? ComponentHealth.up("PING answered in " + tookMillis + " ms")
                    : ComponentHealth.down(messageOf(failure)));
        });
        return answer;
    }

    /** Completes {@code answer} with {@code state} and keeps it, unless it was already settled. */
    private void settle(CompletableFuture<ComponentHealth> answer, ComponentHealth state) {
        synchronized (lock) {
            if (waiting != answer) {
                return;
            }
            waiting = null;
            cached = state;
            cachedAt = nanoTime.getAsLong();
        }
        answer.complete(state);
    }

    private static String messageOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return String.valueOf(cause.getMessage());
    }
}
