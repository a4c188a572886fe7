package dev.simplepush.store.redis;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.StoreException;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.DeviceStore.Advance;
import dev.simplepush.core.testing.DeviceStoreContract;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the {@link DeviceStoreContract} against a standalone Redis, plus what only the Redis store has. */
class RedisDeviceStoreIT extends DeviceStoreContract {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    private String prefix;

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

    private Uaid newUaid() {
        Uaid uaid = Uaid.random();
        await(store().create(uaid));
        return uaid;
    }

    private static int port() {
        return URI.create(REDIS.uri()).getPort();
    }
}
