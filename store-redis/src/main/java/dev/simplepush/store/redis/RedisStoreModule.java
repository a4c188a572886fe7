package dev.simplepush.store.redis;

import com.google.inject.AbstractModule;
import com.google.inject.BindingAnnotation;
import com.google.inject.Key;
import com.google.inject.PrivateModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.simplepush.core.Push;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.HealthCheck;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.Objects;
import java.util.Optional;

/**
 * Stores devices in Redis and routes updates between the nodes that share it: install it, with the same
 * {@code keyPrefix} and a different {@code nodeId}, on every node. Any node then serves any device and any
 * endpoint (P7); a node that dies loses only its sockets. The Redis may be standalone, a master monitored by
 * Sentinel, or a Cluster (see {@link RedisStoreConfig}).
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *     new PushCoreModule(PushConfig.builder().tokenKeys(List.of(sharedKey)).build()),
 *     new RedisStoreModule(RedisStoreConfig.builder().uri("redis://127.0.0.1:6379").build()),
 *     new WebSocketTransportModule(WebSocketConfig.builder().port(8080).build()));
 * }</pre>
 *
 * <p>All nodes must use the same endpoint token keys, or endpoints minted on one node answer 404 on another: give
 * them the same keys, or the ring {@link RedisEndpointKeys#loadOrCreate} keeps in Redis for all of them.
 *
 * <p><b>Provides:</b> {@link DeviceStore}, {@link Router}, and the {@link HealthCheck} {@code "store"}: Redis
 * answers a PING within 400 ms, asked at most once a second. Everything else (the Lettuce client, connections,
 * scripts, configuration) stays private to this module.
 *
 * <p><b>Requires:</b> {@code @}{@link Push} {@link Scheduler} (bound by {@code PushCoreModule}), on which the
 * router refreshes the presence of its connected devices; the refresh only dispatches commands and never blocks; and
 * {@code @}{@link Push} {@code MeterRegistry} (also the core's), where resources the store creates record each Redis
 * command's latency through Lettuce's Micrometer support ({@code lettuce.command.completion} and
 * {@code lettuce.command.firstresponse}, tagged by command and Redis address, as a percentile histogram). Resources
 * or a client the application hands in keep the latency recorder the application gave them.
 *
 * <p>Opens nothing on its own: the store's and router's {@code start()} (called by {@code PushServer}) connect,
 * and their {@code stop()} closes what they opened. The store and the router share one client and its
 * connections, closed when both have stopped.
 *
 * <h2>The Lettuce client</h2>
 *
 * <p>By default the store creates its own Lettuce {@link ClientResources} and client, and shuts both down when it
 * stops. It gives them what makes a request during a Redis outage fail at once, so an app server's PUT is answered
 * 503 with {@code Retry-After} instead of waiting (P4.3), and what makes the node serve again soon after Redis is
 * back: a command timeout of {@code commandTimeout} ({@link TimeoutOptions#enabled(java.time.Duration)}), a
 * connect timeout of twice that, for a standalone or Sentinel Redis
 * {@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS} while disconnected, and a reconnect delay of 50 ms
 * doubling up to 2 s.
 *
 * <p>An application that already runs Lettuce can hand in its own instead; whoever creates a resource closes it:
 * <ul>
 *   <li>{@link #withClientResources}: the store creates its client, with the options above, on the application's
 *       resources; it shuts that client down when it stops, never the resources. Their reconnect delay applies.
 *   <li>{@link #withClient} (a standalone Redis or a Sentinel URI) and {@link #withClusterClient} (a Cluster): the
 *       store uses the client as the application configured it, never changes its options, and closes only the
 *       connections it opened on it; the client stays usable after the store has stopped. For the outage
 *       behaviour above, create the client with {@code ClientOptions.builder()
 *       .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS).timeoutOptions(TimeoutOptions.enabled(
 *       commandTimeout))} (a {@code ClusterClientOptions} with the same timeout options for a Cluster, where
 *       rejecting commands would fail the first command on a shard connection that is still opening) and on
 *       resources with a short {@code reconnectDelay}. Without them a request during an outage waits for the
 *       command timeout before it fails, and the node may take up to Lettuce's default 30 s to reconnect.
 * </ul>
 *
 * <p>Each {@code with...} method returns a new module and leaves this one as it was.
 */
