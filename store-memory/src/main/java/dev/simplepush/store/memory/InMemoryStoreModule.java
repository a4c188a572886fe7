package dev.simplepush.store.memory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.simplepush.core.Push;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.Router;
import java.time.Clock;

/**
 * Stores devices in this JVM's heap and routes updates to sockets of this node only. For a single node; every
 * device must reconnect and re-register after a restart (their hellos are answered with new UAIDs, P2.4).
 *
 * <p><b>Provides:</b> {@link DeviceStore}, {@link Router}.
 *
 * <p><b>Requires:</b> {@code @Push Clock} (bound by {@code PushCoreModule}).
 */
public final class InMemoryStoreModule extends AbstractModule {

    /** The in-memory store and router. */
    public InMemoryStoreModule() {
    }

    @Provides
    @Singleton
    DeviceStore deviceStore(@Push Clock clock) {
        return new InMemoryDeviceStore(clock);
    }

    @Provides
    @Singleton
    Router router() {
        return new InMemoryRouter();
    }

    /** A fresh in-memory store, for use without Guice. */
    public static DeviceStore newDeviceStore(Clock clock) {
        return new InMemoryDeviceStore(clock);
    }

    /** A fresh single-node router, for use without Guice. */
    public static Router newRouter() {
        return new InMemoryRouter();
    }
}
