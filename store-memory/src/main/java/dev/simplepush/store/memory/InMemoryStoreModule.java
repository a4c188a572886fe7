package dev.simplepush.store.memory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.simplepush.core.ComponentHealth;
import dev.simplepush.core.Push;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.HealthCheck;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Stores devices in this JVM's heap and routes updates to sockets of this node only. For a single node; every
 * device must reconnect and re-register after a restart (their hellos are answered with new UAIDs, P2.4).
 *
 * <p>The heap stays bounded ({@link InMemoryStoreConfig}): a device neither seen nor written to for the device TTL
 * is forgotten, and past {@code maxDevices} a hello that needs a new device is refused (status 503, then closed with
 * 1013) while known devices keep working.
 *
 * <p><b>Provides:</b> {@link DeviceStore}, {@link Router}, and the {@link HealthCheck} {@code "store"} (always up:
 * the heap is always reachable).
 *
 * <p><b>Requires:</b> {@code @Push Clock} and {@code @Push Scheduler} (both bound by {@code PushCoreModule}); the
 * scheduler runs the store's periodic sweep of expired devices from the store's {@code start()} to its
 * {@code stop()}.
 */
public final class InMemoryStoreModule extends AbstractModule {

    private final InMemoryStoreConfig config;

    /** The in-memory store and router with {@link InMemoryStoreConfig#defaults()}. */
    public InMemoryStoreModule() {
        this(InMemoryStoreConfig.defaults());
    }

    /** The in-memory store and router with {@code config}'s device TTL and bound. */
    public InMemoryStoreModule(InMemoryStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, HealthCheck.class).addBinding("store")
                .toInstance(() -> CompletableFuture.completedFuture(ComponentHealth.up("in memory")));
    }

    @Provides
    @Singleton
    DeviceStore deviceStore(@Push Clock clock, @Push Scheduler scheduler) {
        return new InMemoryDeviceStore(config, clock, Optional.of(scheduler));
    }

    @Provides
    @Singleton
    Router router() {
        return new InMemoryRouter();
    }

    /**
     * A fresh in-memory store with {@link InMemoryStoreConfig#defaults()}, for use without Guice. It has no
     * scheduler, so an expired device is forgotten only when an operation finds it.
     */
    public static DeviceStore newDeviceStore(Clock clock) {
        return new InMemoryDeviceStore(InMemoryStoreConfig.defaults(), clock, Optional.empty());
    }

    /**
     * A fresh in-memory store, for use without Guice. Its {@code start()} schedules the sweep of expired devices on
     * {@code scheduler} and its {@code stop()} cancels it.
     */
    public static DeviceStore newDeviceStore(InMemoryStoreConfig config, Clock clock, Scheduler scheduler) {
        return new InMemoryDeviceStore(config, clock, Optional.of(Objects.requireNonNull(scheduler, "scheduler")));
    }

    /** A fresh single-node router, for use without Guice. */
    public static Router newRouter() {
        return new InMemoryRouter();
    }
}
