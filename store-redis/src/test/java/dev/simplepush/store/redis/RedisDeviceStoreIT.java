package dev.simplepush.store.redis;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.StoreException;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.WebPushMessage.Payload;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.DeviceStore.Advance;
import dev.simplepush.core.spi.DeviceStore.Enqueue;
import dev.simplepush.core.spi.DeviceStore.Registration;
import dev.simplepush.core.spi.DeviceStore.Resume;
import dev.simplepush.core.testing.DeviceStoreContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the {@link DeviceStoreContract} against a standalone Redis, plus what only the Redis store has. */
class RedisDeviceStoreIT extends DeviceStoreContract {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    /** Instants with nanoseconds, so a store that kept less would be caught. */
    private static final Instant NOW = Instant.ofEpochSecond(1_790_000_000L, 123_456_789);
    private static final String KEY_HASH = "BVb9wdJ0aXK4yRn0r8Kv1b1oXz1NQ3u5cMbhWaBv2yE";
    private static final AtomicLong IDS = new AtomicLong();

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    private String prefix;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(REDIS.uri());
        connection = client.connect();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Override
    protected DeviceStore newStore() {
        prefix = LocalRedis.newPrefix();
        return new RedisDeviceStore(new RedisConnection(REDIS.config().keyPrefix(prefix).build()));
    }

