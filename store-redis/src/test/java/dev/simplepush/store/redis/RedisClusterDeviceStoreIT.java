package dev.simplepush.store.redis;

import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.testing.DeviceStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the {@link DeviceStoreContract} against a 3-master Redis Cluster: every script touches only keys with
 * the device's hash tag, so it runs on the one shard that owns the device's slot.
 */
class RedisClusterDeviceStoreIT extends DeviceStoreContract {

    @RegisterExtension
    static final LocalRedisCluster CLUSTER = new LocalRedisCluster();

    @Override
    protected DeviceStore newStore() {
        return new RedisDeviceStore(new RedisConnection(CLUSTER.config().build()));
    }
}
