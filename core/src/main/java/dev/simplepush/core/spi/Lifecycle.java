package dev.simplepush.core.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Something that is started and stopped by {@link dev.simplepush.core.PushServer}. Construction opens nothing;
 * {@link #start()} acquires resources (sockets, connections, threads) and {@link #stop()} releases what start
 * acquired.
 */
public interface Lifecycle {

    /** Starts; the stage completes when ready, or exceptionally if it cannot start. Defaults to nothing to do. */
    default CompletionStage<Void> start() {
        return CompletableFuture.completedFuture(null);
    }

    /** Stops and releases what {@link #start()} acquired. Idempotent. Defaults to nothing to do. */
    default CompletionStage<Void> stop() {
        return CompletableFuture.completedFuture(null);
    }
}
