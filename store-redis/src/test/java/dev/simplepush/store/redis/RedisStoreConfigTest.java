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
                .uris(List.of(URI.create("redis://alice:s3cret@10.0.0.1:6379"), URI.create("rediss://t0ken@h:6380")))
                .build();

        assertThat(config.toString())
                .doesNotContain("s3cret").doesNotContain("t0ken")
                .contains("redis://alice:***@10.0.0.1:6379").contains("rediss://***@h:6380");
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
    }
}
