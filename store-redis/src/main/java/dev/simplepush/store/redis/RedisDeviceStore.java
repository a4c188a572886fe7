package dev.simplepush.store.redis;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.spi.DeviceStore;
import io.lettuce.core.ScriptOutputType;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Devices as two Redis hashes each, the device with its channels and its queued Web Push messages (layout in
 * {@link Keys}). Every rule that reads and then writes runs as one Lua script ({@link DeviceScripts}), which Redis
 * executes atomically, so the contract's per-device atomicity holds across every node sharing the Redis. Plain
 * reads and single-command writes (DEL) need no script.
 *
 * <p>On start it tells, once, whether the Redis persists its data ({@link PersistenceCheck}).
 *
 * <p>Stages complete on Lettuce's event loop; nothing here blocks.
 */
final class RedisDeviceStore implements DeviceStore {

    private final RedisConnection redis;
    private final Keys keys;
    private final String ttlMillis;
    private final AtomicBoolean started = new AtomicBoolean();

    RedisDeviceStore(RedisConnection redis) {
        this.redis = redis;
        this.keys = new Keys(redis.config().keyPrefix());
        this.ttlMillis = Long.toString(redis.config().deviceTtl().toMillis());
    }

    @Override
    public CompletionStage<Void> start() {
        if (started.compareAndSet(false, true)) {
            // Not awaited: the check only logs, and a slow answer must not hold the start up.
            return redis.acquire().thenRun(() -> PersistenceCheck.run(redis));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> stop() {
        if (started.compareAndSet(true, false)) {
            return redis.release();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Create> create(Uaid uaid) {
        // Redis bounds itself (maxmemory); this store refuses no device.
        return script("create device", DeviceScripts.CREATE, uaid).thenApply(code -> Create.CREATED);
    }

    @Override
    public CompletionStage<Resume> resume(Uaid uaid, Optional<Set<ChannelId>> listed) {
        Objects.requireNonNull(listed, "listed");
        List<String> args = new ArrayList<>();
        args.add(listed.isPresent() ? "1" : "0");
        listed.ifPresent(channels -> channels.forEach(channel -> args.add(Keys.channelField(channel))));
        return script("resume device", DeviceScripts.RESUME, uaid, args.toArray(String[]::new))
                .thenApply(code -> switch (code.intValue()) {
                    case 0 -> Resume.UNKNOWN;
                    case 1 -> Resume.MISMATCH;
                    default -> Resume.RESUMED;
                });
    }

    @Override
    public CompletionStage<Void> drop(Uaid uaid) {
        String[] both = deviceKeys(uaid);
        // One command, so atomic: both keys share the device's hash tag (one slot on a Cluster).
        return redis.call("drop device", c -> c.del(both), deleted -> null);
    }

    @Override
    public CompletionStage<Subscribed> register(Subscription requested, int maxChannels) {
        Objects.requireNonNull(requested, "requested");
        if (requested.restricted()) {
            throw new IllegalArgumentException("a SimplePush registration has no key hash");
        }
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels must be at least 1: " + maxChannels);
        }
        String[] args = {ttlMillis, Integer.toString(maxChannels), Keys.channelField(requested.channelId()),
            Long.toString(requested.generation())};
        return redis.eval("register channel", DeviceScripts.REGISTER, ScriptOutputType.MULTI,
                deviceKeys(requested.uaid()), args, RedisDeviceStore::subscribedOf);
    }

    @Override
    public CompletionStage<Subscribed> subscribe(Subscription requested, int maxChannels) {
        Objects.requireNonNull(requested, "requested");
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels must be at least 1: " + maxChannels);
        }
        String generation = Long.toString(requested.generation());
        String[] args = {ttlMillis, Integer.toString(maxChannels), Keys.channelField(requested.channelId()),
            requested.keyHash().map("k"::concat).orElse(""), Keys.channelState(requested),
            requested.channelId().value(), generation};
        return redis.eval("subscribe channel", DeviceScripts.SUBSCRIBE, ScriptOutputType.MULTI,
                deviceKeys(requested.uaid()), args, RedisDeviceStore::subscribedOf);
    }

    /** The REGISTER or SUBSCRIBE reply: its code, then the channel's generation as decimal text. */
    private static Subscribed subscribedOf(Object reply) {
        List<?> both = (List<?>) reply;
        Registration registration = switch (((Long) both.get(0)).intValue()) {
            case 0 -> Registration.UNKNOWN_DEVICE;
            case 1 -> Registration.EXISTS;
            case 2 -> Registration.LIMIT_REACHED;
            case 3 -> Registration.REGISTERED;
            default -> Registration.REKEYED;
        };
        return new Subscribed(registration, Long.parseLong((String) both.get(1)));
    }

    @Override
    public CompletionStage<Boolean> subscribed(Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        String key = keys.device(subscription.uaid());
        String field = Keys.channelField(subscription.channelId());
        return redis.call("read subscription", c -> c.hget(key, field),
                value -> value != null && Keys.isState(value, subscription));
    }

    @Override
    public CompletionStage<Enqueue> enqueue(Subscription subscription, WebPushMessage message, int maxQueued,
            Instant now) {
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(now, "now");
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1: " + maxQueued);
        }
        if (!message.channelId().equals(subscription.channelId())) {
            throw new IllegalArgumentException("a message of another channel than its subscription's");
        }
        Instant expiresAt = message.expiresAt();
        return script("queue message", DeviceScripts.ENQUEUE, subscription.uaid(),
                Keys.channelField(message.channelId()),
                subscription.keyHash().map("k"::concat).orElse(""),
                Integer.toString(maxQueued),
                Long.toString(now.getEpochSecond()), Integer.toString(now.getNano()),
                message.channelId().value(), message.id().value(), StoredMessage.topicToken(message),
                Long.toString(expiresAt.getEpochSecond()), Integer.toString(expiresAt.getNano()),
                StoredMessage.payloadLines(message),
                Long.toString(subscription.generation()))
                .thenApply(code -> switch (code.intValue()) {
                    case 0 -> Enqueue.GONE;
                    case 1 -> Enqueue.QUEUE_FULL;
                    default -> Enqueue.QUEUED;
                });
    }

    @Override
    public CompletionStage<List<WebPushMessage>> messages(Uaid uaid, Instant now) {
        Objects.requireNonNull(uaid, "uaid");
        Objects.requireNonNull(now, "now");
        String[] args = {ttlMillis, Long.toString(now.getEpochSecond()), Integer.toString(now.getNano())};
        return redis.eval("read queued messages", DeviceScripts.MESSAGES, ScriptOutputType.MULTI, deviceKeys(uaid),
                args, RedisDeviceStore::messagesOf);
    }

    /** The MESSAGES reply, field and value after field and value, as messages in arrival order. */
    private static List<WebPushMessage> messagesOf(Object reply) {
        List<?> flat = (List<?>) reply;
        List<StoredMessage> stored = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            stored.add(StoredMessage.decode((String) flat.get(i), (String) flat.get(i + 1)));
        }
        stored.sort(Comparator.comparingLong(StoredMessage::sequence));
        List<WebPushMessage> messages = new ArrayList<>(stored.size());
        stored.forEach(message -> messages.add(message.message()));
        return List.copyOf(messages);
    }

