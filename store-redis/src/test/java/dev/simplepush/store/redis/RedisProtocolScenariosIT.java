package dev.simplepush.store.redis;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.testing.InProcessHarness;
import dev.simplepush.core.testing.ProtocolScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The protocol scenarios against the core and the Redis store, without a network (see {@link InProcessHarness}).
 * Each scenario gets its own key prefix on the shared Redis. Raw frames and raw HTTP do not exist here, so the
 * scenarios that need them are skipped.
 */
class RedisProtocolScenariosIT extends ProtocolScenarios {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @Override
    protected Harness start(PushConfig config) {
        return InProcessHarness.start(config, new RedisStoreModule(REDIS.config().build()));
    }
}
