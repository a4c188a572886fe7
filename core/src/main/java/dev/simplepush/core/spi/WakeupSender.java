package dev.simplepush.core.spi;

import dev.simplepush.core.Uaid;
import dev.simplepush.core.WakeupAddress;
import java.util.concurrent.CompletionStage;

/**
 * Wakes an offline device so that it reconnects and collects its pending updates (P8.3). Optional: bound only
 * when a wake-up module is installed. Thread-safe; never blocks the caller.
 */
public interface WakeupSender extends Lifecycle {

    /** Sends a wake-up; the stage completes when it was sent, or exceptionally if it could not be. */
    CompletionStage<Void> wake(Uaid uaid, WakeupAddress address);
}