    @Override
    public CompletionStage<Boolean> remove(Uaid uaid, ChannelId channelId, MessageId id) {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(id, "id");
        return script("remove message", DeviceScripts.REMOVE, uaid, channelId.value(), id.value())
                .thenApply(code -> code == 1);
    }

    @Override
    public CompletionStage<Void> unregister(Uaid uaid, ChannelId channelId) {
        Objects.requireNonNull(channelId, "channelId");
        return script("unregister channel", DeviceScripts.UNREGISTER, uaid, Keys.channelField(channelId),
                channelId.value())
                .thenApply(code -> null);
    }

    @Override
    public CompletionStage<Advance> advance(Subscription registration, Version version) {
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(version, "version");
        if (registration.restricted()) {
            throw new IllegalArgumentException("a SimplePush registration has no key hash");
        }
        return script("advance version", DeviceScripts.ADVANCE, registration.uaid(),
                Keys.channelField(registration.channelId()), version.toString(),
                Long.toString(registration.generation()))
                .thenApply(code -> switch (code.intValue()) {
                    case 0 -> Advance.GONE;
                    case 1 -> Advance.STALE;
                    default -> Advance.ADVANCED;
                });
    }

    @Override
    public CompletionStage<List<Update>> pending(Uaid uaid) {
        String key = keys.device(uaid);
        return redis.call("read pending updates", c -> c.hgetall(key), RedisDeviceStore::pendingOf);
    }

