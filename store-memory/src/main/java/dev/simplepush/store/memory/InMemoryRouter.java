package dev.simplepush.store.memory;

import dev.simplepush.core.Notice;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.spi.LocalDevice;
import dev.simplepush.core.spi.Router;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence in a concurrent map of this node's connections; delivery is a direct call. The one node is named
 * {@value #NODE}.
 */
final class InMemoryRouter implements Router {

    /** The id of the one node this router serves. */
    static final String NODE = "local";

    private final ConcurrentHashMap<Uaid, LocalDevice> holders = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> claim(Uaid uaid, LocalDevice device) {
        Objects.requireNonNull(uaid, "uaid");
        Objects.requireNonNull(device, "device");
        LocalDevice previous = holders.put(uaid, device);
        // P2.5: newest connection wins; the previous holder is told to close and delivers nothing more.
        if (previous != null && previous != device) {
            previous.evict();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> release(Uaid uaid, LocalDevice device) {
        holders.remove(uaid, device);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> deliver(Uaid uaid, Notice notice) {
        Objects.requireNonNull(notice, "notice");
        LocalDevice device = holders.get(uaid);
        return CompletableFuture.completedFuture(device != null && device.deliver(notice));
    }

    @Override
    public CompletionStage<Boolean> isConnected(Uaid uaid) {
        return CompletableFuture.completedFuture(holders.containsKey(uaid));
    }

    @Override
    public CompletionStage<Optional<String>> holderNode(Uaid uaid) {
        Objects.requireNonNull(uaid, "uaid");
        return CompletableFuture.completedFuture(holders.containsKey(uaid) ? Optional.of(NODE) : Optional.empty());
    }
}
