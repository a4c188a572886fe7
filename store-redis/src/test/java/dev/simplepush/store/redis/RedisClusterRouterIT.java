package dev.simplepush.store.redis;

import dev.simplepush.core.spi.Router;
import dev.simplepush.core.testing.RouterContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the {@link RouterContract} against a 3-master Redis Cluster. */
class RedisClusterRouterIT extends RouterContract {

    @RegisterExtension
    static final LocalRedisCluster CLUSTER = new LocalRedisCluster();

    @Override
    protected Router newRouter() {
        return new RedisRouter(new RedisConnection(CLUSTER.config().build()), TestScheduler.shared());
    }
}
