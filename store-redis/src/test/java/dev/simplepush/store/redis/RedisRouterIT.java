package dev.simplepush.store.redis;

import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.RouterContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the {@link RouterContract} against a standalone Redis, one node, a fresh key prefix per test. */
class RedisRouterIT extends RouterContract {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @Override
    protected Router newRouter() {
        return new RedisRouter(new RedisConnection(REDIS.config().build()));
    }
}
