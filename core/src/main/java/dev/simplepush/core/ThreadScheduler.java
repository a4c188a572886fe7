package dev.simplepush.core;

import dev.simplepush.core.spi.Lifecycle;
import dev.simplepush.core.spi.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default {@link Scheduler}: one daemon thread, started with the first task. Cancelled tasks are removed at
 * once, so a storm of short-lived timers leaves nothing behind. {@link PushServer#stop()} stops it last, as the
 * core created it.
 */
final class ThreadScheduler implements Scheduler, Lifecycle {

    private final ScheduledThreadPoolExecutor executor;
    private final Scheduler scheduling;

    ThreadScheduler() {
        AtomicInteger count = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "simplepush-scheduler-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        scheduling = Scheduler.of(executor);
    }

    @Override
    public Future<?> schedule(Runnable task, Duration delay) {
        return scheduling.schedule(task, delay);
    }

    @Override
    public Future<?> scheduleRepeatedly(Runnable task, Duration period) {
        return scheduling.scheduleRepeatedly(task, period);
    }

    @Override
    public void execute(Runnable task) {
        scheduling.execute(task);
    }

    /** Drops every pending task and ends the thread. */
    @Override
    public CompletionStage<Void> stop() {
        executor.shutdownNow();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "ThreadScheduler";
    }
}
