package dev.simplepush.core.spi;

import dev.simplepush.core.Update;

/**
 * A device connected to this node, as the {@link Router} sees it. Implemented by the core's session; the
 * router only holds it and calls it.
 */
public interface LocalDevice {

    /**
     * Hands a live update to the device's socket. Returns {@code false} if the connection is closed or being
     * closed (the update stays pending in the store and reaches the device after its next hello). Never
     * blocks.
     */
    boolean deliver(Update update);

    /**
     * A newer connection took this device over (P2.5): close the socket promptly and never deliver again.
     * Never blocks. Idempotent.
     */
    void evict();
}
