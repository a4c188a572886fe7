package dev.simplepush.store.redis;

import com.google.inject.PrivateModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.simplepush.core.Push;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import java.util.Objects;

/**
 * Stores devices in Redis and routes updates between the nodes that share it: install it, with the same
 * {@code keyPrefix} and a different {@code nodeId}, on every node. Any node then serves any device and any
 * endpoint (P7); a node that dies loses only its sockets.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *     new PushCoreModule(PushConfig.builder().tokenKeys(List.of(sharedKey)).build()),
 *     new RedisStoreModule(RedisStoreConfig.builder().uri("redis://127.0.0.1:6379").build()),
 *     new WebSocketTransportModule(WebSocketConfig.builder().port(8080).build()));
 * }</pre>
 *
 * <p>All nodes must use the same endpoint token keys, or endpoints minted on one node answer 404 on another.
 *
 * <p><b>Provides:</b> {@link DeviceStore}, {@link Router}. Everything else (the Lettuce client, connections,
 * scripts, configuration) stays private to this module.
 *
 * <p><b>Requires:</b> {@code @}{@link Push} {@link Scheduler} (bound by {@code PushCoreModule}), on which the
 * router refreshes the presence of its connected devices; the refresh only dispatches commands and never blocks.
 *
 * <p>Opens nothing on its own: the store's and router's {@code start()} (called by {@code PushServer}) connect,
 * and their {@code stop()} closes what they opened. The store and the router share one client, shut down when
 * both have stopped.
 */
public final class RedisStoreModule extends PrivateModule {

    private final RedisStoreConfig config;

    /** The Redis store and router with {@code config}. */
    public RedisStoreModule(RedisStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        expose(DeviceStore.class);
        expose(Router.class);
    }

    @Provides
    @Singleton
    RedisConnection connection() {
        return new RedisConnection(config);
    }

    @Provides
    @Singleton
    DeviceStore deviceStore(RedisConnection connection) {
        return new RedisDeviceStore(connection);
    }

    @Provides
    @Singleton
    Router router(RedisConnection connection, @Push Scheduler scheduler) {
        return new RedisRouter(connection, scheduler);
    }
}