public final class RedisStoreModule extends AbstractModule {

    private final RedisStoreConfig config;
    private final ClientSource clients;

    /** The Redis store and router with {@code config}, on a Lettuce client and resources of their own. */
    public RedisStoreModule(RedisStoreConfig config) {
        this(config, ClientSource.own());
    }

    private RedisStoreModule(RedisStoreConfig config, ClientSource clients) {
        this.config = Objects.requireNonNull(config, "config");
        this.clients = clients;
    }

    /**
     * This module, with the store's client created on the application's {@code resources}. The store never shuts
     * them down.
     *
     * @throws IllegalStateException if this module already has the application's resources or client
     */
    public RedisStoreModule withClientResources(ClientResources resources) {
        Objects.requireNonNull(resources, "resources");
        return new RedisStoreModule(config,
                checkNoneHandedIn(new ClientSource.Created(Optional.of(resources), Optional.empty())));
    }

    /**
     * This module, on the application's standalone {@code client}, which connects to the configuration's one
     * {@code redis://}, {@code rediss://} or Sentinel URI (the URI the client may have been created with is not
     * used). The store never shuts the client down nor changes its options; see the class comment for the options
     * it should carry.
     *
     * @throws IllegalArgumentException if the configuration names a Redis Cluster
     * @throws IllegalStateException if this module already has the application's resources or client
     */
    public RedisStoreModule withClient(RedisClient client) {
        Objects.requireNonNull(client, "client");
        if (config.cluster()) {
            throw new IllegalArgumentException("the configuration names a Redis Cluster: use withClusterClient");
        }
        return new RedisStoreModule(config, checkNoneHandedIn(new ClientSource.Given(client)));
    }

    /**
     * This module, on the application's {@code client} of a Redis Cluster. A cluster client connects to the seed
     * nodes it was created with, not to the configuration's URIs; give the configuration the same ones, as they
     * are what messages name. The store never shuts the client down nor changes its options; see the class
     * comment for the options it should carry, and create its {@link RedisURI}s with a timeout.
     *
     * @throws IllegalArgumentException if the configuration does not name a Redis Cluster
     * @throws IllegalStateException if this module already has the application's resources or client
     */
    public RedisStoreModule withClusterClient(RedisClusterClient client) {
        Objects.requireNonNull(client, "client");
        if (!config.cluster()) {
            throw new IllegalArgumentException("the configuration names no Redis Cluster: use withClient, or set "
                    + "cluster");
        }
        return new RedisStoreModule(config, checkNoneHandedIn(new ClientSource.Given(client)));
    }

    private ClientSource checkNoneHandedIn(ClientSource next) {
        if (!clients.equals(ClientSource.own())) {
            throw new IllegalStateException("a RedisStoreModule takes one of the application's ClientResources, "
                    + "RedisClient or RedisClusterClient");
        }
        return next;
    }

    @Override
    protected void configure() {
        install(new Internals(config, clients));
        MapBinder.newMapBinder(binder(), String.class, HealthCheck.class).addBinding("store")
                .to(Key.get(HealthCheck.class, StoreCheck.class));
    }

    /** The store's health check, as {@link Internals} exposes it to be put in the map of checks. */
    @BindingAnnotation
    @Retention(RetentionPolicy.RUNTIME)
    private @interface StoreCheck {
    }

    /** Keeps the client, connections and scripts private; exposes only the ports and the health check. */
    private static final class Internals extends PrivateModule {
        private final RedisStoreConfig config;
        private final ClientSource clients;

        Internals(RedisStoreConfig config, ClientSource clients) {
            this.config = config;
            this.clients = clients;
        }

        @Override
        protected void configure() {
            expose(DeviceStore.class);
            expose(Router.class);
            expose(Key.get(HealthCheck.class, StoreCheck.class));
        }

        @Provides
        @Singleton
        RedisConnection connection(@Push MeterRegistry meters) {
            return new RedisConnection(config, clients.meteredIn(meters));
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

        @Provides
        @Singleton
        @StoreCheck
        HealthCheck healthCheck(RedisConnection connection, @Push Scheduler scheduler) {
            return new RedisHealthCheck(connection, scheduler, System::nanoTime);
        }
    }
}
