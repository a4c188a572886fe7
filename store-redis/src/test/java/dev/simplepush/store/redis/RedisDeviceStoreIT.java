package dev.simplepush.store.redis;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.StoreException;
import dev.simplepush.core.Subscription;
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
import dev.simplepush.core.spi.DeviceStore.Subscribed;
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
import java.util.concurrent.CompletionStage;
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
    /** The generation of the Web Push subscriptions here: negative, and not exact as a double. */
    private static final long GENERATION = -(1L << 53) - 1;
    /** The generation of the SimplePush registrations here: not exact as a double either. */
    private static final long SIMPLEPUSH_GENERATION = (1L << 53) + 3;
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
        Subscription registration = registered(uaid, channel);
        // 2^53 + 1 and 2^53 are the same double: a script that used tonumber would call the second stale.
        long twoTo53 = 1L << 53;

        assertThat(await(store().advance(registration, Version.of(twoTo53)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store().advance(registration, Version.of(twoTo53 + 1)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store().advance(registration, Version.of(twoTo53)))).isEqualTo(Advance.STALE);
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
        Subscription registration = registered(uaid, channel);

        assertThat(RedisProcess.command(port(), "SCRIPT FLUSH")).startsWith("+OK");

        assertThat(await(store().advance(registration, Version.of(1)))).isEqualTo(Advance.ADVANCED);
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
        assertThat(subscribe(uaid, restricted, 10, Optional.of(KEY_HASH)))
                .isEqualTo(Registration.REGISTERED);
        assertThat(subscribe(uaid, open, 10, Optional.empty())).isEqualTo(Registration.REGISTERED);
        WebPushMessage first = message(restricted, NOW.plusSeconds(60), Optional.of("t1"), Optional.empty());
        WebPushMessage second = message(restricted, NOW.plusSeconds(30), Optional.empty(),
                Optional.of(Payload.aes128gcm("AAEC")));
        assertThat(await(enqueue(uaid, first, Optional.of(KEY_HASH), 10, NOW))).isEqualTo(Enqueue.QUEUED);
        assertThat(await(enqueue(uaid, second, Optional.of(KEY_HASH), 10, NOW))).isEqualTo(Enqueue.QUEUED);

        assertThat(redis().hget(deviceKey(uaid), "c:" + restricted.value()))
                .isEqualTo("k" + KEY_HASH + ".-9007199254740993");
        assertThat(redis().hget(deviceKey(uaid), "c:" + open.value())).isEqualTo("o-9007199254740993");
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
    void generationsBeyondDoublePrecisionCompareExactly() {
        Uaid uaid = newUaid();
        ChannelId restricted = newChannel();
        ChannelId open = newChannel();
        // 2^53 + 1 is no double: a script that used tonumber would store, answer or compare 2^53 instead.
        long big = (1L << 53) + 1;
        Subscribed first = await(store().subscribe(new Subscription(uaid, restricted, Optional.of(KEY_HASH), big),
                10));
        assertThat(first).isEqualTo(new Subscribed(Registration.REGISTERED, big));
        await(store().subscribe(new Subscription(uaid, open, Optional.empty(), Long.MIN_VALUE), 10));

        assertThat(await(store().subscribe(new Subscription(uaid, restricted, Optional.of(KEY_HASH), 7), 10)))
                .isEqualTo(new Subscribed(Registration.EXISTS, big));
        assertThat(await(store().subscribe(new Subscription(uaid, open, Optional.empty(), 7), 10)))
                .isEqualTo(new Subscribed(Registration.EXISTS, Long.MIN_VALUE));
        assertThat(redis().hget(deviceKey(uaid), "c:" + restricted.value())).isEqualTo("k" + KEY_HASH + "." + big);
        assertThat(redis().hget(deviceKey(uaid), "c:" + open.value())).isEqualTo("o" + Long.MIN_VALUE);
        assertThat(await(store().subscribed(new Subscription(uaid, restricted, Optional.of(KEY_HASH), big))))
                .isTrue();
        assertThat(await(store().subscribed(new Subscription(uaid, restricted, Optional.of(KEY_HASH), big - 1))))
                .isFalse();
        assertThat(await(store().enqueue(new Subscription(uaid, restricted, Optional.of(KEY_HASH), big - 1),
                message(restricted, NOW.plusSeconds(60)), 10, NOW))).isEqualTo(Enqueue.GONE);
        assertThat(await(store().enqueue(new Subscription(uaid, open, Optional.empty(), Long.MIN_VALUE + 1),
                message(open, NOW.plusSeconds(60)), 10, NOW))).isEqualTo(Enqueue.GONE);
        assertThat(await(store().enqueue(new Subscription(uaid, open, Optional.empty(), Long.MIN_VALUE),
                message(open, NOW.plusSeconds(60)), 10, NOW))).isEqualTo(Enqueue.QUEUED);

        assertThat(await(store().subscribe(new Subscription(uaid, restricted, Optional.empty(), big - 1), 10)))
                .isEqualTo(new Subscribed(Registration.REKEYED, big - 1));
        assertThat(redis().hget(deviceKey(uaid), "c:" + restricted.value())).isEqualTo("o" + (big - 1));
        // Web Push subscriptions of their own take no versions, even from an endpoint of their generation.
        assertThat(await(store().advance(new Subscription(uaid, restricted, Optional.empty(), big - 1),
                Version.of(1)))).isEqualTo(Advance.GONE);
        assertThat(await(store().advance(new Subscription(uaid, open, Optional.empty(), Long.MIN_VALUE),
                Version.of(1)))).isEqualTo(Advance.GONE);
    }

    @Test
    void aSimplePushChannelSubscribedWithoutKeyKeepsItsVersionAndGeneration() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        Subscription registration = registered(uaid, channel);
        assertThat(redis().hget(deviceKey(uaid), "c:" + channel.value())).isEqualTo("n." + SIMPLEPUSH_GENERATION);
        await(store().advance(registration, Version.of(5)));

        assertThat(await(store().subscribe(subscription(uaid, channel, Optional.empty()), 10)))
                .isEqualTo(new Subscribed(Registration.EXISTS, SIMPLEPUSH_GENERATION));
        assertThat(redis().hget(deviceKey(uaid), "c:" + channel.value())).isEqualTo("p5." + SIMPLEPUSH_GENERATION);
        assertThat(await(store().subscribed(registration))).isTrue();
        assertThat(await(store().subscribed(subscription(uaid, channel, Optional.empty())))).isFalse();
        assertThat(await(store().advance(registration, Version.of(6)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store().ack(uaid, channel, Version.of(6)))).isTrue();
        assertThat(redis().hget(deviceKey(uaid), "c:" + channel.value())).isEqualTo("a6." + SIMPLEPUSH_GENERATION);
        assertThat(await(store().register(registration.withGeneration(7), 10)))
                .isEqualTo(new Subscribed(Registration.EXISTS, SIMPLEPUSH_GENERATION));
    }

    @Test
    void aSimplePushChannelStoredBeforeGenerationsTakesEndpointsWithoutOneUntilUnregistered() {
        Uaid uaid = newUaid();
        ChannelId fresh = newChannel();
        ChannelId pending = newChannel();
        ChannelId acked = newChannel();
        // P3.5 compatibility: the states a release before generations wrote, and what its endpoints name.
        redis().hset(deviceKey(uaid), Map.of("c:" + fresh.value(), "n", "c:" + pending.value(), "p5",
                "c:" + acked.value(), "a5"));
        Subscription freshOld = new Subscription(uaid, fresh, Optional.empty(), Subscription.NO_GENERATION);
        Subscription pendingOld = new Subscription(uaid, pending, Optional.empty(), Subscription.NO_GENERATION);
        Subscription ackedOld = new Subscription(uaid, acked, Optional.empty(), Subscription.NO_GENERATION);

        assertThat(await(store().pending(uaid))).containsExactly(Update.of(pending, Version.of(5)));
        assertThat(await(store().advance(freshOld.withGeneration(SIMPLEPUSH_GENERATION), Version.of(1))))
                .isEqualTo(Advance.GONE);
        assertThat(await(store().advance(freshOld, Version.of(1)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store().advance(pendingOld, Version.of(5)))).isEqualTo(Advance.STALE);
        assertThat(await(store().advance(ackedOld, Version.of(6)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store().ack(uaid, acked, Version.of(6)))).isTrue();
        assertThat(redis().hget(deviceKey(uaid), "c:" + fresh.value())).isEqualTo("p1");
        assertThat(redis().hget(deviceKey(uaid), "c:" + acked.value())).isEqualTo("a6");
        assertThat(await(store().register(new Subscription(uaid, pending, Optional.empty(), SIMPLEPUSH_GENERATION),
                10))).as("P3.3: registered again, it keeps its generation")
                .isEqualTo(new Subscribed(Registration.EXISTS, Subscription.NO_GENERATION));
        assertThat(await(store().subscribed(pendingOld))).isTrue();

        await(store().unregister(uaid, fresh));
        Subscription freshNew = registered(uaid, fresh);

        assertThat(await(store().advance(freshOld, Version.of(2)))).isEqualTo(Advance.GONE);
        assertThat(await(store().advance(freshNew, Version.of(2)))).isEqualTo(Advance.ADVANCED);
        assertThat(redis().hget(deviceKey(uaid), "c:" + fresh.value())).isEqualTo("p2." + SIMPLEPUSH_GENERATION);
    }

    @Test
    void webPushSubscriptionsCountAgainstTheChannelLimitAndNothingElseDoes() {
        Uaid uaid = newUaid();
        await(store().setWakeup(uaid, Optional.of(new WakeupAddress("10.0.0.1", 2442, "310",
                "410", Optional.empty()))));
        assertThat(subscribe(uaid, newChannel(), 2, Optional.of(KEY_HASH)))
                .isEqualTo(Registration.REGISTERED);
        ChannelId open = newChannel();
        assertThat(subscribe(uaid, open, 2, Optional.empty())).isEqualTo(Registration.REGISTERED);
        await(enqueue(uaid, message(open, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));

        // Neither the wake-up address nor the message hash counts as a channel.
        assertThat(register(uaid, newChannel(), 2)).isEqualTo(Registration.LIMIT_REACHED);
        assertThat(register(uaid, newChannel(), 3)).isEqualTo(Registration.REGISTERED);
    }

    @Test
    void everyWriteRefreshesTheTtlOfBothKeysTogether() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        // A SimplePush channel: it takes both messages and versions (W1.4).
        Subscription simplePush = registered(uaid, channel);
        WebPushMessage message = message(channel, NOW.plusSeconds(60));
        await(store().enqueue(simplePush, message, 10, NOW));
        long ttl = RedisStoreConfig.DEFAULT_DEVICE_TTL.toMillis();
        assertThat(pttl(messagesKey(uaid))).isPositive().isLessThanOrEqualTo(ttl);

        shortenTtls(uaid);
        await(store().resume(uaid, Optional.empty()));
        assertRefreshed(uaid, ttl);

        shortenTtls(uaid);
        await(store().enqueue(simplePush, message(channel, NOW.plusSeconds(60)), 10, NOW));
        assertRefreshed(uaid, ttl);

        shortenTtls(uaid);
        assertThat(await(store().advance(simplePush, Version.of(3)))).isEqualTo(Advance.ADVANCED);
        assertRefreshed(uaid, ttl);

        shortenTtls(uaid);
        assertThat(await(store().remove(uaid, channel, message.id()))).isTrue();
        assertRefreshed(uaid, ttl);
    }

    @Test
    void queuedMessagesOutliveTheNodeThatStoredThem() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        subscribe(uaid, channel, 10, Optional.of(KEY_HASH));
        WebPushMessage message = message(channel, NOW.plusSeconds(60), Optional.of("news"),
                Optional.of(new Payload("AAEC", "aesgcm", Optional.of("salt=abc"), Optional.of("dh=def"))));
        await(enqueue(uaid, message, Optional.of(KEY_HASH), 10, NOW));

        DeviceStore restarted = new RedisDeviceStore(new RedisConnection(REDIS.config().keyPrefix(prefix).build()));
        await(restarted.start());
        try {
            assertThat(await(restarted.messages(uaid, NOW))).containsExactly(message);
            assertThat(await(restarted.subscribed(subscription(uaid, channel, Optional.of(KEY_HASH))))).isTrue();
        } finally {
            await(restarted.stop());
        }
    }

    @Test
    void expiredMessagesAreDeletedWithTheirBookkeeping() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        ChannelId other = newChannel();
        subscribe(uaid, channel, 10, Optional.empty());
        subscribe(uaid, other, 10, Optional.empty());
        WebPushMessage early = message(channel, NOW.plusSeconds(10), Optional.of("t"), Optional.empty());
        WebPushMessage late = message(other, NOW.plusSeconds(20));
        await(enqueue(uaid, early, Optional.empty(), 10, NOW));
        await(enqueue(uaid, late, Optional.empty(), 10, NOW));

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
        subscribe(uaid, channel, 10, Optional.empty());
        WebPushMessage expiring = message(channel, NOW.plusSeconds(10), Optional.of("t"), Optional.empty());
        WebPushMessage lasting = message(channel, NOW.plusSeconds(100));
        await(enqueue(uaid, expiring, Optional.empty(), 10, NOW));
        await(enqueue(uaid, lasting, Optional.empty(), 10, NOW));

        WebPushMessage next = message(channel, NOW.plusSeconds(50), Optional.of("t"), Optional.empty());
        assertThat(await(enqueue(uaid, next, Optional.empty(), 10, NOW.plusSeconds(10))))
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
        subscribe(uaid, channel, 10, Optional.empty());
        WebPushMessage message = message(channel, NOW.plusNanos(1));
        await(enqueue(uaid, message, Optional.empty(), 10, NOW));

        assertThat(await(store().messages(uaid, NOW))).containsExactly(message);
        assertThat(await(store().messages(uaid, NOW.plusNanos(1)))).isEmpty();
    }

    @Test
    void anyTextInAMessageComesBackUnchanged() {
        Uaid uaid = newUaid();
        ChannelId channel = newChannel();
        subscribe(uaid, channel, 10, Optional.empty());
        String odd = "line\nbreak %41 + plus = ; \"quoted\" é 😀 \r\u0000";
        List<WebPushMessage> messages = List.of(
                message(channel, NOW.plusSeconds(60), Optional.of(""), Optional.of(new Payload("", "", Optional.of(""),
                        Optional.of("")))),
                message(channel, NOW.plusSeconds(60), Optional.of(odd),
                        Optional.of(new Payload("_-09azAZ", odd, Optional.of(odd), Optional.empty()))),
                message(channel, Instant.ofEpochSecond(-5, 7), Optional.empty(),
                        Optional.of(new Payload("AA", "aesgcm", Optional.empty(), Optional.of(odd)))));
        for (WebPushMessage message : messages) {
            assertThat(await(enqueue(uaid, message, Optional.empty(), 10, Instant.ofEpochSecond(-10))))
                    .isEqualTo(Enqueue.QUEUED);
        }

        assertThat(await(store().messages(uaid, Instant.ofEpochSecond(-10)))).containsExactlyElementsOf(messages);
    }

    @Test
    void resumeDropsTheQueuesOfUnlistedChannelsOnly() {
        Uaid uaid = newUaid();
        ChannelId kept = newChannel();
        ChannelId dropped = newChannel();
        subscribe(uaid, kept, 10, Optional.empty());
        subscribe(uaid, dropped, 10, Optional.empty());
        WebPushMessage keptMessage = message(kept, NOW.plusSeconds(60), Optional.of("a"), Optional.empty());
        await(enqueue(uaid, keptMessage, Optional.empty(), 10, NOW));
        await(enqueue(uaid, message(dropped, NOW.plusSeconds(60), Optional.of("a"), Optional.empty()),
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
        subscribe(uaid, channel, 10, Optional.empty());
        await(enqueue(uaid, message(channel, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));

        redis().del(deviceKey(uaid));

        assertThat(await(store().messages(uaid, NOW))).isEmpty();
        assertThat(redis().exists(messagesKey(uaid))).isZero();
    }

    @Test
    void messagesLeftBehindByANodeThatKnowsNoQueuesAreNeverDelivered() {
        Uaid uaid = newUaid();
        ChannelId unregistered = newChannel();
        ChannelId kept = newChannel();
        subscribe(uaid, unregistered, 10, Optional.empty());
        subscribe(uaid, kept, 10, Optional.empty());
        await(enqueue(uaid, message(unregistered, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));
        await(enqueue(uaid, message(unregistered, NOW.plusSeconds(60)), Optional.empty(), 10, NOW));
        WebPushMessage keptMessage = message(kept, NOW.plusSeconds(60));
        await(enqueue(uaid, keptMessage, Optional.empty(), 10, NOW));

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
        subscribe(uaid, channel, 10, Optional.empty());
        await(enqueue(uaid, message(channel, NOW.plusSeconds(60)), Optional.empty(), 1, NOW));
        redis().hdel(deviceKey(uaid), "c:" + channel.value());

        assertThat(register(uaid, channel, 10)).isEqualTo(Registration.REGISTERED);

        WebPushMessage fresh = message(channel, NOW.plusSeconds(60));
        Subscription simplePush = new Subscription(uaid, channel, Optional.empty(), SIMPLEPUSH_GENERATION);
        assertThat(await(store().enqueue(simplePush, fresh, 1, NOW))).isEqualTo(Enqueue.QUEUED);
        assertThat(await(store().messages(uaid, NOW))).containsExactly(fresh);
    }

    /** A Web Push subscription of this test's generation (REGISTERED takes it). */
    private static Subscription subscription(Uaid uaid, ChannelId channel, Optional<String> keyHash) {
        return new Subscription(uaid, channel, keyHash, GENERATION);
    }

    /** Registers a SimplePush channel as registration {@link #SIMPLEPUSH_GENERATION}. */
    private Registration register(Uaid uaid, ChannelId channel, int maxChannels) {
        return await(store().register(new Subscription(uaid, channel, Optional.empty(), SIMPLEPUSH_GENERATION),
                maxChannels)).registration();
    }

    /** Registers a new SimplePush channel; returns what its endpoint names. */
    private Subscription registered(Uaid uaid, ChannelId channel) {
        assertThat(register(uaid, channel, 10)).isEqualTo(Registration.REGISTERED);
        return new Subscription(uaid, channel, Optional.empty(), SIMPLEPUSH_GENERATION);
    }

    /** Subscribes with this test's generation. */
    private Registration subscribe(Uaid uaid, ChannelId channel, int maxChannels, Optional<String> keyHash) {
        return await(store().subscribe(subscription(uaid, channel, keyHash), maxChannels)).registration();
    }

    /** Enqueues for the subscription of this test's generation with that key hash. */
    private CompletionStage<Enqueue> enqueue(Uaid uaid, WebPushMessage message, Optional<String> keyHash,
            int maxQueued, Instant now) {
        return store().enqueue(subscription(uaid, message.channelId(), keyHash), message, maxQueued, now);
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
