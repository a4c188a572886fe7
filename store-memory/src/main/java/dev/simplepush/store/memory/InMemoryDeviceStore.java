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
import dev.simplepush.core.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
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
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices in a concurrent map; every operation on one device runs under that device's monitor, which makes each
 * port method atomic per device as the contract requires. Operations complete synchronously on the caller's
 * thread and never block on anything but that short monitor.
 *
 * <p>A device neither seen nor written to for the device TTL is expired, as Redis expires its keys: lazily, by the
 * first operation that finds it (which then treats it as unknown and forgets it), and by one periodic sweep on the
 * shared scheduler that looks at a bounded number of devices per run, so forgotten devices free their heap even if
 * nobody asks for them again. No timer per device. The number of devices is bounded: past it {@link #create} is
 * {@link Create#FULL}.
 */
final class InMemoryDeviceStore implements DeviceStore {

    /** How often the sweep runs. */
    static final Duration SWEEP_PERIOD = Duration.ofMillis(250);
    /**
     * The most devices one sweep run looks at: a run takes 0.3 to 1 ms of the shared scheduler (0.3 to 1 µs per
     * device, mostly cache misses), and a pass over a million devices about four minutes.
     */
    static final int SWEEP_BATCH = 1024;
    /** The least time between two warnings that the store is full. */
    static final Duration FULL_WARNING_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryDeviceStore.class);
    private static final long NEVER = Long.MIN_VALUE;

    private final ConcurrentHashMap<Uaid, Device> devices = new ConcurrentHashMap<>();
    /** The devices in {@link #devices}; a new device reserves its place here first, so the bound is exact. */
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong lastFullWarning = new AtomicLong(NEVER);
    private final InMemoryStoreConfig config;
    private final long ttlMillis;
    private final Clock clock;
    private final Optional<Scheduler> scheduler;
    private final Object sweepLock = new Object();
    /** Where the sweep goes on from; a pass over the map spans many runs. Guarded by {@link #sweepLock}. */
    private @Nullable Iterator<Map.Entry<Uaid, Device>> sweepCursor;
    /** The scheduled sweep while started. Guarded by {@link #sweepLock}. */
    private @Nullable Future<?> sweeping;

    /**
     * A store with {@code config}'s bounds. With a scheduler, {@link #start()} schedules the sweep on it and
     * {@link #stop()} cancels it; without one, expired devices are forgotten only when an operation finds them.
     */
    InMemoryDeviceStore(InMemoryStoreConfig config, Clock clock, Optional<Scheduler> scheduler) {
        this.config = Objects.requireNonNull(config, "config");
        this.ttlMillis = config.deviceTtl().toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** One device; fields guarded by its monitor. A dropped device is marked so late operations see it gone. */
    private static final class Device {
        final Map<ChannelId, Channel> channels = new HashMap<>(4);
        Optional<WakeupAddress> wakeup = Optional.empty();
        long lastSeenMillis;
        long nextSequence;
        boolean dropped;

        Device(long now) {
            lastSeenMillis = now;
        }
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
    public CompletionStage<Void> start() {
        synchronized (sweepLock) {
            if (sweeping == null && scheduler.isPresent()) {
                sweeping = scheduler.get().scheduleRepeatedly(this::sweep, SWEEP_PERIOD);
            }
        }
        return done(null);
    }

    @Override
    public CompletionStage<Void> stop() {
        synchronized (sweepLock) {
            if (sweeping != null) {
                sweeping.cancel(false);
                sweeping = null;
            }
            sweepCursor = null;
        }
        return done(null);
    }

    @Override
    public CompletionStage<Create> create(Uaid uaid) {
        Objects.requireNonNull(uaid, "uaid");
        while (true) {
            Device existing = devices.get(uaid);
            if (existing != null) {
                synchronized (existing) {
                    if (!gone(uaid, existing)) {
                        existing.lastSeenMillis = clock.millis();
                        return done(Create.CREATED);
                    }
                }
                // Expired or dropped meanwhile: it has left the map, so it is made anew below.
                continue;
            }
            if (count.incrementAndGet() > config.maxDevices()) {
                count.decrementAndGet();
                warnFull();
                return done(Create.FULL);
            }
            if (devices.putIfAbsent(uaid, new Device(clock.millis())) == null) {
                return done(Create.CREATED);
            }
            count.decrementAndGet();
        }
    }

    /**
     * Forgets expired devices among the next {@link #SWEEP_BATCH} of the map, going on where the last run stopped;
     * returns how many it forgot. Run by the scheduler every {@link #SWEEP_PERIOD}; safe to call from any thread.
     */
    int sweep() {
        synchronized (sweepLock) {
            if (sweepCursor == null) {
                sweepCursor = devices.entrySet().iterator();
            }
            int forgotten = 0;
            for (int examined = 0; examined < SWEEP_BATCH && sweepCursor.hasNext(); examined++) {
                Map.Entry<Uaid, Device> entry = sweepCursor.next();
                Device device = entry.getValue();
                synchronized (device) {
                    if (!device.dropped && gone(entry.getKey(), device)) {
                        forgotten++;
                    }
                }
            }
            if (!sweepCursor.hasNext()) {
                // A pass ended; the next run starts another over the map as it is then.
                sweepCursor = null;
            }
            return forgotten;
        }
    }

    /** How many devices the store holds, expired ones the sweep has not reached yet included. */
    int size() {
        return count.get();
    }

    /**
     * Under {@code device}'s monitor: whether it is dropped, or expired (not seen nor written to for the TTL), in
     * which case it is forgotten here with its channels and queues: from now on it is an unknown device.
     */
    private boolean gone(Uaid uaid, Device device) {
        if (device.dropped) {
            return true;
        }
        if (clock.millis() - device.lastSeenMillis < ttlMillis) {
            return false;
        }
        device.dropped = true;
        device.channels.clear();
        if (devices.remove(uaid, device)) {
            count.decrementAndGet();
        }
        return true;
    }

    /** At most one warning per {@link #FULL_WARNING_INTERVAL}, however many hellos are refused. */
    private void warnFull() {
        long now = clock.millis();
        long last = lastFullWarning.get();
        if (last != NEVER && now >= last && now - last < FULL_WARNING_INTERVAL.toMillis()) {
            return;
        }
        if (lastFullWarning.compareAndSet(last, now)) {
            LOG.warn("the in-memory store holds its maximum of {} devices: hellos that need a new device are refused "
                    + "(503, then closed with 1013) until devices expire (device TTL {}); known devices keep working. "
                    + "Raise maxDevices (server: --max-devices) with the heap, or shorten the device TTL",
                    config.maxDevices(), config.deviceTtl());
        }
    }

    @Override
    public CompletionStage<Resume> resume(Uaid uaid, Optional<Set<ChannelId>> listed) {
        Objects.requireNonNull(listed, "listed");
        Device device = devices.get(uaid);
        if (device == null) {
            return done(Resume.UNKNOWN);
        }
        synchronized (device) {
            if (gone(uaid, device)) {
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
            count.decrementAndGet();
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
            if (gone(requested.uaid(), device)) {
                return done(new Subscribed(Registration.UNKNOWN_DEVICE, requested.generation()));
            }
            // The device itself is talking: it is seen, whatever the outcome.
            device.lastSeenMillis = clock.millis();
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
            Channel channel = gone(subscription.uaid(), device) ? null : device.channels.get(subscription.channelId());
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
            Channel channel = gone(subscription.uaid(), device) ? null : device.channels.get(message.channelId());
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
            if (gone(uaid, device)) {
                return done(List.of());
            }
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
            Channel channel = gone(uaid, device) ? null : device.channels.get(channelId);
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
            if (removed) {
                device.lastSeenMillis = clock.millis();
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
                if (!gone(uaid, device)) {
                    device.channels.remove(channelId);
                    device.lastSeenMillis = clock.millis();
                }
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
            Channel channel = gone(registration.uaid(), device) ? null : device.channels.get(registration.channelId());
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
            device.lastSeenMillis = clock.millis();
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
            if (gone(uaid, device)) {
                return done(List.of());
            }
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
            if (gone(uaid, device)) {
                return done(false);
            }
            device.lastSeenMillis = clock.millis();
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
    public CompletionStage<Optional<Counts>> counts(Uaid uaid) {
        Device device = devices.get(uaid);
        if (device == null) {
            return done(Optional.empty());
        }
        synchronized (device) {
            if (gone(uaid, device)) {
                return done(Optional.empty());
            }
            int pending = 0;
            int queued = 0;
            // The entry set, as messages() and pending(): no other view of the map is made, kept for its lifetime.
            for (Map.Entry<ChannelId, Channel> entry : device.channels.entrySet()) {
                Channel channel = entry.getValue();
                pending += channel.pending ? 1 : 0;
                queued += channel.queue == null ? 0 : channel.queue.size();
            }
            return done(Optional.of(new Counts(device.channels.size(), pending, queued)));
        }
    }

    @Override
    public CompletionStage<Set<ChannelId>> channels(Uaid uaid) {
        Device device = devices.get(uaid);
        if (device == null) {
            return done(Set.of());
        }
        synchronized (device) {
            if (gone(uaid, device)) {
                return done(Set.of());
            }
            return done(Set.copyOf(new LinkedHashSet<>(device.channels.keySet())));
        }
    }

    @Override
    public CompletionStage<Void> setWakeup(Uaid uaid, Optional<WakeupAddress> address) {
        Objects.requireNonNull(address, "address");
        Device device = devices.get(uaid);
        if (device != null) {
            synchronized (device) {
                if (!gone(uaid, device)) {
                    device.wakeup = address;
                    device.lastSeenMillis = clock.millis();
                }
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
            return done(gone(uaid, device) ? Optional.empty() : device.wakeup);
        }
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
