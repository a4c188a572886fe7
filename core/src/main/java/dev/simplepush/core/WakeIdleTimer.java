package dev.simplepush.core;

import dev.simplepush.core.protocol.CloseCodes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * P8.2: closes the socket of a device accepted for UDP wake-up with 4774 after a time without client messages.
 * One timer per such socket, re-armed on expiry for the time left since the last message rather than cancelled
 * and scheduled again on every message. Thread-safe.
 */
final class WakeIdleTimer {

    private final Session session;
    private final Clock clock;
    private final long timeoutMillis;
    private volatile long lastActivityMillis;
    // Guarded by this.
    private @Nullable Future<?> timer;
    private boolean cancelled;

    WakeIdleTimer(Session session, Duration timeout) {
        this.session = session;
        this.clock = session.context().clock();
        this.timeoutMillis = timeout.toMillis();
        this.lastActivityMillis = clock.millis();
    }

    /** A client message arrived. */
    void touch() {
        lastActivityMillis = clock.millis();
    }

    void arm() {
        schedule(timeoutMillis);
    }

    /** The socket is gone. */
    void cancel() {
        Future<?> current;
        synchronized (this) {
            cancelled = true;
            current = timer;
            timer = null;
        }
        if (current != null) {
            current.cancel(false);
        }
    }

    private void schedule(long delayMillis) {
        Future<?> next = session.context().scheduler().schedule(this::expired, Duration.ofMillis(delayMillis));
        synchronized (this) {
            if (!cancelled) {
                timer = next;
                return;
            }
        }
        next.cancel(false);
    }

    private void expired() {
        if (session.isClosed()) {
            return;
        }
        long idle = clock.millis() - lastActivityMillis;
        if (idle >= timeoutMillis) {
            session.close(CloseCodes.UDP_WAKEUP, "UDP Wakeup");
        } else {
            schedule(timeoutMillis - idle);
        }
    }
}