    @Test
    void versionsBeyondDoublePrecisionCompareExactly() {
        Uaid uaid = newUaid();
        ChannelId channel = ChannelId.of(UUID.randomUUID().toString());
        await(store().register(uaid, channel, 10));
        // 2^53 + 1 and 2^53 are the same double: a script that used tonumber would call the second stale.
        long twoTo53 = 1L << 53;

        assertThat(await(store().advance(uaid, channel, Version.of(twoTo53)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store().advance(uaid, channel, Version.of(twoTo53 + 1)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store().advance(uaid, channel, Version.of(twoTo53)))).isEqualTo(Advance.STALE);
        assertThat(await(store().ack(uaid, channel, Version.of(twoTo53)))).isFalse();

        assertThat(await(store().pending(uaid))).containsExactly(Update.of(channel, Version.of(twoTo53 + 1)));
        assertThat(await(store().ack(uaid, channel, Version.of(twoTo53 + 1)))).isTrue();
    }

    @Test
    void deviceKeyIsPrefixedHashTaggedAndExpires() {
        Uaid uaid = newUaid();

        String key = prefix + "{" + uaid.value() + "}:d";
        assertThat(RedisProcess.command(port(), "EXISTS " + key)).startsWith(":1");
        long ttlMillis = Long.parseLong(RedisProcess.command(port(), "PTTL " + key).substring(1).trim());
        assertThat(ttlMillis).isPositive().isLessThanOrEqualTo(RedisStoreConfig.DEFAULT_DEVICE_TTL.toMillis());
    }

    @Test
    void scriptsAreLoadedAgainAfterScriptFlush() {
        Uaid uaid = newUaid();
        ChannelId channel = ChannelId.of(UUID.randomUUID().toString());
        await(store().register(uaid, channel, 10));

        assertThat(RedisProcess.command(port(), "SCRIPT FLUSH")).startsWith("+OK");

        assertThat(await(store().advance(uaid, channel, Version.of(1)))).isEqualTo(Advance.ADVANCED);
    }

    @Test
    void unreachableRedisFailsStartWithStoreException() {
        RedisStoreConfig config = RedisStoreConfig.builder()
                .uris(List.of(URI.create("redis://127.0.0.1:" + RedisProcess.freePort())))
                .commandTimeout(Duration.ofMillis(500))
                .build();
        DeviceStore unreachable = new RedisDeviceStore(new RedisConnection(config));
        try {
            assertThatThrownBy(() -> await(unreachable.start())).isInstanceOf(StoreException.class);
        } finally {
            await(unreachable.stop());
        }
    }

    @Test
    void operationsBeforeStartFailWithStoreException() {
        DeviceStore notStarted = new RedisDeviceStore(new RedisConnection(REDIS.config().build()));

        assertThatThrownBy(() -> await(notStarted.pending(Uaid.random()))).isInstanceOf(StoreException.class);
    }

    // ---- Web Push queues: what only the Redis layout can show ---------------------------------------------

    @Test
    void subscriptionStateAndQueueBookkeepingFollowTheDocumentedLayout() {
        Uaid uaid = newUaid();
        ChannelId restricted = newChannel();
        ChannelId open = newChannel();
        assertThat(await(store().subscribe(uaid, restricted, 10, Optional.of(KEY_HASH))))
                .isEqualTo(Registration.REGISTERED);
        assertThat(await(store().subscribe(uaid, open, 10, Optional.empty()))).isEqualTo(Registration.REGISTERED);
        WebPushMessage first = message(restricted, NOW.plusSeconds(60), Optional.of("t1"), Optional.empty());
        WebPushMessage second = message(restricted, NOW.plusSeconds(30), Optional.empty(),
                Optional.of(Payload.aes128gcm("AAEC")));
        assertThat(await(store().enqueue(uaid, first, Optional.of(KEY_HASH), 10, NOW))).isEqualTo(Enqueue.QUEUED);
        assertThat(await(store().enqueue(uaid, second, Optional.of(KEY_HASH), 10, NOW))).isEqualTo(Enqueue.QUEUED);

        assertThat(redis().hget(deviceKey(uaid), "c:" + restricted.value())).isEqualTo("k" + KEY_HASH);
        assertThat(redis().hget(deviceKey(uaid), "c:" + open.value())).isEqualTo("n");
        Map<String, String> queue = redis().hgetall(messagesKey(uaid));
        assertThat(queue).containsOnlyKeys(restricted.value() + ":" + first.id().value(),
                restricted.value() + ":" + second.id().value(), "#", "n:" + restricted.value(),
                "t:" + restricted.value() + ":t1", "x:" + restricted.value());
        assertThat(queue.get(restricted.value() + ":" + first.id().value()))
                .isEqualTo("1\n1790000060\n123456789\n+t1");
        assertThat(queue.get(restricted.value() + ":" + second.id().value()))
                .isEqualTo("2\n1790000030\n123456789\n\naes128gcm\n\n\nAAEC");
        assertThat(queue).containsEntry("#", "2").containsEntry("n:" + restricted.value(), "2")
                .containsEntry("t:" + restricted.value() + ":t1", first.id().value())
                .containsEntry("x:" + restricted.value(), "1790000030 123456789");

        await(store().remove(uaid, restricted, first.id()));
        assertThat(redis().hgetall(messagesKey(uaid))).doesNotContainKey("t:" + restricted.value() + ":t1")
                .containsEntry("n:" + restricted.value(), "1");
        await(store().remove(uaid, restricted, second.id()));
        assertThat(redis().exists(messagesKey(uaid))).as("an empty queue leaves no key").isZero();
    }

    @Test
    void webPushSubscriptionsCountAgainstTheChannelLimitAndNothingElseDoes() {
        Uaid uaid = newUaid();
        await(store().setWakeup(uaid, Optional.of(new WakeupAddress("10.0.0.1", 2442, "310",
                "410", Optional.empty()))));
        assertThat(await(store().subscribe(uaid, newChannel(), 2, Optional.of(KEY_HASH))))
                .isEqualTo(Registration.REGISTERED);
        ChannelId open = newChannel();
        assertThat(await(store().subscribe(uaid, open, 2, Optional.empty()))).isEqualTo(Registration.REGISTERED);
        await(store().enqueue(uaid, message(open, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));

        // Neither the wake-up address nor the message hash counts as a channel.
        assertThat(await(store().register(uaid, newChannel(), 2))).isEqualTo(Registration.LIMIT_REACHED);
        assertThat(await(store().register(uaid, newChannel(), 3))).isEqualTo(Registration.REGISTERED);
    }

    @Test
    void everyWriteRefreshesTheTtlOfBothKeysTogether() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        await(store().subscribe(uaid, channel, 10, Optional.empty()));
        WebPushMessage message = message(channel, NOW.plusSeconds(60));
        await(store().enqueue(uaid, message, Optional.empty(), 10, NOW));
        long ttl = RedisStoreConfig.DEFAULT_DEVICE_TTL.toMillis();
        assertThat(pttl(messagesKey(uaid))).isPositive().isLessThanOrEqualTo(ttl);

        shortenTtls(uaid);
        await(store().resume(uaid, Optional.empty()));
        assertRefreshed(uaid, ttl);

        shortenTtls(uaid);
        await(store().enqueue(uaid, message(channel, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));
        assertRefreshed(uaid, ttl);

        shortenTtls(uaid);
        await(store().advance(uaid, channel, Version.of(3)));
        assertRefreshed(uaid, ttl);

        shortenTtls(uaid);
        assertThat(await(store().remove(uaid, channel, message.id()))).isTrue();
        assertRefreshed(uaid, ttl);
    }

    @Test
    void queuedMessagesOutliveTheNodeThatStoredThem() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        await(store().subscribe(uaid, channel, 10, Optional.of(KEY_HASH)));
        WebPushMessage message = message(channel, NOW.plusSeconds(60), Optional.of("news"),
                Optional.of(new Payload("AAEC", "aesgcm", Optional.of("salt=abc"), Optional.of("dh=def"))));
        await(store().enqueue(uaid, message, Optional.of(KEY_HASH), 10, NOW));

        DeviceStore restarted = new RedisDeviceStore(new RedisConnection(REDIS.config().keyPrefix(prefix).build()));
        await(restarted.start());
        try {
            assertThat(await(restarted.messages(uaid, NOW))).containsExactly(message);
            assertThat(await(restarted.subscribed(uaid, channel, Optional.of(KEY_HASH)))).isTrue();
        } finally {
            await(restarted.stop());
        }
    }

    @Test
    void expiredMessagesAreDeletedWithTheirBookkeeping() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        ChannelId other = newChannel();
        await(store().subscribe(uaid, channel, 10, Optional.empty()));
        await(store().subscribe(uaid, other, 10, Optional.empty()));
        WebPushMessage early = message(channel, NOW.plusSeconds(10), Optional.of("t"), Optional.empty());
        WebPushMessage late = message(other, NOW.plusSeconds(20));
        await(store().enqueue(uaid, early, Optional.empty(), 10, NOW));
        await(store().enqueue(uaid, late, Optional.empty(), 10, NOW));

        assertThat(await(store().messages(uaid, NOW.plusSeconds(10)))).containsExactly(late);
        assertThat(redis().hkeys(messagesKey(uaid))).containsExactlyInAnyOrder(
                other.value() + ":" + late.id().value(), "#", "n:" + other.value(), "x:" + other.value());

        assertThat(await(store().messages(uaid, NOW.plusSeconds(20)))).isEmpty();
        assertThat(redis().exists(messagesKey(uaid))).isZero();
    }

    @Test
    void anEnqueueDropsTheExpiredMessagesOfItsChannel() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        await(store().subscribe(uaid, channel, 10, Optional.empty()));
        WebPushMessage expiring = message(channel, NOW.plusSeconds(10), Optional.of("t"), Optional.empty());
        WebPushMessage lasting = message(channel, NOW.plusSeconds(100));
        await(store().enqueue(uaid, expiring, Optional.empty(), 10, NOW));
        await(store().enqueue(uaid, lasting, Optional.empty(), 10, NOW));

        WebPushMessage next = message(channel, NOW.plusSeconds(50), Optional.of("t"), Optional.empty());
        assertThat(await(store().enqueue(uaid, next, Optional.empty(), 10, NOW.plusSeconds(10))))
                .isEqualTo(Enqueue.QUEUED);

        assertThat(await(store().remove(uaid, channel, expiring.id()))).as("dropped as expired").isFalse();
        assertThat(redis().hgetall(messagesKey(uaid))).containsEntry("n:" + channel.value(), "2")
                .containsEntry("t:" + channel.value() + ":t", next.id().value())
                .containsEntry("x:" + channel.value(), "1790000050 123456789");
        assertThat(await(store().messages(uaid, NOW.plusSeconds(10)))).containsExactly(lasting, next);
    }

