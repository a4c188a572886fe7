package dev.simplepush.core.spi;

import dev.simplepush.core.WakeupAddress;
import java.time.Duration;

/**
 * Decides, at hello, whether a device may drop its socket and be woken by UDP (P8.1). Optional: bound only when
 * a wake-up module is installed; without it every device is an ordinary WebSocket client. Thread-safe, fast,
 * never blocks.
 *
 * <p>With a policy bound, the core answers an eligible hello with status 201, stores the address with the
 * device ({@link DeviceStore#setWakeup}) and closes the socket with close code 4774 after {@link #idleTimeout()}
 * without client messages (P8.2); any other hello forgets a stored address.
 */
public interface WakeupPolicy {

    /** The default of {@link #idleTimeout()}: 10 seconds (P8.2). */
    Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

    /** Whether a device at {@code address} is wakeable. */
    boolean isEligible(WakeupAddress address);

    /**
     * How long an eligible socket may stay without client messages before the server closes it with 4774
     * (P8.2). Positive; defaults to {@link #DEFAULT_IDLE_TIMEOUT}.
     */
    default Duration idleTimeout() {
        return DEFAULT_IDLE_TIMEOUT;
    }
}
