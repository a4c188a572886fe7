package dev.simplepush.store.memory;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.spi.DeviceStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Devices in a concurrent map; every operation on one device runs under that device's monitor, which makes each
 * port method atomic per device as the contract requires. Operations complete synchronously on the caller's
 * thread and never block on anything but that short monitor.
 */
final class InMemoryDeviceStore implements DeviceStore {

    private final ConcurrentHashMap<Uaid, Device> devices = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemoryDeviceStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One device; fields guarded by its monitor. A dropped device is marked so late operations see it gone. */
    private static final class Device {
        final Map<ChannelId, Channel> channels = new HashMap<>(4);
        Optional<WakeupAddress> wakeup = Optional.empty();
        long lastSeenMillis;
        long nextSequence;
        boolean dropped;
    }

    /**
     * One channel: its registration's generation; whether it takes SimplePush versions (made by {@code register},
     * not a Web Push subscription of its own), its latest version (-1: none yet) and whether that version is still
     * unacked; for a Web Push subscription its key hash and its queue, in arrival order (made on the first message).
     */
    private static final class Channel {
        final long generation;
        final Optional<String> keyHash;
        final boolean simplePush;
        long version = -1;
        boolean pending;
        @Nullable ArrayDeque<Queued> queue;

        Channel(Subscription registration, boolean simplePush) {
            this.generation = registration.generation();
            this.keyHash = registration.keyHash();
            this.simplePush = simplePush;
        }

        boolean is(Subscription subscription) {
            return generation == subscription.generation() && keyHash.equals(subscription.keyHash());
        }
    }

    /** A queued message and its place in the device's arrival order. */
    private record Queued(long sequence, WebPushMessage message) {
    }

    @Override
    public CompletionStage<Void> create(Uaid uaid) {
        Objects.requireNonNull(uaid, "uaid");
        devices.computeIfAbsent(uaid, u -> {
            Device device = new Device();
            device.lastSeenMillis = clock.millis();
            return device;
        });
        return done(null);
    }

    @Override
    public CompletionStage<Resume> resume(Uaid uaid, Optional<Set<ChannelId>> listed) {
        Objects.requireNonNull(listed, "listed");
        Device device = devices.get(uaid);
        if (device == null) {
            return done(Resume.UNKNOWN);
        }
        synchronized (device) {
            if (device.dropped) {
                return done(Resume.UNKNOWN);
            }
            if (listed.isPresent()) {
                // P2.4: a listed channel the server lacks means the server lost state: reset, change nothing.
                if (!device.channels.keySet().containsAll(listed.get())) {
                    return done(Resume.MISMATCH);
                }
                device.channels.keySet().retainAll(listed.get());
            }
            device.lastSeenMillis = clock.millis();
            return done(Resume.RESUMED);
        }
    }

    @Override
    public CompletionStage<Void> drop(Uaid uaid) {
        Device device = devices.remove(uaid);
        if (device != null) {
            synchronized (device) {
                device.dropped = true;
                device.channels.clear();
            }
        }
        return done(null);
    }

    @Override
    public CompletionStage<Subscribed> register(Subscription requested, int maxChannels) {
        Objects.requireNonNull(requested, "requested");
        if (requested.restricted()) {
            throw new IllegalArgumentException("a SimplePush registration has no key hash");
        }
        // SimplePush (P3.3): an existing channel is kept as it is, whatever key it was subscribed with.
        return register(requested, maxChannels, true);
    }

    @Override
    public CompletionStage<Subscribed> subscribe(Subscription requested, int maxChannels) {
        Objects.requireNonNull(requested, "requested");
        return register(requested, maxChannels, false);
    }

