package dev.simplepush.store.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CrossNodeRouting} on a standalone Redis. */
class RedisCrossNodeRoutingIT extends CrossNodeRouting {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @Override
    protected RedisStoreConfig.Builder config() {
        return REDIS.config();
    }
}
