package dev.simplepush.store.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CrossNodeRouting} on a master found through two Redis Sentinels: each node's sharded pub/sub connection
 * goes to the master too, where the other nodes' SPUBLISHes go.
 */
class RedisSentinelCrossNodeRoutingIT extends CrossNodeRouting {

    @RegisterExtension
    static final LocalRedisSentinel SENTINEL = new LocalRedisSentinel();

    @Override
    protected RedisStoreConfig.Builder config() {
        return SENTINEL.config();
    }
}
