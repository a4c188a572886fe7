package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushCoreModule;
import dev.simplepush.transport.websocket.AdminConfig;
import dev.simplepush.transport.websocket.AdminModule;
import dev.simplepush.transport.websocket.AdminTransport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Readiness follows Redis: a Redis frozen with SIGSTOP (connections open, nothing answered) makes the node not ready,
 * on the admin listener and on the public {@code /health}, with the store named as the component down; liveness
 * stays up; once Redis thaws the node is ready again by itself.
 */
class RedisHealthIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.ownProcess();

    private RedisStoreConfig config;
    private Node node;

    @BeforeEach
    void startNode() {
        config = REDIS.config().commandTimeout(Duration.ofSeconds(2)).nodeId("node-a").build();
        node = Node.start(config,
                PushCoreModule.meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
                new AdminModule(AdminConfig.builder().port(0).build()));
    }

    @AfterEach
    void stopNode() {
        REDIS.process().resume();
        node.close();
    }

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + node.instance(AdminTransport.class).localAddress().getPort() + path);
    }

    private URI publicHealth() {
        return node.here(URI.create("/health"));
    }

    @Test
    void aFloodOfReadinessRequestsSendsAtMostAboutOnePingASecond() {
        int port = config.uris().get(0).getPort();
        long before = pings(port);
        long started = System.nanoTime();

        List<CompletableFuture<Integer>> flood = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            flood.add(CompletableFuture.supplyAsync(() -> node.get(admin("/health/ready")).statusCode()));
        }
        flood.forEach(answer -> assertThat(answer.join()).isEqualTo(200));

        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertThat(pings(port) - before).as("PINGs for 200 requests in %d s", seconds).isBetween(1L, seconds + 2);
    }

    /** How many PINGs Redis has answered since it started. */
    private static long pings(int port) {
        Matcher calls = Pattern.compile("cmdstat_ping:calls=(\\d+)").matcher(
                RedisProcess.command(port, "INFO commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    @Test
    void aFrozenRedisMakesTheNodeNotReadyUntilItThaws() {
        HttpResponse<String> before = node.get(admin("/health/ready"));
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
        assertThat(before.body()).contains("\"store\":{\"status\":\"UP\",\"detail\":\"PING answered in ");

        REDIS.process().pause();
        try {
            // The last answer is kept for a second: readiness turns within about that.
            assertThat(CrossNodeRouting.eventually(() -> node.get(admin("/health/ready")).statusCode() == 503))
                    .isTrue();
            long started = System.nanoTime();
            HttpResponse<String> frozen = node.get(admin("/health/ready"));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(frozen.statusCode()).isEqualTo(503);
            assertThat(frozen.body()).contains("\"status\":\"DOWN\"")
                    .containsPattern("\"store\":\\{\"status\":\"DOWN\",\"detail\":\"[^\"]*(?i:ping)[^\"]*\"}")
                    .contains("\"server\":{\"status\":\"UP\"");
            assertThat(tookMillis).as("readiness never waits for Redis longer than the check timeout")
                    .isLessThan(1_000);
            HttpResponse<String> publicAnswer = node.get(publicHealth());
            assertThat(publicAnswer.statusCode()).isEqualTo(503);
            assertThat(publicAnswer.body()).contains("\"store\":{\"status\":\"DOWN\"}");
            assertThat(node.get(admin("/health/live")).statusCode()).as("alive: no restart for a Redis outage")
                    .isEqualTo(200);
        } finally {
            REDIS.process().resume();
        }

        assertThat(CrossNodeRouting.eventually(() -> node.get(admin("/health/ready")).statusCode() == 200)).isTrue();
        assertThat(node.get(publicHealth()).statusCode()).isEqualTo(200);
    }
}