    @Test
    void expiryIsExactToTheNanosecond() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        await(store().subscribe(uaid, channel, 10, Optional.empty()));
        WebPushMessage message = message(channel, NOW.plusNanos(1));
        await(store().enqueue(uaid, message, Optional.empty(), 10, NOW));

        assertThat(await(store().messages(uaid, NOW))).containsExactly(message);
        assertThat(await(store().messages(uaid, NOW.plusNanos(1)))).isEmpty();
    }

    @Test
    void anyTextInAMessageComesBackUnchanged() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        await(store().subscribe(uaid, channel, 10, Optional.empty()));
        String odd = "line\nbreak %41 + plus = ; \"quoted\" é 😀 \r\u0000";
        List<WebPushMessage> messages = List.of(
                message(channel, NOW.plusSeconds(60), Optional.of(""), Optional.of(new Payload("", "", Optional.of(""),
                        Optional.of("")))),
                message(channel, NOW.plusSeconds(60), Optional.of(odd),
                        Optional.of(new Payload(odd, odd, Optional.of(odd), Optional.empty()))),
                message(channel, Instant.ofEpochSecond(-5, 7), Optional.empty(),
                        Optional.of(new Payload("AA", "aesgcm", Optional.empty(), Optional.of(odd)))));
        for (WebPushMessage message : messages) {
            assertThat(await(store().enqueue(uaid, message, Optional.empty(), 10, Instant.ofEpochSecond(-10))))
                    .isEqualTo(Enqueue.QUEUED);
        }

        assertThat(await(store().messages(uaid, Instant.ofEpochSecond(-10)))).containsExactlyElementsOf(messages);
    }

    @Test
    void resumeDropsTheQueuesOfUnlistedChannelsOnly() {
        Uaid uaid = newUaid();
        ChannelId kept = newChannel();
        ChannelId dropped = newChannel();
        await(store().subscribe(uaid, kept, 10, Optional.empty()));
        await(store().subscribe(uaid, dropped, 10, Optional.empty()));
        WebPushMessage keptMessage = message(kept, NOW.plusSeconds(60), Optional.of("a"), Optional.empty());
        await(store().enqueue(uaid, keptMessage, Optional.empty(), 10, NOW));
        await(store().enqueue(uaid, message(dropped, NOW.plusSeconds(60), Optional.of("a"), Optional.empty()),
                Optional.empty(), 10, NOW));

        assertThat(await(store().resume(uaid, Optional.of(Set.of(kept))))).isEqualTo(Resume.RESUMED);

        assertThat(redis().hkeys(messagesKey(uaid))).containsExactlyInAnyOrder(
                kept.value() + ":" + keptMessage.id().value(), "#", "n:" + kept.value(), "t:" + kept.value() + ":a",
                "x:" + kept.value());
    }

    @Test
    void aMessageHashWithoutItsDeviceIsNeverRead() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        await(store().subscribe(uaid, channel, 10, Optional.empty()));
        await(store().enqueue(uaid, message(channel, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));

        redis().del(deviceKey(uaid));

        assertThat(await(store().messages(uaid, NOW))).isEmpty();
        assertThat(redis().exists(messagesKey(uaid))).isZero();
    }

    @Test
    void messagesLeftBehindByANodeThatKnowsNoQueuesAreNeverDelivered() {
        Uaid uaid = newUaid();
        ChannelId unregistered = newChannel();
        ChannelId kept = newChannel();
        await(store().subscribe(uaid, unregistered, 10, Optional.empty()));
        await(store().subscribe(uaid, kept, 10, Optional.empty()));
        await(store().enqueue(uaid, message(unregistered, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));
        await(store().enqueue(uaid, message(unregistered, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));
        WebPushMessage keptMessage = message(kept, NOW.plusSeconds(60));
        await(store().enqueue(uaid, keptMessage, Optional.empty(), 10, NOW));

        // A node of a release before Web Push unregisters with a plain HDEL of the channel field.
        redis().hdel(deviceKey(uaid), "c:" + unregistered.value());

        assertThat(await(store().messages(uaid, NOW))).containsExactly(keptMessage);
        assertThat(redis().hkeys(messagesKey(uaid))).noneMatch(field -> field.contains(unregistered.value()));

        // ...and drops a device with a DEL of the device hash alone: the same UAID starts empty.
        redis().del(deviceKey(uaid));
        await(store().create(uaid));
        assertThat(redis().exists(messagesKey(uaid))).isZero();
    }

    @Test
    void aChannelRegisteredAgainDoesNotInheritMessagesLeftBehind() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        await(store().subscribe(uaid, channel, 10, Optional.empty()));
        await(store().enqueue(uaid, message(channel, NOW.plusSeconds(60)), Optional.empty(), 1, NOW));
        redis().hdel(deviceKey(uaid), "c:" + channel.value());

        assertThat(await(store().register(uaid, channel, 10))).isEqualTo(Registration.REGISTERED);

        WebPushMessage fresh = message(channel, NOW.plusSeconds(60));
        assertThat(await(store().enqueue(uaid, fresh, Optional.empty(), 1, NOW))).isEqualTo(Enqueue.QUEUED);
        assertThat(await(store().messages(uaid, NOW))).containsExactly(fresh);
    }

    private void shortenTtls(Uaid uaid) {
        redis().pexpire(deviceKey(uaid), 5_000);
        redis().pexpire(messagesKey(uaid), 5_000);
    }

    private void assertRefreshed(Uaid uaid, long ttl) {
        assertThat(pttl(deviceKey(uaid))).isGreaterThan(5_000).isLessThanOrEqualTo(ttl);
        assertThat(pttl(messagesKey(uaid))).isGreaterThan(5_000).isLessThanOrEqualTo(ttl);
    }

    private static long pttl(String key) {
        return redis().pttl(key);
    }

    private String deviceKey(Uaid uaid) {
        return prefix + "{" + uaid.value() + "}:d";
    }

    private String messagesKey(Uaid uaid) {
        return prefix + "{" + uaid.value() + "}:m";
    }

    private static RedisCommands<String, String> redis() {
        return connection.sync();
    }

    private static WebPushMessage message(ChannelId channel, Instant expiresAt) {
        return message(channel, expiresAt, Optional.empty(), Optional.empty());
    }

    private static WebPushMessage message(ChannelId channel, Instant expiresAt, Optional<String> topic,
            Optional<Payload> payload) {
        return new WebPushMessage(new MessageId("id-" + IDS.incrementAndGet() + "_" + UUID.randomUUID()
                .toString().replace("-", "")), channel, expiresAt, topic, payload);
    }

    private static ChannelId newChannel() {
        return ChannelId.of(UUID.randomUUID().toString());
    }

    private Uaid newUaid() {
        Uaid uaid = Uaid.random();
        await(store().create(uaid));
        return uaid;
    }

    private static int port() {
        return URI.create(REDIS.uri()).getPort();
    }
}