    private CompletionStage<Subscribed> register(Subscription requested, int maxChannels, boolean simplePush) {
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels must be at least 1: " + maxChannels);
        }
        Device device = devices.get(requested.uaid());
        if (device == null) {
            return done(new Subscribed(Registration.UNKNOWN_DEVICE, requested.generation()));
        }
        synchronized (device) {
            if (device.dropped) {
                return done(new Subscribed(Registration.UNKNOWN_DEVICE, requested.generation()));
            }
            Channel existing = device.channels.get(requested.channelId());
            if (existing != null) {
                if (simplePush || existing.keyHash.equals(requested.keyHash())) {
                    return done(new Subscribed(Registration.EXISTS, existing.generation));
                }
                // W3.3: another key, another subscription, of its own: what was queued for the old one is dropped.
                device.channels.put(requested.channelId(), new Channel(requested, false));
                return done(new Subscribed(Registration.REKEYED, requested.generation()));
            }
            if (device.channels.size() >= maxChannels) {
                return done(new Subscribed(Registration.LIMIT_REACHED, requested.generation()));
            }
            device.channels.put(requested.channelId(), new Channel(requested, simplePush));
            return done(new Subscribed(Registration.REGISTERED, requested.generation()));
        }
    }

    @Override
    public CompletionStage<Boolean> subscribed(Subscription subscription) {
        Device device = devices.get(subscription.uaid());
        if (device == null) {
            return done(false);
        }
        synchronized (device) {
            Channel channel = device.dropped ? null : device.channels.get(subscription.channelId());
            return done(channel != null && channel.is(subscription));
        }
    }

    @Override
    public CompletionStage<Enqueue> enqueue(Subscription subscription, WebPushMessage message, int maxQueued,
            Instant now) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(now, "now");
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1: " + maxQueued);
        }
        if (!message.channelId().equals(subscription.channelId())) {
            throw new IllegalArgumentException("a message of another channel than its subscription's");
        }
        Device device = devices.get(subscription.uaid());
        if (device == null) {
            return done(Enqueue.GONE);
        }
        synchronized (device) {
            Channel channel = device.dropped ? null : device.channels.get(message.channelId());
            if (channel == null || !channel.is(subscription)) {
                return done(Enqueue.GONE);
            }
            if (channel.queue == null) {
                channel.queue = new ArrayDeque<>(4);
            }
            ArrayDeque<Queued> queue = channel.queue;
            queue.removeIf(queued -> queued.message().expiredAt(now));
            // W6.5: a pending message with the same topic is replaced.
            Optional<Queued> sameTopic = message.topic().flatMap(topic -> queue.stream()
                    .filter(queued -> queued.message().topic().equals(Optional.of(topic)))
                    .findFirst());
            if (sameTopic.isEmpty() && queue.size() >= maxQueued) {
                return done(Enqueue.QUEUE_FULL);
            }
            sameTopic.ifPresent(queue::remove);
            queue.addLast(new Queued(device.nextSequence++, message));
            device.lastSeenMillis = clock.millis();
            return done(Enqueue.QUEUED);
        }
    }

    @Override
    public CompletionStage<List<WebPushMessage>> messages(Uaid uaid, Instant now) {
        Objects.requireNonNull(now, "now");
        Device device = devices.get(uaid);
        if (device == null) {
            return done(List.of());
        }
        synchronized (device) {
            List<Queued> all = new ArrayList<>();
            // The entry set, which pending() uses too: HashMap keeps each view it hands out for as long as it lives.
            for (Map.Entry<ChannelId, Channel> entry : device.channels.entrySet()) {
                Channel channel = entry.getValue();
                if (channel.queue != null) {
                    channel.queue.removeIf(queued -> queued.message().expiredAt(now));
                    all.addAll(channel.queue);
                    if (channel.queue.isEmpty()) {
                        channel.queue = null;
                    }
                }
            }
            all.sort(Comparator.comparingLong(Queued::sequence));
            List<WebPushMessage> messages = new ArrayList<>(all.size());
            all.forEach(queued -> messages.add(queued.message()));
            return done(List.copyOf(messages));
        }
    }

    @Override
    public CompletionStage<Boolean> remove(Uaid uaid, ChannelId channelId, MessageId id) {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(id, "id");
        Device device = devices.get(uaid);
        if (device == null) {
            return done(false);
        }
        synchronized (device) {
            Channel channel = device.channels.get(channelId);
            if (channel == null || channel.queue == null) {
                return done(false);
            }
            boolean removed = false;
            for (Iterator<Queued> queued = channel.queue.iterator(); queued.hasNext(); ) {
                if (queued.next().message().id().equals(id)) {
                    queued.remove();
                    removed = true;
                    break;
                }
            }
            if (channel.queue.isEmpty()) {
                // An idle subscription keeps no queue (heap per device, as a SimplePush channel).
                channel.queue = null;
            }
            return done(removed);
        }
    }

    @Override
    public CompletionStage<Void> unregister(Uaid uaid, ChannelId channelId) {
        Objects.requireNonNull(channelId, "channelId");
        Device device = devices.get(uaid);
        if (device != null) {
            synchronized (device) {
                device.channels.remove(channelId);
            }
        }
        return done(null);
    }

    @Override
    public CompletionStage<Advance> advance(Subscription registration, Version version) {
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(version, "version");
        if (registration.restricted()) {
            throw new IllegalArgumentException("a SimplePush registration has no key hash");
        }
        Device device = devices.get(registration.uaid());
        if (device == null) {
            return done(Advance.GONE);
        }
        synchronized (device) {
            Channel channel = device.dropped ? null : device.channels.get(registration.channelId());
            // P3.5: only the channel's current registration takes versions. A Web Push subscription of its own takes
            // only messages (W7.3: a restricted one only signed ones).
            if (channel == null || !channel.simplePush || !channel.is(registration)) {
                return done(Advance.GONE);
            }
            // P5.1: the rule itself is Version's; a fresh channel (-1) is below every version.
            if (channel.version >= 0 && !version.isNewerThan(Version.of(channel.version))) {
                return done(Advance.STALE);
            }
            channel.version = version.value();
            channel.pending = true;
            return done(Advance.ADVANCED);
        }
    }

    @Override
    public CompletionStage<List<Update>> pending(Uaid uaid) {
        Device device = devices.get(uaid);
        if (device == null) {
            return done(List.of());
        }
        synchronized (device) {
            List<Update> updates = new ArrayList<>();
            for (Map.Entry<ChannelId, Channel> entry : device.channels.entrySet()) {
                if (entry.getValue().pending) {
                    updates.add(Update.of(entry.getKey(), Version.of(entry.getValue().version)));
                }
            }
            return done(List.copyOf(updates));
        }
    }

    @Override
    public CompletionStage<Boolean> ack(Uaid uaid, ChannelId channelId, Version version) {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(version, "version");
        Device device = devices.get(uaid);
        if (device == null) {
            return done(false);
        }
        synchronized (device) {
            Channel channel = device.channels.get(channelId);
            // P5.3: only an ack that covers the pending version clears it.
            if (channel == null || !channel.pending || Version.of(channel.version).isNewerThan(version)) {
                return done(false);
            }
            channel.pending = false;
            return done(true);
        }
    }

    @Override
    public CompletionStage<Set<ChannelId>> channels(Uaid uaid) {
        Device device = devices.get(uaid);
        if (device == null) {
            return done(Set.of());
        }
        synchronized (device) {
            return done(Set.copyOf(new LinkedHashSet<>(device.channels.keySet())));
        }
    }

    @Override
    public CompletionStage<Void> setWakeup(Uaid uaid, Optional<WakeupAddress> address) {
        Objects.requireNonNull(address, "address");
        Device device = devices.get(uaid);
        if (device != null) {
            synchronized (device) {
                device.wakeup = address;
            }
        }
        return done(null);
    }

    @Override
    public CompletionStage<Optional<WakeupAddress>> wakeup(Uaid uaid) {
        Device device = devices.get(uaid);
        if (device == null) {
            return done(Optional.empty());
        }
        synchronized (device) {
            return done(device.wakeup);
        }
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
