package dev.simplepush.store.memory;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.spi.DeviceStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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
        boolean dropped;
    }

    /** One channel: its latest version (-1: none yet) and whether that version is still unacked. */
    private static final class Channel {
        long version = -1;
        boolean pending;
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
    public CompletionStage<Registration> register(Uaid uaid, ChannelId channelId, int maxChannels) {
        Objects.requireNonNull(channelId, "channelId");
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels must be at least 1: " + maxChannels);
        }
        Device device = devices.get(uaid);
        if (device == null) {
            return done(Registration.UNKNOWN_DEVICE);
        }
        synchronized (device) {
            if (device.dropped) {
                return done(Registration.UNKNOWN_DEVICE);
            }
            if (device.channels.containsKey(channelId)) {
                return done(Registration.EXISTS);
            }
            if (device.channels.size() >= maxChannels) {
                return done(Registration.LIMIT_REACHED);
            }
            device.channels.put(channelId, new Channel());
            return done(Registration.REGISTERED);
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
    public CompletionStage<Advance> advance(Uaid uaid, ChannelId channelId, Version version) {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(version, "version");
        Device device = devices.get(uaid);
        if (device == null) {
            return done(Advance.GONE);
        }
        synchronized (device) {
            Channel channel = device.dropped ? null : device.channels.get(channelId);
            if (channel == null) {
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
