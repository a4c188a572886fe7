package dev.simplepush.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import dev.simplepush.core.Push;
import dev.simplepush.store.memory.InMemoryStoreConfig;
import dev.simplepush.store.redis.RedisStoreConfig;
import dev.simplepush.transport.udp.IpRange;
import dev.simplepush.transport.udp.UdpWakeupConfig;
import dev.simplepush.transport.udp.WakeupMethod;
import dev.simplepush.transport.websocket.AdminConfig;
import dev.simplepush.transport.websocket.AdminTransport;
import dev.simplepush.transport.websocket.WebSocketConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    /** A server configured by {@code args} alone. */
    private static Main parse(String... args) {
        return parse(Map.of(), args);
    }

    /** A server configured by {@code args}, then the variables of {@code environment}. */
    private static Main parse(Map<String, String> environment, String... args) {
        Main main = new Main();
        Main.commandLine(main, environment).parseArgs(args);
        return main;
    }

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
        Main defaults = parse();
        assertThat(defaults.transportConfig().demoPage()).isTrue();
        assertThat(defaults.transportConfig().httpIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.transportConfig().shutdownGrace()).isEqualTo(Duration.ofSeconds(2));

        Main main = parse("--demo-page", "false", "--http-idle-timeout", "5s", "--port", "0",
                "--shutdown-grace", "500ms");
        assertThat(main.transportConfig().demoPage()).isFalse();
        assertThat(main.transportConfig().httpIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(main.transportConfig().shutdownGrace()).isEqualTo(Duration.ofMillis(500));
        assertThat(main.transportConfig().port()).isZero();

        assertThatThrownBy(() -> parse("--demo-page", "maybe"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void admissionAndIdleFlagsBecomeTheTransportConfiguration() {
        Main defaults = parse();
        assertThat(defaults.transportConfig().maxConnections()).isEmpty();
        assertThat(defaults.transportConfig().deviceIdleTimeout()).isEqualTo(Duration.ofMinutes(35));

        Main main = parse("--max-connections", "20", "--device-idle-timeout", "1m");
        assertThat(main.transportConfig().maxConnections()).hasValue(20);
        assertThat(main.transportConfig().deviceIdleTimeout()).isEqualTo(Duration.ofMinutes(1));

        Main tooShort = parse("--device-idle-timeout", "20s", "--min-ping-interval", "20s");
        assertThatThrownBy(tooShort::transportConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--device-idle-timeout").hasMessageContaining("--min-ping-interval");

        Main none = parse("--max-connections", "0");
        assertThatThrownBy(none::transportConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnections");
    }

    @Test
    void allowedOriginsAreACommaSeparatedListOfOrigins() {
        Main defaults = parse();
        assertThat(defaults.transportConfig().allowedOrigins()).isEmpty();

        Main main = parse("--allowed-origins", "https://app.example, http://localhost:3000");
        assertThat(main.transportConfig().allowedOrigins())
                .containsExactly("https://app.example", "http://localhost:3000");

        Main bad = parse("--allowed-origins", "https://app.example/path");
        assertThatThrownBy(bad::transportConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--allowed-origins");
    }

    @Test
    void redisFlagsBecomeTheStoreConfiguration() {
        Main main = parse("--store", "redis", "--redis-uri", "redis://:pw@10.0.0.1:6379",
                "--redis-prefix", "push:", "--node-id", "node-a", "--redis-receipt-timeout", "500ms");

        RedisStoreConfig config = main.redisConfig();

        assertThat(config.uris()).containsExactly(URI.create("redis://:pw@10.0.0.1:6379"));
        assertThat(config.cluster()).isFalse();
        assertThat(config.keyPrefix()).isEqualTo("push:");
        assertThat(config.nodeId()).isEqualTo("node-a");
        assertThat(config.receiptTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(main.modules(List.of())).hasSize(3);
    }

    @Test
    void deviceTtlDrivesBothStoresAndMaxDevicesTheMemoryStore() {
        Main defaults = parse();
        assertThat(defaults.memoryConfig()).isEqualTo(InMemoryStoreConfig.defaults());
        assertThat(defaults.memoryConfig().deviceTtl()).isEqualTo(Duration.ofDays(60));
        assertThat(defaults.redisConfig().deviceTtl()).isEqualTo(RedisStoreConfig.DEFAULT_DEVICE_TTL);

        Main main = parse("--device-ttl", "7d", "--max-devices", "5000");
        assertThat(main.memoryConfig().deviceTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(main.memoryConfig().maxDevices()).isEqualTo(5000);
        assertThat(main.redisConfig().deviceTtl()).isEqualTo(Duration.ofDays(7));

        Main zero = parse("--max-devices", "0");
        assertThatThrownBy(zero::memoryConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--max-devices");
        Main instant = parse("--device-ttl", "0s");
        assertThatThrownBy(instant::memoryConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--device-ttl");
        assertThatThrownBy(instant::redisConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--device-ttl");
    }

    @Test
    void severalRedisUrisNameACluster() {
        Main main = parse("--store", "redis", "--redis-uri", "redis://h1:7000,redis://h2:7001",
                "--redis-uri", "redis://h3:7002");

        RedisStoreConfig config = main.redisConfig();

        assertThat(config.uris()).hasSize(3);
        assertThat(config.cluster()).isTrue();
        assertThat(config.keyPrefix()).isEqualTo(RedisStoreConfig.DEFAULT_KEY_PREFIX);
        assertThat(config.nodeId()).isNotBlank();
    }

    @Test
    void aSentinelUriKeepsItsCommaSeparatedHosts() {
        Main main = parse("--store", "redis", "--redis-uri",
                "redis-sentinel://:pw@10.0.0.7:26379,10.0.0.8:26379/0#mymaster");

        RedisStoreConfig config = main.redisConfig();

        assertThat(config.uris())
                .containsExactly(URI.create("redis-sentinel://:pw@10.0.0.7:26379,10.0.0.8:26379/0#mymaster"));
        assertThat(config.cluster()).isFalse();
    }

    @Test
    void badRedisUriIsAFlagError() {
        Main main = parse("--store", "redis", "--redis-uri", "http://h:1");

        assertThatThrownBy(() -> main.modules(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--redis-uri");
    }

    @Test
    void wakeupModuleOnlyWithANetwork() {
        Main main = parse();
        assertThat(main.wakeupConfig()).isEmpty();
        assertThat(main.modules(List.of())).hasSize(3);
    }

    @Test
    void wakeupFlagsBecomeTheWakeupConfiguration() {
        Main main = parse(
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
        assertThat(main.modules(List.of())).hasSize(4);
    }

    @Test
    void wakeupDefaultsAndBadSpecs() {
        Main main = parse("--wakeup-network", "mcc=214,mnc=07");
        UdpWakeupConfig config = main.wakeupConfig().orElseThrow();
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxAttempts()).isEqualTo(5);

        Main bad = parse("--wakeup-network", "mcc=214");
        assertThatThrownBy(() -> bad.modules(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--wakeup-network");
    }

    @Test
    void everySettingOfTheBuildersHasAFlag() {
        Main main = parse("--max-body-bytes", "1024", "--io-threads", "3", "--cors-allowed-origin",
                "https://app.example");
        WebSocketConfig transport = main.transportConfig();
        assertThat(transport.maxBodyBytes()).isEqualTo(1024);
        assertThat(transport.ioThreads()).isEqualTo(3);
        assertThat(transport.corsAllowedOrigin()).isEqualTo("https://app.example");
        assertThat(parse().transportConfig()).isEqualTo(WebSocketConfig.defaults());

        Main redis = parse("--store", "redis", "--redis-uri", "redis://h1:7000", "--redis-cluster", "true",
                "--redis-presence-ttl", "10s", "--redis-command-timeout", "500ms");
        RedisStoreConfig config = redis.redisConfig();
        assertThat(config.cluster()).isTrue();
        assertThat(config.presenceTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.commandTimeout()).isEqualTo(Duration.ofMillis(500));
        RedisStoreConfig defaults = parse("--store", "redis").redisConfig();
        assertThat(defaults.toBuilder().nodeId("n").build())
                .isEqualTo(RedisStoreConfig.defaults().toBuilder().nodeId("n").build());

        assertThatThrownBy(() -> parse("--store", "redis", "--redis-presence-ttl", "500ms").redisConfig())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--redis-*")
                .hasMessageContaining("presenceTtl");
    }

    @Test
    void aRedisSettingWithTheMemoryStoreIsAnErrorNamingTheFlagAndWhereItCameFrom() {
        for (String[] flag : new String[][] {{"--redis-uri", "redis://10.0.0.5:6379"}, {"--redis-prefix", "p:"},
            {"--node-id", "a"}, {"--redis-receipt-timeout", "2s"}, {"--redis-cluster", "true"},
            {"--redis-presence-ttl", "10s"}, {"--redis-command-timeout", "1s"}}) {
            Main main = parse(flag);
            assertThatThrownBy(main::checkSettingsApply).as(flag[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(flag[0] + " is only read with --store redis (the store is memory)");
        }
        Main fromEnvironment = parse(Map.of("SIMPLEPUSH_REDIS_URI", "redis://10.0.0.5:6379"));
        assertThatThrownBy(fromEnvironment::checkSettingsApply).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SIMPLEPUSH_REDIS_URI (--redis-uri) is only read with --store redis");

        parse("--store", "redis", "--redis-uri", "redis://10.0.0.5:6379", "--node-id", "a").checkSettingsApply();
        parse().checkSettingsApply();
    }

    @Test
    void aMemorySettingWithRedisAndAWakeupSettingWithoutNetworkAreErrors() {
        assertThatThrownBy(parse("--store", "redis", "--max-devices", "10")::checkSettingsApply)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--max-devices is only read with --store memory (the store is redis)");
        for (String flag : List.of("--wakeup-idle-timeout", "--wakeup-retry")) {
            assertThatThrownBy(parse(flag, "5s")::checkSettingsApply).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(flag + " is only read with --wakeup-network (none is given)");
        }
        assertThatThrownBy(parse(Map.of("SIMPLEPUSH_WAKEUP_MAX_ATTEMPTS", "3"))::checkSettingsApply)
                .hasMessageStartingWith("SIMPLEPUSH_WAKEUP_MAX_ATTEMPTS (--wakeup-max-attempts)");

        parse("--max-devices", "10").checkSettingsApply();
        parse("--wakeup-network", "mcc=214,mnc=07", "--wakeup-retry", "5s").checkSettingsApply();
    }

    @Test
    void anUnknownLogLevelIsAnErrorListingTheValidOnes() {
        assertThat(parse().logLevel).isEqualTo(Logging.Level.INFO);
        assertThat(parse("--log-level", "debug").logLevel).isEqualTo(Logging.Level.DEBUG);
        assertThat(parse(Map.of("SIMPLEPUSH_LOG_LEVEL", "warn")).logLevel).isEqualTo(Logging.Level.WARN);
        assertThat(parse().logFormat).isEqualTo(Logging.Format.TEXT);
        assertThat(parse(Map.of("SIMPLEPUSH_LOG_FORMAT", "JSON")).logFormat).isEqualTo(Logging.Format.JSON);

        assertThatThrownBy(() -> parse(Map.of("SIMPLEPUSH_LOG_LEVEL", "bogus")))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("bogus")
                .hasMessageContaining("TRACE, DEBUG, INFO, WARN, ERROR, OFF");
        assertThatThrownBy(() -> parse("--log-format", "xml")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("TEXT, JSON");
    }

    @Test
    void aFlagWinsOverItsVariableWhichWinsOverTheFileWhichWinsOverTheDefault(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("simplepush.properties"),
                "# settings\nport = 1111\nhello-timeout = 7s\nmax-channels=12\n");
        Map<String, String> environment = Map.of("SIMPLEPUSH_PORT", "2222", "SIMPLEPUSH_HELLO_TIMEOUT", "8s");

        Main all = parse(environment, "--config", file.toString(), "--port", "3333");
        assertThat(all.port).as("flag").isEqualTo(3333);
        assertThat(all.helloTimeout).as("variable over file").isEqualTo(Duration.ofSeconds(8));
        assertThat(all.maxChannels).as("file over default").isEqualTo(12);
        assertThat(all.minPingInterval).as("default").isEqualTo(Duration.ofSeconds(20));

        assertThat(parse(environment, "--config", file.toString()).port).isEqualTo(2222);
        assertThat(parse("--config", file.toString()).port).isEqualTo(1111);
        assertThat(parse(Map.of("SIMPLEPUSH_CONFIG", file.toString())).port).as("file named by its variable")
                .isEqualTo(1111);
        assertThat(parse().port).isEqualTo(8080);
    }

    @Test
    void aFileSettingIsTakenLiterallyAndNamedInErrors(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("redis.properties"),
                "redis-uri = redis://10.0.0.5:6379\ncors-allowed-origin = ${env:HOME}\n");

        Main onRedis = parse("--config", file.toString(), "--store", "redis");
        assertThat(onRedis.redisConfig().uris()).containsExactly(URI.create("redis://10.0.0.5:6379"));
        assertThat(onRedis.transportConfig().corsAllowedOrigin()).as("not expanded").isEqualTo("${env:HOME}");

        Main onMemory = parse("--config", file.toString());
        assertThatThrownBy(onMemory::checkSettingsApply).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("redis-uri in " + file + " (--redis-uri) is only read with --store redis");
    }

    @Test
    void anUnknownKeyOrAnUnreadableFileIsAnError(@TempDir Path dir) throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.properties"), "port = 1\nredis-url = redis://h:1\n");
        assertThatThrownBy(() -> parse("--config", typo.toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("unknown setting 'redis-url' in " + typo).hasMessageContaining("redis-uri");

        Path flagLike = Files.writeString(dir.resolve("dashes.properties"), "--port = 1\n");
        assertThatThrownBy(() -> parse("--config", flagLike.toString()))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("unknown setting '--port'");

        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> parse("--config", missing.toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("cannot read the configuration file " + missing);
    }

    @Test
    void explicitTokenKeysWinOverTheRingInRedis() {
        String key = dev.simplepush.core.EndpointTokens.randomKey();
        List<RedisStoreConfig> asked = new java.util.ArrayList<>();
        java.util.function.Function<RedisStoreConfig, List<String>> redis = config -> {
            asked.add(config);
            return List.of(key);
        };

        Main onRedis = parse("--store", "redis", "--node-id", "a");
        assertThat(onRedis.endpointKeys(redis)).containsExactly(key);
        assertThat(asked).containsExactly(onRedis.redisConfig());

        String given = dev.simplepush.core.EndpointTokens.randomKey();
        assertThat(parse("--store", "redis", "--token-keys", given).endpointKeys(redis)).containsExactly(given);
        assertThat(parse(Map.of("SIMPLEPUSH_TOKEN_KEYS", given)).endpointKeys(redis)).containsExactly(given);
        assertThat(parse().endpointKeys(redis)).as("memory: the core draws a random key").isEmpty();
        assertThat(asked).hasSize(1);

        assertThatThrownBy(() -> parse(Map.of("SIMPLEPUSH_TOKEN_KEYS", "c2hvcnQ=")).endpointKeys(redis))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SIMPLEPUSH_TOKEN_KEYS (--token-keys): token key #1")
                .hasMessageNotContaining("c2hvcnQ=");
    }

    @Test
    void adminFlagsBecomeTheAdminConfigurationAndNeedAnAdminPort() {
        assertThat(parse().adminConfig()).isEmpty();
        assertThat(parse("--admin-port", "0").adminConfig()).contains(AdminConfig.builder().port(0).build());
        assertThat(parse(Map.of("SIMPLEPUSH_ADMIN_TOKEN", "0123456789abcdef"), "--admin-port", "9191",
                "--admin-host", "::1").adminConfig()).contains(AdminConfig.builder().port(9191).host("::1")
                .token("0123456789abcdef").build());

        for (String flag : List.of("--admin-host", "--admin-token")) {
            assertThatThrownBy(parse(flag, "0123456789abcdef")::checkSettingsApply)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(flag + " is only read with --admin-port (none is given)");
        }
        assertThatThrownBy(parse(Map.of("SIMPLEPUSH_ADMIN_TOKEN", "0123456789abcdef"))::checkSettingsApply)
                .hasMessageStartingWith("SIMPLEPUSH_ADMIN_TOKEN (--admin-token) is only read with --admin-port")
                .hasMessageNotContaining("0123456789abcdef");
        parse("--admin-port", "0", "--admin-token", "0123456789abcdef").checkSettingsApply();

        assertThatThrownBy(() -> parse("--admin-port", "70000").adminConfig())
                .hasMessageStartingWith("--admin-port: port must be in 0..65535");
        assertThatThrownBy(() -> parse(Map.of("SIMPLEPUSH_ADMIN_TOKEN", "short-secret"), "--admin-port", "0")
                .adminConfig()).hasMessageStartingWith("SIMPLEPUSH_ADMIN_TOKEN (--admin-token): token must have")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void anAdminPortMakesThePrometheusRegistryTheCoresAndAddsTheAdminListener() {
        Injector injector = Guice.createInjector(parse("--admin-port", "0").modules(List.of()));

        MeterRegistry core = injector.getInstance(Key.get(MeterRegistry.class, Push.class));
        assertThat(core).isInstanceOf(PrometheusMeterRegistry.class);
        assertThat(injector.getInstance(AdminTransport.class)).isNotNull();
        assertThat(Guice.createInjector(parse().modules(List.of()))
                .getInstance(Key.get(MeterRegistry.class, Push.class))).isNotInstanceOf(PrometheusMeterRegistry.class);
    }

    @Test
    void everyFlagHasItsVariableInTheHelpAndInTheReadmeTable() throws Exception {
        CommandLine cli = Main.commandLine(new Main(), Map.of());
        String help = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
        String readme = Files.readString(Path.of("..", "README.md"));
        for (CommandLine.Model.OptionSpec option : cli.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String flag = option.longestName();
            String variable = SettingSources.variableOf(option);
            assertThat(help).as(flag).contains(flag).contains("[" + variable + "]");
            assertThat(readme).as("README row of " + flag).contains("| `" + flag + "` | `" + variable + "` |");
        }
    }
}
