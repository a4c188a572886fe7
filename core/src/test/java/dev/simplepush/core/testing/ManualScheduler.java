package dev.simplepush.core.testing;

import dev.simplepush.core.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A {@link Scheduler} and a {@link Clock} that move only when the test says so: {@link #advance} moves the time and
 * runs, on the test's thread, every task that fell due, in the order of their times. {@link #execute} runs a task
 * at once. Thread-safe.
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler();
 * // ... code under test schedules a 30 s timeout on time, reads time.clock()
 * time.advance(Duration.ofSeconds(30));   // the timeout runs now
 * }</pre>
 */
public final class ManualScheduler implements Scheduler {

    private final List<Task> tasks = new ArrayList<>();
    private long nowNanos;
    private long sequence;

    private final class Task extends CompletableFuture<Void> {
        final Runnable body;
        final long period;
        final long order;
        long due;

        Task(Runnable body, long due, long period) {
            this.body = body;
            this.due = due;
            this.period = period;
            this.order = sequence++;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (ManualScheduler.this) {
                tasks.remove(this);
            }
            return super.cancel(mayInterruptIfRunning);
        }
    }

    @Override
    public synchronized Future<?> schedule(Runnable task, Duration delay) {
        Task scheduled = new Task(task, nowNanos + delay.toNanos(), 0);
        tasks.add(scheduled);
        return scheduled;
    }

    @Override
    public synchronized Future<?> scheduleRepeatedly(Runnable task, Duration period) {
        Task scheduled = new Task(task, nowNanos + period.toNanos(), period.toNanos());
        tasks.add(scheduled);
        return scheduled;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    /** Moves the time forward by {@code duration}, running every task that falls due on the way. */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = nowNanos + duration.toNanos();
        }
        for (;;) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.due <= target)
                        .min(Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.order))
                        .orElse(null);
                if (next == null) {
                    nowNanos = target;
                    return;
                }
                nowNanos = Math.max(nowNanos, next.due);
                if (next.period > 0) {
                    next.due += next.period;
                } else {
                    tasks.remove(next);
                }
            }
            next.body.run();
        }
    }

    /** The number of tasks waiting for their time. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** A clock that shows this scheduler's time, starting at the epoch. */
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("a manual clock has one zone");
            }

            @Override
            public Instant instant() {
                synchronized (ManualScheduler.this) {
                    return Instant.ofEpochSecond(0, nowNanos);
                }
            }
        };
    }
}
