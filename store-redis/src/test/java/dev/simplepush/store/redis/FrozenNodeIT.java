package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * P4.3 across nodes when the node holding the device is frozen (SIGSTOP: a stalled host, a long GC pause): its
 * Redis subscription still counts as a receiver, but it hands nothing to the device, so a PUT must not be answered
 * 200. Node B runs in a child JVM so that it can be frozen whole; node A, where the PUTs arrive, runs in this one.
 */
class FrozenNodeIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    private static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(2);

    private Node nodeA;
    private NodeProcess nodeB;

    @BeforeEach
    void startNodes() {
        RedisStoreConfig shared = REDIS.config().build();
        nodeA = Node.start(shared.toBuilder().nodeId("node-a").receiptTimeout(RECEIPT_TIMEOUT).build());
        nodeB = NodeProcess.start(shared.toBuilder().nodeId("node-b").build());
    }

    @AfterEach
    void stopNodes() {
        if (nodeB != null) {
            nodeB.close();
        }
        nodeA.close();
    }

    @Test
    void putForADeviceOnAFrozenNodeIsStoredNotDeliveredAndReachesTheDeviceOnceTheNodeThaws() {
        try (Device device = Device.connect(nodeB.webSocket())) {
            device.hello();
            Device.Registration channel = device.register();

            // P4.3: B is alive and its connection took the update, which B confirms to A.
            assertThat(nodeA.put(channel.endpoint(), "version=1").statusCode()).isEqualTo(200);
            device.awaitUpdate(channel.channel(), 1);

            nodeB.freeze();
            long started = System.nanoTime();
            HttpResponse<String> frozen = nodeA.put(channel.endpoint(), "version=2");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            // B's subscription still received it, but nobody handed it to the device: stored, not delivered.
            assertThat(frozen.statusCode()).isEqualTo(202);
            assertThat(took).isGreaterThanOrEqualTo(RECEIPT_TIMEOUT).isLessThan(RECEIPT_TIMEOUT.plusSeconds(3));

            nodeB.thaw();
            // Stored before the answer: B delivers what it received once it runs again.
            device.awaitUpdate(channel.channel(), 2);
            assertThat(nodeA.put(channel.endpoint(), "version=3").statusCode()).isEqualTo(200);
            device.awaitUpdate(channel.channel(), 3);
        }
    }
}
