package dev.simplepush.core;

import dev.simplepush.core.spi.DeviceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DeviceStore} that times every call of the one it wraps: {@code simplepush.store.duration}, tagged
 * {@code operation} (the method's name) and {@code result} ({@code ok}, or {@code error} when the stage failed), from
 * the call to the stage's completion. Works for any store, the application's too; every timer is made up front.
 * Thread-safe as the wrapped store is. Starting and stopping are the wrapped store's owner's ({@link PushServer}).
 */
final class MeteredDeviceStore implements DeviceStore {

    static final String DURATION = "simplepush.store.duration";

    private enum Operation {
        CREATE, RESUME, DROP, REGISTER, SUBSCRIBE, SUBSCRIBED, ENQUEUE, MESSAGES, REMOVE, UNREGISTER, ADVANCE,
        PENDING, ACK, COUNTS, CHANNELS, SET_WAKEUP, WAKEUP;

        /** The method's name: {@code setWakeup} for {@code SET_WAKEUP}. */
        String method() {
            String[] words = name().toLowerCase(Locale.ROOT).split("_");
            StringBuilder method = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                method.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            return method.toString();
        }
    }

    private final DeviceStore store;
    private final Timer[] ok = new Timer[Operation.values().length];
    private final Timer[] error = new Timer[Operation.values().length];

    MeteredDeviceStore(DeviceStore store, MeterRegistry meters) {
        this.store = store;
        for (Operation operation : Operation.values()) {
            ok[operation.ordinal()] = timer(meters, operation, "ok");
            error[operation.ordinal()] = timer(meters, operation, "error");
        }
    }

    private static Timer timer(MeterRegistry meters, Operation operation, String result) {
        return PushTimers.builder(DURATION, "device store calls, from the call to the answer")
                .tag("operation", operation.method()).tag("result", result).register(meters);
    }

    private <T> CompletionStage<T> timed(Operation operation, long start, CompletionStage<T> stage) {
        return stage.whenComplete((value, failure) -> (failure == null ? ok : error)[operation.ordinal()]
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    @Override
    public CompletionStage<Create> create(Uaid uaid) {
        return timed(Operation.CREATE, System.nanoTime(), store.create(uaid));
    }

    @Override
    public CompletionStage<Resume> resume(Uaid uaid, Optional<Set<ChannelId>> listed) {
        return timed(Operation.RESUME, System.nanoTime(), store.resume(uaid, listed));
    }

    @Override
    public CompletionStage<Void> drop(Uaid uaid) {
        return timed(Operation.DROP, System.nanoTime(), store.drop(uaid));
    }

    @Override
    public CompletionStage<Subscribed> register(Subscription requested, int maxChannels) {
        return timed(Operation.REGISTER, System.nanoTime(), store.register(requested, maxChannels));
    }

    @Override
    public CompletionStage<Subscribed> subscribe(Subscription requested, int maxChannels) {
        return timed(Operation.SUBSCRIBE, System.nanoTime(), store.subscribe(requested, maxChannels));
    }

    @Override
    public CompletionStage<Boolean> subscribed(Subscription subscription) {
        return timed(Operation.SUBSCRIBED, System.nanoTime(), store.subscribed(subscription));
    }

    @Override
    public CompletionStage<Enqueue> enqueue(Subscription subscription, WebPushMessage message, int maxQueued,
            Instant now) {
        return timed(Operation.ENQUEUE, System.nanoTime(), store.enqueue(subscription, message, maxQueued, now));
    }

    @Override
    public CompletionStage<List<WebPushMessage>> messages(Uaid uaid, Instant now) {
        return timed(Operation.MESSAGES, System.nanoTime(), store.messages(uaid, now));
    }

    @Override
    public CompletionStage<Boolean> remove(Uaid uaid, ChannelId channelId, MessageId id) {
        return timed(Operation.REMOVE, System.nanoTime(), store.remove(uaid, channelId, id));
    }

    @Override
    public CompletionStage<Void> unregister(Uaid uaid, ChannelId channelId) {
        return timed(Operation.UNREGISTER, System.nanoTime(), store.unregister(uaid, channelId));
    }

    @Override
    public CompletionStage<Advance> advance(Subscription registration, Version version) {
        return timed(Operation.ADVANCE, System.nanoTime(), store.advance(registration, version));
    }

    @Override
    public CompletionStage<List<Update>> pending(Uaid uaid) {
        return timed(Operation.PENDING, System.nanoTime(), store.pending(uaid));
    }

    @Override
    public CompletionStage<Boolean> ack(Uaid uaid, ChannelId channelId, Version version) {
        return timed(Operation.ACK, System.nanoTime(), store.ack(uaid, channelId, version));
    }

    @Override
    public CompletionStage<Optional<Counts>> counts(Uaid uaid) {
        return timed(Operation.COUNTS, System.nanoTime(), store.counts(uaid));
    }

    @Override
    public CompletionStage<Set<ChannelId>> channels(Uaid uaid) {
        return timed(Operation.CHANNELS, System.nanoTime(), store.channels(uaid));
    }

    @Override
    public CompletionStage<Void> setWakeup(Uaid uaid, Optional<WakeupAddress> address) {
        return timed(Operation.SET_WAKEUP, System.nanoTime(), store.setWakeup(uaid, address));
    }

    @Override
    public CompletionStage<Optional<WakeupAddress>> wakeup(Uaid uaid) {
        return timed(Operation.WAKEUP, System.nanoTime(), store.wakeup(uaid));
    }
}
