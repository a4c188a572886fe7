package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisStoreConfigTest {

    @Test
    void defaultsAreAStandaloneLocalRedis() {
        RedisStoreConfig config = RedisStoreConfig.defaults();

        assertThat(config.uris()).containsExactly(RedisStoreConfig.DEFAULT_URI);
        assertThat(config.cluster()).isFalse();
        assertThat(config.keyPrefix()).isEqualTo("sp:");
        assertThat(config.deviceTtl()).isEqualTo(Duration.ofDays(60));
        assertThat(config.presenceTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.receiptTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.nodeId()).matches("[0-9a-f]{16}");
    }

    @Test
    void eachDefaultConfigurationGetsItsOwnNodeId() {
        assertThat(RedisStoreConfig.defaults().nodeId()).isNotEqualTo(RedisStoreConfig.defaults().nodeId());
    }

    @Test
    void severalUrisMeanACluster() {
        RedisStoreConfig config = RedisStoreConfig.builder()
                .uris(List.of(URI.create("redis://127.0.0.1:7000"), URI.create("redis://127.0.0.1:7001")))
                .build();

        assertThat(config.cluster()).isTrue();
        assertThat(config.toBuilder().cluster(false).uri("redis://h:1").build().cluster()).isFalse();
        assertThatThrownBy(() -> config.toBuilder().cluster(false).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringRedactsPasswords() {
        RedisStoreConfig config = RedisStoreConfig.builder()
                .uris(List.of(URI.create("redis://alice:s3cret@10.0.0.1:6379"),
                        URI.create("rediss://t0ken@h:6380")))
                .build();

        assertThat(config.toString())
                .doesNotContain("s3cret").doesNotContain("t0ken")
                .contains("redis://alice:***@10.0.0.1:6379").contains("rediss://***@h:6380");
    }

    @Test
    void sentinelUriWithSeveralHostsNamesOneStandaloneMaster() {
        RedisStoreConfig config = RedisStoreConfig.builder()
                .uri("redis-sentinel://:s3cret@10.0.0.7:26379,10.0.0.8:26380/2#mymaster")
                .commandTimeout(Duration.ofMillis(700))
                .build();

        assertThat(config.cluster()).isFalse();
        io.lettuce.core.RedisURI lettuce = config.redisUris().get(0);
        assertThat(lettuce.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(lettuce.getDatabase()).isEqualTo(2);
        assertThat(lettuce.getSentinels()).extracting(sentinel -> sentinel.getHost() + ":" + sentinel.getPort())
                .containsExactly("10.0.0.7:26379", "10.0.0.8:26380");
        // Asking the Sentinels is bounded by the command timeout too, not by Lettuce's default of 60 s.
        assertThat(lettuce.getTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(lettuce.getSentinels()).allSatisfy(
                sentinel -> assertThat(sentinel.getTimeout()).isEqualTo(Duration.ofMillis(700)));
        assertThat(RedisStoreConfig.builder().uri("rediss-sentinel://h:26379#m").build().redisUris().get(0).isSsl())
                .isTrue();
    }

    @Test
    void sentinelPasswordsAreRedactedThoughUriFindsNoUserInfoInSeveralHosts() {
        URI severalHosts = URI.create("redis-sentinel://:s3cret@h1:26379,h2:26379/0#mymaster");
        // Several hosts are no server authority to java.net.URI: no host, no user info, only a raw authority.
        assertThat(severalHosts.getHost()).isNull();
        assertThat(severalHosts.getUserInfo()).isNull();
        assertThat(severalHosts.getRawAuthority()).isEqualTo(":s3cret@h1:26379,h2:26379");

        RedisStoreConfig config = RedisStoreConfig.builder().uris(List.of(severalHosts)).build();
        assertThat(config.toString()).doesNotContain("s3cret")
                .contains("redis-sentinel://:***@h1:26379,h2:26379/0#mymaster");
        assertThat(RedisStoreConfig.redacted(URI.create("rediss-sentinel://bob:p%40ss@h1,h2:1#m")))
                .isEqualTo("rediss-sentinel://bob:***@h1,h2:1#m");
        assertThat(RedisStoreConfig.redacted(URI.create("redis-sentinel://t0ken@h1:1,h2:2#m")))
                .isEqualTo("redis-sentinel://***@h1:1,h2:2#m");
        assertThat(RedisStoreConfig.redacted(URI.create("redis-sentinel://:a@b@h1:1,h2:2#m")))
                .isEqualTo("redis-sentinel://:***@h1:1,h2:2#m");
    }

    @Test
    void sentinelUriStandsAloneAndNamesItsMaster() {
        RedisStoreConfig.Builder builder = RedisStoreConfig.builder();
        URI sentinel = URI.create("redis-sentinel://:s3cret@h1:26379,h2:26379#mymaster");

        assertThatThrownBy(() -> builder.uris(List.of(sentinel, URI.create("redis://h3:6379"))).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.uris(List.of(sentinel)).cluster(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisStoreConfig.builder().uri("redis-sentinel://:s3cret@h1:26379,h2:26379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret")
                .hasMessageContaining(":***@h1:26379,h2:26379");
        assertThatThrownBy(() -> RedisStoreConfig.builder().uri("redis-sentinel://:s3cret@#mymaster"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisStoreConfig.builder().uri("redis-sentinel://:s3cret@h1:99999#mymaster"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
    }

    @Test
    void invalidUrisAreRejectedWithoutTheirPassword() {
        assertThatThrownBy(() -> RedisStoreConfig.builder().uri("http://alice:s3cret@h:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisStoreConfig.builder().uri("redis://:s3cret@h1:1,h2:2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        RedisStoreConfig config = RedisStoreConfig.builder().uri("redis://h:1").keyPrefix("p:")
                .deviceTtl(Duration.ofHours(1)).presenceTtl(Duration.ofSeconds(5)).nodeId("node-1")
                .commandTimeout(Duration.ofMillis(300)).build();

        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void invalidValuesAreRejected() {
        assertThatThrownBy(() -> RedisStoreConfig.builder().uri("http://h:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStoreConfig.builder().uris(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStoreConfig.builder().keyPrefix("a{b}").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStoreConfig.builder().nodeId("a/b").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStoreConfig.builder().presenceTtl(Duration.ofMillis(10)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStoreConfig.builder().deviceTtl(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStoreConfig.builder().commandTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStoreConfig.builder().receiptTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
