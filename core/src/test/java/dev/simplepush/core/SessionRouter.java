package dev.simplepush.core;

import dev.simplepush.core.spi.LocalDevice;
import dev.simplepush.core.spi.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Presence on one node, recording releases. */
final class SessionRouter implements Router {
    final Map<Uaid, LocalDevice> holders = new ConcurrentHashMap<>();
    final List<Uaid> releases = new ArrayList<>();

    LocalDevice holder(Uaid uaid) {
        return holders.get(uaid);
    }

    @Override
    public CompletionStage<Void> claim(Uaid uaid, LocalDevice device) {
        LocalDevice previous = holders.put(uaid, device);
        if (previous != null && previous != device) {
            previous.evict();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> release(Uaid uaid, LocalDevice device) {
        if (holders.remove(uaid, device)) {
            releases.add(uaid);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> deliver(Uaid uaid, Notice notice) {
        LocalDevice device = holders.get(uaid);
        return CompletableFuture.completedFuture(device != null && device.deliver(notice));
    }

    @Override
    public CompletionStage<Boolean> isConnected(Uaid uaid) {
        return CompletableFuture.completedFuture(holders.containsKey(uaid));
    }

    @Override
    public CompletionStage<Optional<String>> holderNode(Uaid uaid) {
        return CompletableFuture.completedFuture(holders.containsKey(uaid) ? Optional.of("local") : Optional.empty());
    }
}
