package dev.simplepush.core.spi;

import dev.simplepush.core.WakeupAddress;

/**
 * Decides, at hello, whether a device may drop its socket and be woken by UDP (P8.1). Optional: bound only when
 * a wake-up module is installed; without it every device is an ordinary WebSocket client. Thread-safe, fast,
 * never blocks.
 */
public interface WakeupPolicy {

    /** Whether a device at {@code address} is wakeable. */
    boolean isEligible(WakeupAddress address);
}
