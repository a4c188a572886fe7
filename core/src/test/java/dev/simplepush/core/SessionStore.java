package dev.simplepush.core;

import dev.simplepush.core.spi.DeviceStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A small store for the session's own tests: devices in maps, answers at once unless {@link #hold()} made them
 * wait until {@link #release()}, or {@link #fail()} makes them fail. Not a contract implementation: the stores'
 * contract is {@code DeviceStoreContract}. Thread-safe.
 */
class SessionStore implements DeviceStore {

    private record Channel(long generation, long version, boolean pending) {
    }

    private final Map<Uaid, Map<ChannelId, Channel>> devices = new HashMap<>();
    private final Map<Uaid, WakeupAddress> wakeups = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private boolean failing;

    /** From now on, answers wait for {@link #release()}. */
    synchronized void hold() {
        gate = new CompletableFuture<>();
    }

    /** Lets every held answer through. */
    void release() {
        CompletableFuture<Void> opened;
        synchronized (this) {
            opened = gate;
            gate = CompletableFuture.completedFuture(null);
        }
        opened.complete(null);
    }

    /** From now on, every call fails like an unreachable store. */
    synchronized void fail() {
        failing = true;
    }

    /** The names of the calls so far, in order. */
    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized boolean has(Uaid uaid) {
        return devices.containsKey(uaid);
    }

    synchronized void add(Uaid uaid, ChannelId... channels) {
        Map<ChannelId, Channel> owned = devices.computeIfAbsent(uaid, u -> new LinkedHashMap<>());
        for (ChannelId channel : channels) {
            owned.put(channel, new Channel(Subscription.newGeneration(), -1, false));
        }
    }

    /** Advances the channel's current registration, whichever it is. */
    CompletionStage<Advance> advance(Uaid uaid, ChannelId channelId, Version version) {
        long generation;
        synchronized (this) {
            Channel channel = devices.getOrDefault(uaid, Map.of()).get(channelId);
            generation = channel == null ? Subscription.newGeneration() : channel.generation();
        }
        return advance(new Subscription(uaid, channelId, Optional.empty(), generation), version);
    }

    private <T> CompletionStage<T> answer(String call, Supplier<T> result) {
        CompletableFuture<Void> waitFor;
        synchronized (this) {
            calls.add(call);
            if (failing) {
                return CompletableFuture.failedFuture(new StoreException("store down"));
            }
            waitFor = gate;
        }
        return waitFor.thenApply(v -> {
            synchronized (this) {
                return result.get();
            }
        });
    }

    @Override
    public CompletionStage<Create> create(Uaid uaid) {
        return answer("create", () -> {
            devices.putIfAbsent(uaid, new LinkedHashMap<>());
            return Create.CREATED;
        });
    }

    @Override
    public CompletionStage<Resume> resume(Uaid uaid, Optional<Set<ChannelId>> listed) {
        return answer("resume", () -> {
            Map<ChannelId, Channel> owned = devices.get(uaid);
            if (owned == null) {
                return Resume.UNKNOWN;
            }
            if (listed.isPresent() && !owned.keySet().containsAll(listed.get())) {
                return Resume.MISMATCH;
            }
            listed.ifPresent(keep -> owned.keySet().retainAll(keep));
            return Resume.RESUMED;
        });
    }

    @Override
    public CompletionStage<Void> drop(Uaid uaid) {
        return answer("drop", () -> {
            devices.remove(uaid);
            return null;
        });
    }

    @Override
    public CompletionStage<Subscribed> register(Subscription requested, int maxChannels) {
        return answer("register", () -> {
            Map<ChannelId, Channel> owned = devices.get(requested.uaid());
            if (owned == null) {
                return new Subscribed(Registration.UNKNOWN_DEVICE, requested.generation());
            }
            Channel existing = owned.get(requested.channelId());
            if (existing != null) {
                return new Subscribed(Registration.EXISTS, existing.generation());
            }
            if (owned.size() >= maxChannels) {
                return new Subscribed(Registration.LIMIT_REACHED, requested.generation());
            }
            owned.put(requested.channelId(), new Channel(requested.generation(), -1, false));
            return new Subscribed(Registration.REGISTERED, requested.generation());
        });
    }

    // Web Push: the session tests use a SimplePush dialect only; a Web Push device finds no subscriptions here.
    @Override
    public CompletionStage<Subscribed> subscribe(Subscription requested, int maxChannels) {
        return register(requested, maxChannels);
    }

    @Override
    public CompletionStage<Boolean> subscribed(Subscription subscription) {
        return answer("subscribed",
                () -> devices.getOrDefault(subscription.uaid(), Map.of()).containsKey(subscription.channelId()));
    }

    @Override
    public CompletionStage<Enqueue> enqueue(Subscription subscription, WebPushMessage message, int maxQueued,
            Instant now) {
        return answer("enqueue", () -> Enqueue.GONE);
    }

    @Override
    public CompletionStage<List<WebPushMessage>> messages(Uaid uaid, Instant now) {
        return answer("messages", List::of);
    }

    @Override
    public CompletionStage<Boolean> remove(Uaid uaid, ChannelId channelId, MessageId id) {
        return answer("remove", () -> false);
    }

    @Override
    public CompletionStage<Void> unregister(Uaid uaid, ChannelId channelId) {
        return answer("unregister", () -> {
            Map<ChannelId, Channel> owned = devices.get(uaid);
            if (owned != null) {
                owned.remove(channelId);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Advance> advance(Subscription registration, Version version) {
        return answer("advance", () -> {
            Map<ChannelId, Channel> owned = devices.get(registration.uaid());
            Channel channel = owned == null ? null : owned.get(registration.channelId());
            if (channel == null || channel.generation() != registration.generation()) {
                return Advance.GONE;
            }
            if (version.value() <= channel.version()) {
                return Advance.STALE;
            }
            owned.put(registration.channelId(), new Channel(channel.generation(), version.value(), true));
            return Advance.ADVANCED;
        });
    }

    @Override
    public CompletionStage<List<Update>> pending(Uaid uaid) {
        return answer("pending", () -> {
            List<Update> pending = new ArrayList<>();
            devices.getOrDefault(uaid, Map.of()).forEach((id, channel) -> {
                if (channel.pending()) {
                    pending.add(new Update(id, Version.of(channel.version()), Optional.empty()));
                }
            });
            return pending;
        });
    }

    @Override
    public CompletionStage<Boolean> ack(Uaid uaid, ChannelId channelId, Version version) {
        return answer("ack", () -> {
            Map<ChannelId, Channel> owned = devices.get(uaid);
            Channel channel = owned == null ? null : owned.get(channelId);
            if (channel == null || !channel.pending() || version.value() < channel.version()) {
                return false;
            }
            owned.put(channelId, new Channel(channel.generation(), channel.version(), false));
            return true;
        });
    }

    @Override
    public CompletionStage<Optional<Counts>> counts(Uaid uaid) {
        return answer("counts", () -> devices.containsKey(uaid)
                ? Optional.of(new Counts(devices.get(uaid).size(),
                        (int) devices.get(uaid).values().stream().filter(Channel::pending).count(), 0))
                : Optional.empty());
    }

    @Override
    public CompletionStage<Set<ChannelId>> channels(Uaid uaid) {
        return answer("channels", () -> Set.copyOf(devices.getOrDefault(uaid, Map.of()).keySet()));
    }

    @Override
    public CompletionStage<Void> setWakeup(Uaid uaid, Optional<WakeupAddress> address) {
        return answer("setWakeup", () -> {
            address.ifPresentOrElse(a -> wakeups.put(uaid, a), () -> wakeups.remove(uaid));
            return null;
        });
    }

    @Override
    public CompletionStage<Optional<WakeupAddress>> wakeup(Uaid uaid) {
        return answer("wakeup", () -> Optional.ofNullable(wakeups.get(uaid)));
    }
}
