package dev.simplepush.core;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one shared scheduler of the core (hello timeouts, idle timers of sockets accepted for UDP wake-up). Its
 * single daemon thread starts with the first scheduled task; cancelled tasks are removed at once so a storm of
 * short-lived timers leaves nothing behind. {@link PushServer#stop()} shuts it down.
 */
final class Timers {

    private final ScheduledThreadPoolExecutor executor;

    Timers() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "simplepush-timer-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        executor = new ScheduledThreadPoolExecutor(1, factory);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    Future<?> schedule(Runnable task, Duration delay) {
        return executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    void shutdown() {
        executor.shutdownNow();
    }
}
