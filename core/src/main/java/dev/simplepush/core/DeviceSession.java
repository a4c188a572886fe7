package dev.simplepush.core;

import dev.simplepush.core.protocol.ClientMessage;

/**
 * The protocol side of one device socket, as a transport sees it: it passes every decoded message to
 * {@link #receive} and calls {@link #closed()} once when the socket is gone. Obtain one per socket from
 * {@link PushService#openSession}; the session answers through the transport's
 * {@link dev.simplepush.core.protocol.DeviceConnection}.
 *
 * <p>Thread-safe; never blocks.
 */
public interface DeviceSession {

    /**
     * Processes a message from the device. Returns at once; messages are handled one at a time, in the order
     * received, even though each may wait for the store. Never throws.
     */
    void receive(ClientMessage message);

    /**
     * The socket is gone (closed by either side). Releases the device's presence; nothing is sent from now on, and
     * messages received after this are ignored. Acks and unregisters received before are still applied to the store,
     * even if the store has not yet seen them. Idempotent.
     */
    void closed();
}
