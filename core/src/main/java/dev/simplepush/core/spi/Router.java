package dev.simplepush.core.spi;

import dev.simplepush.core.Notice;
import dev.simplepush.core.Uaid;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Presence and live delivery: which connection (on this node or another) holds a device, and how an update
 * reaches it.
 *
 * <p>Thread-safe; never blocks the caller. Stages fail with {@link dev.simplepush.core.StoreException}.
 * Behaviour is specified by {@code RouterContract} in core's test-jar.
 */
public interface Router extends Lifecycle {

    /**
     * Makes {@code device} the holder of {@code uaid} (P2.5, newest connection wins): a previous holder, on this
     * node or another, is {@link LocalDevice#evict() evicted} and receives nothing from then on. Completes once
     * deliveries for the UAID go to {@code device}.
     */
    CompletionStage<Void> claim(Uaid uaid, LocalDevice device);

    /** Releases {@code uaid} if {@code device} still holds it; a no-op otherwise. */
    CompletionStage<Void> release(Uaid uaid, LocalDevice device);

    /**
     * Hands {@code notice} (a SimplePush update or a Web Push message) to the connection that holds {@code uaid},
     * wherever it is. Completes with {@code true} if a live connection took it (P4.3, delivered), {@code false} if
     * none holds the UAID or it is closing (P4.3, stored). The caller has already stored it (except a Web Push
     * message of TTL 0, W6.3, which is never stored), so {@code false} loses nothing accepted.
     */
    CompletionStage<Boolean> deliver(Uaid uaid, Notice notice);

    /** Whether some live connection holds {@code uaid}. */
    CompletionStage<Boolean> isConnected(Uaid uaid);

    /**
     * The id of the node whose connection holds {@code uaid}, or empty if none does. For an operator's look-up:
     * it may name, for a short while, a node that died with the connection.
     */
    CompletionStage<Optional<String>> holderNode(Uaid uaid);
}
