package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node whose Redis goes away: what app servers and devices see meanwhile (P4.3 503, hello refused), that the
 * node recovers by itself when Redis is back, and that nothing answered 200/202 before is lost (P7.2). Redis runs
 * with an fsync-always AOF here, so its data survives the kill, as a production Redis with persistence would.
 */
class RedisOutageIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.ownProcess("--appendonly", "yes", "--appendfsync", "always");

    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

    private Node node;

    @BeforeEach
    void startNode() {
        node = Node.start(REDIS.config().commandTimeout(COMMAND_TIMEOUT).nodeId("node-a").build());
    }

    @AfterEach
    void stopNode() {
        REDIS.process().resume();
        // launch() is a no-op while the process runs; a ping could fail while Redis is still loading its AOF.
        REDIS.process().launch();
        node.close();
    }

    @Test
    void killedRedisAnswers503AndTheNodeRecoversByItselfWithNothingLost() {
        String uaid;
        Device.Registration first;
        Device.Registration second;
        try (Device device = Device.connect(node.webSocket())) {
            uaid = device.hello();
            first = device.register();
            second = device.register();
        }
        assertThat(node.put(first.endpoint(), "version=1").statusCode()).isIn(200, 202);
        int threadsBefore = serverThreads();

        REDIS.process().kill();

        HttpResponse<String> refused = node.put(first.endpoint(), "version=2");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        try (Device during = Device.connect(node.webSocket())) {
            // The hello cannot be answered without the store: an error reply, then the socket closes.
            assertThat(during.helloStatus()).isEqualTo(503);
            assertThat(during.awaitClose(Duration.ofSeconds(5))).isPresent();
        }
        List<CompletableFuture<Integer>> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            burst.add(CompletableFuture.supplyAsync(() -> node.put(second.endpoint(), "version=3").statusCode()));
        }
        burst.forEach(put -> assertThat(put.join()).isEqualTo(503));
        // Failing fast needs no thread per waiting request: the server's thread count stays where it was.
        assertThat(serverThreads()).isLessThanOrEqualTo(threadsBefore + 4);

        REDIS.process().launch();

        // No restart, no operator: the next PUTs succeed once Lettuce has reconnected.
        assertThat(CrossNodeRouting.eventually(
                () -> node.put(second.endpoint(), "version=4").statusCode() == 202)).isTrue();
        try (Device device = Device.connect(node.webSocket())) {
            assertThat(device.hello(uaid, List.of(first.channel(), second.channel()))).isEqualTo(uaid);
            device.awaitUpdate(first.channel(), 1);
            device.awaitUpdate(second.channel(), 4);
        }
    }

    @Test
    void frozenRedisAnswers503WithinTheCommandTimeoutAndThawingRecovers() {
        Device.Registration channel;
        try (Device device = Device.connect(node.webSocket())) {
            device.hello();
            channel = device.register();
        }

        REDIS.process().pause();

        long started = System.nanoTime();
        HttpResponse<String> refused = node.put(channel.endpoint(), "version=1");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(took).isLessThan(COMMAND_TIMEOUT.multipliedBy(4));

        REDIS.process().resume();

        assertThat(CrossNodeRouting.eventually(
                () -> node.put(channel.endpoint(), "version=2").statusCode() == 202)).isTrue();
    }

    /** Threads of the server and its Redis client, without the test's own HTTP client threads. */
    private static int serverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !thread.getName().startsWith("HttpClient"))
                .filter(thread -> !thread.getName().startsWith("ForkJoinPool"))
                .count();
    }
}
