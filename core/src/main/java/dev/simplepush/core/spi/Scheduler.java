package dev.simplepush.core.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one scheduler of a push server: the sessions' hello timeouts and wake-up idle timers, wake-up retries,
 * periodic store tasks (such as presence refresh), and the steps of starting and stopping. Bound once by
 * {@code PushCoreModule} (a single daemon thread, started with the first task and stopped by
 * {@link dev.simplepush.core.PushServer#stop()}); an application can hand in its own with
 * {@code PushCoreModule.scheduler(Scheduler.of(executor))}, which the push server then never shuts down.
 *
 * <p>Tasks must be short and must not block: many thousands of timers share the scheduler's threads. Thread-safe.
 */
public interface Scheduler extends Executor {

    /**
     * Runs {@code task} once after {@code delay}. Cancelling the returned future before it ran removes the task.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
     */
    Future<?> schedule(Runnable task, Duration delay);

    /**
     * Runs {@code task} every {@code period}, the first time after one period, until the returned future is
     * cancelled. A run that throws is logged, and the schedule goes on.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
     */
    Future<?> scheduleRepeatedly(Runnable task, Duration period);

    /** Runs {@code task} soon, on a scheduler thread. */
    @Override
    void execute(Runnable task);

    /**
     * A scheduler over an application's own executor. The push server schedules on it but never shuts it down:
     * whoever created the executor closes it.
     */
    static Scheduler of(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return new Scheduler() {
            @Override
            public Future<?> schedule(Runnable task, Duration delay) {
                return executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public Future<?> scheduleRepeatedly(Runnable task, Duration period) {
                long nanos = period.toNanos();
                return executor.scheduleWithFixedDelay(Schedulers.guarded(task), nanos, nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }

            @Override
            public String toString() {
                return "Scheduler.of(" + executor + ")";
            }
        };
    }
}
