package dev.simplepush.store.redis;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.Uaid;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.testing.ManualScheduler;
import dev.simplepush.core.testing.RecordingDevice;
import dev.simplepush.core.testing.RouterContract;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the {@link RouterContract} against a standalone Redis, one node, a fresh key prefix per test. */
class RedisRouterIT extends RouterContract {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @Override
    protected Router newRouter() {
        return new RedisRouter(new RedisConnection(REDIS.config().build()), TestScheduler.shared());
    }

    @Test
    void presenceIsRefreshedOnTheGivenSchedulerUntilTheRouterStops() {
        RedisStoreConfig config = REDIS.config().presenceTtl(Duration.ofSeconds(3)).build();
        ManualScheduler time = new ManualScheduler();
        RedisRouter router = new RedisRouter(new RedisConnection(config), time);
        await(router.start());
        try {
            assertThat(time.pending()).isEqualTo(1);
            Uaid uaid = Uaid.random();
            await(router.claim(uaid, RecordingDevice.accepting("device")));
            String key = new Keys(config.keyPrefix()).presence(uaid);
            assertThat(redis("PEXPIRE " + key + " 600000")).startsWith(":1");

            // One period is a third of the TTL; the refresh puts the TTL back to presenceTtl.
            time.advance(Duration.ofSeconds(1));

            assertThat(CrossNodeRouting.eventually(() -> pttl(key) <= 3000)).isTrue();
            assertThat(pttl(key)).isPositive();
        } finally {
            await(router.stop());
        }
        assertThat(time.pending()).isZero();
    }

    private static long pttl(String key) {
        return Long.parseLong(redis("PTTL " + key).substring(1).trim());
    }

    private static String redis(String command) {
        return RedisProcess.command(URI.create(REDIS.uri()).getPort(), command);
    }
}
