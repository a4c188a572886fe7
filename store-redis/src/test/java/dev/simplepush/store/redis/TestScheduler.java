package dev.simplepush.store.redis;

import dev.simplepush.core.spi.Scheduler;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The scheduler of the routers tests build without an injector, like the core's default: one daemon thread, here
 * shared by every test of the JVM and never shut down (it holds nothing once the routers have stopped).
 */
final class TestScheduler {

    private static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "test-scheduler");
        thread.setDaemon(true);
        return thread;
    });
    private static final Scheduler SHARED = Scheduler.of(EXECUTOR);

    private TestScheduler() {
    }

    /** The shared scheduler. */
    static Scheduler shared() {
        return SHARED;
    }
}
