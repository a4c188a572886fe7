package dev.simplepush.core.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every {@link Scheduler} shares. */
final class Schedulers {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private Schedulers() {
    }

    /** {@code task}, with a failure logged rather than ending a repeated schedule. */
    static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException failure) {
                LOG.error("a scheduled task failed; it runs again at its next time", failure);
            }
        };
    }
}
