package dev.simplepush.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.store.redis.RedisStoreConfig;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    @Test
    void splitsCommaSeparatedTokenKeys() {
        assertThat(Main.splitKeys(" a, b ,,c ")).containsExactly("a", "b", "c");
        assertThat(Main.splitKeys("")).isEmpty();
        assertThat(Main.splitKeys(null)).isEmpty();
    }

    @Test
    void publicUrlMustBeAnAbsoluteHttpUrl() {
        assertThat(Main.parsePublicUrl("https://push.example.com")).contains(URI.create("https://push.example.com"));
        assertThat(Main.parsePublicUrl(null)).isEqualTo(Optional.empty());
        for (String bad : List.of("push.example.com", "ftp://push.example.com", "http://", "::")) {
            assertThatThrownBy(() -> Main.parsePublicUrl(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--public-url");
        }
    }

    @Test
    void redisFlagsBecomeTheStoreConfiguration() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--store", "redis", "--redis-uri", "redis://:pw@10.0.0.1:6379",
                "--redis-prefix", "push:", "--node-id", "node-a");

        RedisStoreConfig config = main.redisConfig();

        assertThat(config.uris()).containsExactly(URI.create("redis://:pw@10.0.0.1:6379"));
        assertThat(config.cluster()).isFalse();
        assertThat(config.keyPrefix()).isEqualTo("push:");
        assertThat(config.nodeId()).isEqualTo("node-a");
        assertThat(main.modules()).hasSize(3);
    }

    @Test
    void severalRedisUrisNameACluster() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--store", "redis", "--redis-uri", "redis://h1:7000,redis://h2:7001",
                "--redis-uri", "redis://h3:7002");

        RedisStoreConfig config = main.redisConfig();

        assertThat(config.uris()).hasSize(3);
        assertThat(config.cluster()).isTrue();
        assertThat(config.keyPrefix()).isEqualTo(RedisStoreConfig.DEFAULT_KEY_PREFIX);
        assertThat(config.nodeId()).isNotBlank();
    }

    @Test
    void badRedisUriIsAFlagError() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--store", "redis", "--redis-uri", "http://h:1");

        assertThatThrownBy(main::modules).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--redis-uri");
    }
}
