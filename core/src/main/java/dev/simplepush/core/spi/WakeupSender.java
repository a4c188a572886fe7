package dev.simplepush.core.spi;

import dev.simplepush.core.Uaid;
import dev.simplepush.core.WakeupAddress;
import java.util.concurrent.CompletionStage;

/**
 * Wakes an offline device so that it reconnects and collects its pending updates (P8.3). Optional: bound only
 * when a wake-up module is installed. Thread-safe; never blocks the caller.
 *
 * <p>The core calls {@link #wake} after it stored an update ({@code STORED}) for a device that is connected nowhere
 * and has a wake-up address; the answer to the app server never waits for it. Retries, back-off and per-device rate limits are the sender's
 * business. {@link dev.simplepush.core.PushServer} starts it before the transports and stops it after them.
 */
public interface WakeupSender extends Lifecycle {

    /** Sends a wake-up; the stage completes when it was sent, or exceptionally if it could not be. */
    CompletionStage<Void> wake(Uaid uaid, WakeupAddress address);

    /**
     * The device said hello on this node (woken or not), so outstanding wake-ups for it may stop. Called on the
     * session's thread after every successful hello; must be cheap and never block. Defaults to nothing.
     */
    default void deviceReturned(Uaid uaid) {
    }
}
