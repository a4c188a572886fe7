package dev.simplepush.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.store.memory.InMemoryStoreConfig;
import dev.simplepush.store.redis.RedisStoreConfig;
import dev.simplepush.transport.udp.IpRange;
import dev.simplepush.transport.udp.UdpWakeupConfig;
import dev.simplepush.transport.udp.WakeupMethod;
import java.net.URI;
import java.time.Duration;
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
    void transportFlagsBecomeTheTransportConfiguration() {
        Main defaults = new Main();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.transportConfig().demoPage()).isTrue();
        assertThat(defaults.transportConfig().httpIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.transportConfig().shutdownGrace()).isEqualTo(Duration.ofSeconds(2));

        Main main = new Main();
        new CommandLine(main).parseArgs("--demo-page", "false", "--http-idle-timeout", "5s", "--port", "0",
                "--shutdown-grace", "500ms");
        assertThat(main.transportConfig().demoPage()).isFalse();
        assertThat(main.transportConfig().httpIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(main.transportConfig().shutdownGrace()).isEqualTo(Duration.ofMillis(500));
        assertThat(main.transportConfig().port()).isZero();

        assertThatThrownBy(() -> new CommandLine(new Main()).parseArgs("--demo-page", "maybe"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void admissionAndIdleFlagsBecomeTheTransportConfiguration() {
        Main defaults = new Main();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.transportConfig().maxConnections()).isEmpty();
        assertThat(defaults.transportConfig().deviceIdleTimeout()).isEqualTo(Duration.ofMinutes(35));

        Main main = new Main();
        new CommandLine(main).parseArgs("--max-connections", "20", "--device-idle-timeout", "1m");
        assertThat(main.transportConfig().maxConnections()).hasValue(20);
        assertThat(main.transportConfig().deviceIdleTimeout()).isEqualTo(Duration.ofMinutes(1));

        Main tooShort = new Main();
        new CommandLine(tooShort).parseArgs("--device-idle-timeout", "20s", "--min-ping-interval", "20s");
        assertThatThrownBy(tooShort::transportConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--device-idle-timeout").hasMessageContaining("--min-ping-interval");

        Main none = new Main();
        new CommandLine(none).parseArgs("--max-connections", "0");
        assertThatThrownBy(none::transportConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnections");
    }

    @Test
    void allowedOriginsAreACommaSeparatedListOfOrigins() {
        Main defaults = new Main();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.transportConfig().allowedOrigins()).isEmpty();

        Main main = new Main();
        new CommandLine(main).parseArgs("--allowed-origins", "https://app.example, http://localhost:3000");
        assertThat(main.transportConfig().allowedOrigins())
                .containsExactly("https://app.example", "http://localhost:3000");

        Main bad = new Main();
        new CommandLine(bad).parseArgs("--allowed-origins", "https://app.example/path");
        assertThatThrownBy(bad::transportConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--allowed-origins");
    }

    @Test
    void redisFlagsBecomeTheStoreConfiguration() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--store", "redis", "--redis-uri", "redis://:pw@10.0.0.1:6379",
                "--redis-prefix", "push:", "--node-id", "node-a", "--redis-receipt-timeout", "500ms");

        RedisStoreConfig config = main.redisConfig();

        assertThat(config.uris()).containsExactly(URI.create("redis://:pw@10.0.0.1:6379"));
        assertThat(config.cluster()).isFalse();
        assertThat(config.keyPrefix()).isEqualTo("push:");
        assertThat(config.nodeId()).isEqualTo("node-a");
        assertThat(config.receiptTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(main.modules()).hasSize(3);
    }

    @Test
    void deviceTtlDrivesBothStoresAndMaxDevicesTheMemoryStore() {
        Main defaults = new Main();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.memoryConfig()).isEqualTo(InMemoryStoreConfig.defaults());
        assertThat(defaults.memoryConfig().deviceTtl()).isEqualTo(Duration.ofDays(60));
        assertThat(defaults.redisConfig().deviceTtl()).isEqualTo(RedisStoreConfig.DEFAULT_DEVICE_TTL);

        Main main = new Main();
        new CommandLine(main).parseArgs("--device-ttl", "7d", "--max-devices", "5000");
        assertThat(main.memoryConfig().deviceTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(main.memoryConfig().maxDevices()).isEqualTo(5000);
        assertThat(main.redisConfig().deviceTtl()).isEqualTo(Duration.ofDays(7));

        Main zero = new Main();
        new CommandLine(zero).parseArgs("--max-devices", "0");
        assertThatThrownBy(zero::memoryConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--max-devices");
        Main instant = new Main();
        new CommandLine(instant).parseArgs("--device-ttl", "0s");
        assertThatThrownBy(instant::memoryConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--device-ttl");
        assertThatThrownBy(instant::redisConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--device-ttl");
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
    void aSentinelUriKeepsItsCommaSeparatedHosts() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--store", "redis", "--redis-uri",
                "redis-sentinel://:pw@10.0.0.7:26379,10.0.0.8:26379/0#mymaster");

        RedisStoreConfig config = main.redisConfig();

        assertThat(config.uris())
                .containsExactly(URI.create("redis-sentinel://:pw@10.0.0.7:26379,10.0.0.8:26379/0#mymaster"));
        assertThat(config.cluster()).isFalse();
    }

    @Test
    void badRedisUriIsAFlagError() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--store", "redis", "--redis-uri", "http://h:1");

        assertThatThrownBy(main::modules).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--redis-uri");
    }

    @Test
    void wakeupModuleOnlyWithANetwork() {
        Main main = new Main();
        new CommandLine(main).parseArgs();
        assertThat(main.wakeupConfig()).isEmpty();
        assertThat(main.modules()).hasSize(3);
    }

    @Test
    void wakeupFlagsBecomeTheWakeupConfiguration() {
        Main main = new Main();
        new CommandLine(main).parseArgs(
                "--wakeup-network", "mcc=214,mnc=07,ranges=10.0.0.0/8;127.0.0.0/8,method=udp",
                "--wakeup-network", "netid=lab,method=https://wakeup.example/wakeup,client-cert=/c.p12,"
                        + "client-cert-password=pw,trust-store=/t.p12",
                "--wakeup-idle-timeout", "500ms", "--wakeup-retry", "2s", "--wakeup-max-attempts", "3");

        UdpWakeupConfig config = main.wakeupConfig().orElseThrow();

        assertThat(config.networks()).hasSize(2);
        assertThat(config.networks().get(0).ranges())
                .containsExactly(IpRange.parse("10.0.0.0/8"), IpRange.parse("127.0.0.0/8"));
        assertThat(config.networks().get(1).method()).isInstanceOf(WakeupMethod.Https.class);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.retryInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(main.modules()).hasSize(4);
    }

    @Test
    void wakeupDefaultsAndBadSpecs() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--wakeup-network", "mcc=214,mnc=07");
        UdpWakeupConfig config = main.wakeupConfig().orElseThrow();
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxAttempts()).isEqualTo(5);

        Main bad = new Main();
        new CommandLine(bad).parseArgs("--wakeup-network", "mcc=214");
        assertThatThrownBy(bad::modules).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--wakeup-network");
    }
}
