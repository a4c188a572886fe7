package dev.simplepush.store.memory;

import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.testing.DeviceStoreContract;
import java.time.Clock;

/** Runs the {@link DeviceStoreContract} against the in-memory store. */
class InMemoryDeviceStoreTest extends DeviceStoreContract {

    @Override
    protected DeviceStore newStore() {
        return InMemoryStoreModule.newDeviceStore(Clock.systemUTC());
    }
}
