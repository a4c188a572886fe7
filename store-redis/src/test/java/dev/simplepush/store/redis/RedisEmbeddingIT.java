package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

/**
 * An application that runs Lettuce itself hands the store its own resources or client: full nodes work through
 * them, and once the nodes have stopped the application's resources and client still work (whoever creates a
 * resource closes it).
 */
class RedisEmbeddingIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @RegisterExtension
    static final LocalRedisCluster CLUSTER = new LocalRedisCluster();

    @Test
    void nodesWorkOnTheApplicationsClientResourcesAndLeaveThemRunning() {
        ClientResources resources = ClientResources.create();
        AtomicInteger activated = new AtomicInteger();
        Disposable events = resources.eventBus().get().ofType(ConnectionActivatedEvent.class)
                .subscribe(event -> activated.incrementAndGet());
        try {
            RedisStoreConfig shared = REDIS.config().build();
            RedisStoreConfig a = shared.toBuilder().nodeId("node-a").build();
            try (Node nodeA = Node.startWith(a, new RedisStoreModule(a).withClientResources(resources));
                    Node nodeB = Node.start(shared.toBuilder().nodeId("node-b").build())) {
                // The store's command and pub/sub connections run on the application's resources.
                assertThat(CrossNodeRouting.eventually(() -> activated.get() >= 2)).isTrue();
                updateCrossesNodes(nodeA, nodeB);
            }

            assertThat(resources.eventExecutorGroup().isShuttingDown()).isFalse();
            RedisClient later = RedisClient.create(resources, REDIS.uri());
            try (StatefulRedisConnection<String, String> connection = later.connect()) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");
            } finally {
                later.shutdown();
            }
        } finally {
            events.dispose();
            resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Test
    void nodesWorkOnTheApplicationsClientAndLeaveItAndItsConnectionsOpen() {
        RedisClient client = RedisClient.create();
        AtomicInteger connected = new AtomicInteger();
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                connected.incrementAndGet();
            }
        });
        try (StatefulRedisConnection<String, String> own = client.connect(RedisURI.create(REDIS.uri()))) {
            RedisStoreConfig shared = REDIS.config().build();
            RedisStoreConfig a = shared.toBuilder().nodeId("node-a").build();
            try (Node nodeA = Node.startWith(a, new RedisStoreModule(a).withClient(client));
                    Node nodeB = Node.start(shared.toBuilder().nodeId("node-b").build())) {
                // The application's own connection, and the store's command and pub/sub connections.
                assertThat(CrossNodeRouting.eventually(() -> connected.get() >= 3)).isTrue();
                updateCrossesNodes(nodeA, nodeB);
            }

            // The store closed only what it opened.
            assertThat(own.isOpen()).isTrue();
            assertThat(own.sync().ping()).isEqualTo("PONG");
            try (StatefulRedisConnection<String, String> later = client.connect(RedisURI.create(REDIS.uri()))) {
                assertThat(later.sync().ping()).isEqualTo("PONG");
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void nodesWorkOnTheApplicationsClusterClientAndLeaveItOpen() {
        RedisStoreConfig shared = CLUSTER.config().build();
        RedisClusterClient client = RedisClusterClient.create(
                shared.uris().stream().map(URI::toString).map(RedisURI::create).toList());
        try {
            RedisStoreConfig a = shared.toBuilder().nodeId("node-a").build();
            RedisStoreConfig b = shared.toBuilder().nodeId("node-b").build();
            try (Node nodeA = Node.startWith(a, new RedisStoreModule(a).withClusterClient(client));
                    Node nodeB = Node.startWith(b, new RedisStoreModule(b).withClusterClient(client))) {
                updateCrossesNodes(nodeA, nodeB);
            }

            try (StatefulRedisClusterConnection<String, String> later = client.connect()) {
                String key = shared.keyPrefix() + "still-usable";
                assertThat(later.sync().set(key, "yes")).isEqualTo("OK");
                assertThat(later.sync().get(key)).isEqualTo("yes");
                later.sync().del(key);
            }
        } finally {
            client.shutdown();
        }
    }

    /** A device on {@code holder} gets an update PUT to {@code other}: store, presence and pub/sub all work. */
    private static void updateCrossesNodes(Node holder, Node other) {
        try (Device device = Device.connect(holder.webSocket())) {
            device.hello();
            Device.Registration channel = device.register();

            assertThat(other.put(channel.endpoint(), "version=3").statusCode()).isEqualTo(200);

            device.awaitUpdate(channel.channel(), 3);
            assertThat(holder.put(channel.endpoint(), "version=4").statusCode()).isEqualTo(200);
            device.awaitUpdate(channel.channel(), 4);
        }
    }
}
