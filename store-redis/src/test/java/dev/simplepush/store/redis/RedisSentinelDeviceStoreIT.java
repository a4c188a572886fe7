package dev.simplepush.store.redis;

import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.testing.DeviceStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the {@link DeviceStoreContract} against a master the store finds through two Redis Sentinels. */
class RedisSentinelDeviceStoreIT extends DeviceStoreContract {

    @RegisterExtension
    static final LocalRedisSentinel SENTINEL = new LocalRedisSentinel();

    @Override
    protected DeviceStore newStore() {
        return new RedisDeviceStore(new RedisConnection(SENTINEL.config().build()));
    }
}
