package dev.simplepush.core.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A way in for devices or app servers (the WebSocket/HTTP transport, a UDP listener). Transports are collected
 * with a Guice multibinder and started after the store and router, and stopped before them.
 */
public interface PushTransport extends Lifecycle {

    /**
     * Begins a drain: the transport accepts no new devices from now on and closes the connected ones, spread over
     * {@code within} so that they do not all reconnect elsewhere at once, while it goes on serving what app servers
     * send. The stage completes when no device is left or {@code within} has passed, whichever comes first; it never
     * completes exceptionally. {@link #stop()} still ends the rest. Called at most once, after {@link #start()};
     * defaults to nothing to do.
     */
    default CompletionStage<Void> drain(Duration within) {
        return CompletableFuture.completedFuture(null);
    }
}
