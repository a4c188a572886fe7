package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.EndpointTokens;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nodes given no endpoint keys of their own share one key ring through Redis (P4.5 across nodes, P7). */
class SharedEndpointKeysIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @Test
    void anEndpointMintedByOneNodeIsAcceptedByAnotherWhenBothTakeTheirKeysFromRedis() {
        RedisStoreConfig shared = REDIS.config().build();
        RedisStoreConfig a = shared.toBuilder().nodeId("node-a").build();
        RedisStoreConfig b = shared.toBuilder().nodeId("node-b").build();
        try (Node nodeA = Node.startWithTokenKeys(a, RedisEndpointKeys.loadOrCreate(a));
                Node nodeB = Node.startWithTokenKeys(b, RedisEndpointKeys.loadOrCreate(b));
                Device onA = Device.connect(nodeA.webSocket());
                Device onB = Device.connect(nodeB.webSocket())) {
            onA.hello();
            Device.Registration fromA = onA.register();
            onB.hello();
            Device.Registration fromB = onB.register();

            // Not 404: each node decodes the other's endpoints. 200: delivered across nodes.
            assertThat(nodeB.put(fromA.endpoint(), "version=1").statusCode()).isEqualTo(200);
            onA.awaitUpdate(fromA.channel(), 1);
            assertThat(nodeA.put(fromB.endpoint(), "version=2").statusCode()).isEqualTo(200);
            onB.awaitUpdate(fromB.channel(), 2);
        }
    }

    @Test
    void nodesStartingTogetherAgreeOnOneFreshKey() throws Exception {
        RedisStoreConfig shared = REDIS.config().build();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<List<String>>> rings = IntStream.range(0, 6)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> RedisEndpointKeys.loadOrCreate(shared), pool))
                    .toList();
            List<String> first = rings.get(0).get();
            assertThat(first).hasSize(1);
            for (CompletableFuture<List<String>> ring : rings) {
                assertThat(ring.get()).isEqualTo(first);
            }
            assertThat(RedisEndpointKeys.loadOrCreate(shared)).as("read again later").isEqualTo(first);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRingAnOperatorWroteIsReadAsItIsFirstKeyFirst() {
        RedisStoreConfig config = REDIS.config().build();
        String newer = EndpointTokens.randomKey();
        String older = EndpointTokens.randomKey();
        int port = config.uris().get(0).getPort();
        String key = new Keys(config.keyPrefix()).endpointKeys();
        assertThat(RedisProcess.command(port, "SET " + key + " " + newer + "," + older)).startsWith("+OK");

        assertThat(RedisEndpointKeys.loadOrCreate(config)).containsExactly(newer, older);
    }

    @Test
    void aRingThatIsNotKeysIsAnErrorThatNamesWhereItIsButNotWhatItHolds() {
        RedisStoreConfig config = REDIS.config().build();
        int port = config.uris().get(0).getPort();
        String key = new Keys(config.keyPrefix()).endpointKeys();
        assertThat(RedisProcess.command(port, "SET " + key + " c2VjcmV0LXNob3J0")).startsWith("+OK");

        assertThatThrownBy(() -> RedisEndpointKeys.loadOrCreate(config)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(key).hasMessageContaining("key #1").hasMessageNotContaining("c2VjcmV0LXNob3J0");
    }
}
