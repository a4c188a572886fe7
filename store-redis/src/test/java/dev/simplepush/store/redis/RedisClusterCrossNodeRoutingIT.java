package dev.simplepush.store.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CrossNodeRouting} on a 3-master Redis Cluster, where each node's channel lives on one shard. */
class RedisClusterCrossNodeRoutingIT extends CrossNodeRouting {

    @RegisterExtension
    static final LocalRedisCluster CLUSTER = new LocalRedisCluster();

    @Override
    protected RedisStoreConfig.Builder config() {
        return CLUSTER.config();
    }
}
