package dev.simplepush.core.testing;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.StoreException;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.spi.DeviceStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A {@link DeviceStore} that forwards to a real store until {@link #down(boolean) taken down}; while down every
 * operation fails with {@link StoreException}, as a store whose backend is unreachable does. For testing how the
 * core and the transports answer an outage, and that nothing accepted before it is lost.
 */
public final class OutageStore implements DeviceStore {

    private final DeviceStore delegate;
    private volatile boolean down;

    /** Wraps {@code delegate}; starts up. */
    public OutageStore(DeviceStore delegate) {
        this.delegate = delegate;
    }

    /** Takes the store down ({@code true}) or brings it back ({@code false}). */
    public void down(boolean value) {
        this.down = value;
    }

    private <T> CompletionStage<T> call(Supplier<CompletionStage<T>> operation) {
        if (down) {
            return CompletableFuture.failedFuture(new StoreException("test store is down"));
        }
        return operation.get();
    }

    @Override
    public CompletionStage<Void> start() {
        return delegate.start();
    }

    @Override
    public CompletionStage<Void> stop() {
        return delegate.stop();
    }

    @Override
    public CompletionStage<Create> create(Uaid uaid) {
        return call(() -> delegate.create(uaid));
    }

    @Override
    public CompletionStage<Resume> resume(Uaid uaid, Optional<Set<ChannelId>> listed) {
        return call(() -> delegate.resume(uaid, listed));
    }

    @Override
    public CompletionStage<Void> drop(Uaid uaid) {
        return call(() -> delegate.drop(uaid));
    }

    @Override
    public CompletionStage<Subscribed> register(Subscription requested, int maxChannels) {
        return call(() -> delegate.register(requested, maxChannels));
    }

    @Override
    public CompletionStage<Subscribed> subscribe(Subscription requested, int maxChannels) {
        return call(() -> delegate.subscribe(requested, maxChannels));
    }

    @Override
    public CompletionStage<Boolean> subscribed(Subscription subscription) {
        return call(() -> delegate.subscribed(subscription));
    }

    @Override
    public CompletionStage<Enqueue> enqueue(Subscription subscription, WebPushMessage message, int maxQueued,
            Instant now) {
        return call(() -> delegate.enqueue(subscription, message, maxQueued, now));
    }

    @Override
    public CompletionStage<List<WebPushMessage>> messages(Uaid uaid, Instant now) {
        return call(() -> delegate.messages(uaid, now));
    }

    @Override
    public CompletionStage<Boolean> remove(Uaid uaid, ChannelId channelId, MessageId id) {
        return call(() -> delegate.remove(uaid, channelId, id));
    }

    @Override
    public CompletionStage<Void> unregister(Uaid uaid, ChannelId channelId) {
        return call(() -> delegate.unregister(uaid, channelId));
    }

    @Override
    public CompletionStage<Advance> advance(Subscription registration, Version version) {
        return call(() -> delegate.advance(registration, version));
    }

    @Override
    public CompletionStage<List<Update>> pending(Uaid uaid) {
        return call(() -> delegate.pending(uaid));
    }

    @Override
    public CompletionStage<Boolean> ack(Uaid uaid, ChannelId channelId, Version version) {
        return call(() -> delegate.ack(uaid, channelId, version));
    }

    @Override
    public CompletionStage<Optional<Counts>> counts(Uaid uaid) {
        return call(() -> delegate.counts(uaid));
    }

    @Override
    public CompletionStage<Set<ChannelId>> channels(Uaid uaid) {
        return call(() -> delegate.channels(uaid));
    }

    @Override
    public CompletionStage<Void> setWakeup(Uaid uaid, Optional<WakeupAddress> address) {
        return call(() -> delegate.setWakeup(uaid, address));
    }

    @Override
    public CompletionStage<Optional<WakeupAddress>> wakeup(Uaid uaid) {
        return call(() -> delegate.wakeup(uaid));
    }
}