    private static List<Update> pendingOf(Map<String, String> fields) {
        List<Update> updates = new ArrayList<>();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            String value = field.getValue();
            if (field.getKey().startsWith(Keys.CHANNEL_PREFIX) && value.startsWith("p")) {
                ChannelId channel = ChannelId.of(field.getKey().substring(Keys.CHANNEL_PREFIX.length()));
                updates.add(Update.of(channel, Version.of(Long.parseLong(Keys.simplePushVersion(value)))));
            }
        }
        return List.copyOf(updates);
    }

    @Override
    public CompletionStage<Boolean> ack(Uaid uaid, ChannelId channelId, Version version) {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(version, "version");
        return script("ack update", DeviceScripts.ACK, uaid, Keys.channelField(channelId), version.toString())
                .thenApply(code -> code == 1);
    }

    @Override
    public CompletionStage<Optional<Counts>> counts(Uaid uaid) {
        return redis.eval("count device", DeviceScripts.COUNTS, ScriptOutputType.MULTI, deviceKeys(uaid),
                new String[] {ttlMillis}, reply -> {
                    List<?> counts = (List<?>) reply;
                    return counts.isEmpty() ? Optional.<Counts>empty() : Optional.of(new Counts(count(counts, 0),
                            count(counts, 1), count(counts, 2)));
                });
    }

    private static int count(List<?> counts, int index) {
        return Math.toIntExact((Long) counts.get(index));
    }

    @Override
    public CompletionStage<Set<ChannelId>> channels(Uaid uaid) {
        String key = keys.device(uaid);
        return redis.call("read channels", c -> c.hkeys(key), fields -> {
            Set<ChannelId> channels = new HashSet<>();
            for (String field : fields) {
                if (field.startsWith(Keys.CHANNEL_PREFIX)) {
                    channels.add(ChannelId.of(field.substring(Keys.CHANNEL_PREFIX.length())));
                }
            }
            return Set.copyOf(channels);
        });
    }

    @Override
    public CompletionStage<Void> setWakeup(Uaid uaid, Optional<WakeupAddress> address) {
        Objects.requireNonNull(address, "address");
        return script("store wake-up address", DeviceScripts.SET_WAKEUP, uaid,
                address.map(RedisDeviceStore::encode).orElse(""))
                .thenApply(code -> null);
    }

    @Override
    public CompletionStage<Optional<WakeupAddress>> wakeup(Uaid uaid) {
        String key = keys.device(uaid);
        return redis.call("read wake-up address", c -> c.hget(key, Keys.WAKEUP_FIELD),
                value -> Optional.ofNullable(value).map(RedisDeviceStore::decode));
    }

    /**
     * Runs a device script on the device's two hashes with the TTL as ARGV[1]; completes with its integer reply.
     */
    private CompletionStage<Long> script(String what, LuaScript script, Uaid uaid, String... args) {
        Objects.requireNonNull(uaid, "uaid");
        String[] all = new String[args.length + 1];
        all[0] = ttlMillis;
        System.arraycopy(args, 0, all, 1, args.length);
        return redis.eval(what, script, ScriptOutputType.INTEGER, deviceKeys(uaid), all, reply -> (Long) reply);
    }

    /** KEYS of every device script: the device hash, then the message hash. */
    private String[] deviceKeys(Uaid uaid) {
        Objects.requireNonNull(uaid, "uaid");
        return new String[] {keys.device(uaid), keys.messages(uaid)};
    }

    // Wake-up address as URL-encoded components joined by newlines (which URL encoding never produces); a fifth
    // component is the netid, so an absent netid and an empty one stay distinct.
    static String encode(WakeupAddress address) {
        StringBuilder text = new StringBuilder()
                .append(escape(address.ip())).append('\n')
                .append(address.port()).append('\n')
                .append(escape(address.mcc())).append('\n')
                .append(escape(address.mnc()));
        address.netid().ifPresent(netid -> text.append('\n').append(escape(netid)));
        return text.toString();
    }

    static WakeupAddress decode(String text) {
        String[] parts = text.split("\n", -1);
        if (parts.length != 4 && parts.length != 5) {
            throw new IllegalArgumentException("not a stored wake-up address: " + text);
        }
        Optional<String> netid = parts.length == 5 ? Optional.of(unescape(parts[4])) : Optional.empty();
        return new WakeupAddress(unescape(parts[0]), Integer.parseInt(parts[1]), unescape(parts[2]),
                unescape(parts[3]), netid);
    }

    private static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String unescape(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
