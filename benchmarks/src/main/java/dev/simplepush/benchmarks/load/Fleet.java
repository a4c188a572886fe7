package dev.simplepush.benchmarks.load;

import java.util.concurrent.CompletionStage;

/**
 * The device side: holds every device's WebSocket. Each device says hello, registers its channel once, acks every
 * notification, and on reconnect says hello with its UAID and channelID (P2.4).
 *
 * <p>Thread-safe. {@link #close()} closes every socket and stops the I/O threads.
 */
interface Fleet extends AutoCloseable {

    /**
     * Connects the device, says hello (with its UAID and channel if it has them) and registers its channel if it
     * has no endpoint yet. The stage completes with the device when it is ready, or fails.
     */
    CompletionStage<Device> connect(Device device);

    /** Drops the device's socket without a close handshake, as a phone losing its network does. */
    void drop(Device device);

    @Override
    void close();
}
