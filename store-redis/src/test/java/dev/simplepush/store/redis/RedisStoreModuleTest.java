package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedding options of {@link RedisStoreModule}; no Redis is contacted. */
class RedisStoreModuleTest {

    private static final RedisStoreConfig STANDALONE = RedisStoreConfig.defaults();
    private static final RedisStoreConfig CLUSTER = RedisStoreConfig.builder().uri("redis://127.0.0.1:7000")
            .cluster(true).build();

    private static ClientResources resources;
    private static RedisClient client;
    private static RedisClusterClient clusterClient;

    @BeforeAll
    static void createClients() {
        resources = ClientResources.create();
        client = RedisClient.create(resources);
        clusterClient = RedisClusterClient.create(resources, RedisURI.create("redis://127.0.0.1:7000"));
    }

    @AfterAll
    static void shutDownClients() {
        client.shutdown();
        clusterClient.shutdown();
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Test
    void aStandaloneClientServesOnlyAStandaloneOrSentinelConfiguration() {
        RedisStoreConfig sentinel = RedisStoreConfig.builder().uri("redis-sentinel://h1:26379,h2:26379#m").build();

        assertThat(new RedisStoreModule(STANDALONE).withClient(client)).isNotNull();
        assertThat(new RedisStoreModule(sentinel).withClient(client)).isNotNull();
        assertThatThrownBy(() -> new RedisStoreModule(CLUSTER).withClient(client))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withClusterClient");
    }

    @Test
    void aClusterClientServesOnlyAClusterConfiguration() {
        assertThat(new RedisStoreModule(CLUSTER).withClusterClient(clusterClient)).isNotNull();
        assertThatThrownBy(() -> new RedisStoreModule(STANDALONE).withClusterClient(clusterClient))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withClient");
    }

    @Test
    void aModuleTakesOneOfResourcesOrClientsAndWithLeavesItAsItWas() {
        RedisStoreModule plain = new RedisStoreModule(STANDALONE);
        RedisStoreModule onResources = plain.withClientResources(resources);

        assertThat(onResources).isNotSameAs(plain);
        assertThatThrownBy(() -> onResources.withClient(client)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> plain.withClient(client).withClientResources(resources))
                .isInstanceOf(IllegalStateException.class);
        // The first module never took the resources, so it can still take a client.
        assertThat(plain.withClient(client)).isNotNull();
    }
}
