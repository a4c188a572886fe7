package dev.simplepush.core.spi;

import dev.simplepush.core.Notice;

/**
 * A device connected to this node, as the {@link Router} sees it. Implemented by the core's session; the
 * router only holds it and calls it.
 */
public interface LocalDevice {

    /**
     * Hands a live update or message to the device's socket. Returns {@code false} if the connection is closed or
     * being closed, or speaks a dialect that cannot carry it (it stays pending in the store and reaches the device
     * after its next hello). Never blocks.
     */
    boolean deliver(Notice notice);

    /**
     * A newer connection took this device over (P2.5): close the socket promptly and never deliver again.
     * Never blocks. Idempotent.
     */
    void evict();
}
