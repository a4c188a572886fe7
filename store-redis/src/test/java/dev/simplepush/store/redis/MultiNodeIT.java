package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two full nodes in this JVM on one Redis (same key prefix and token key, different node ids), with real
 * WebSockets and real PUTs and POSTs: P7, P2.5 and W9.5 across nodes.
 */
class MultiNodeIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    private Node nodeA;
    private Node nodeB;

    @BeforeEach
    void startNodes() {
        RedisStoreConfig shared = REDIS.config().build();
        nodeA = Node.start(shared.toBuilder().nodeId("node-a").build());
        nodeB = Node.start(shared.toBuilder().nodeId("node-b").build());
    }

    @AfterEach
    void stopNodes() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void putOnOtherNodeReachesTheConnectedDevice() {
        try (Device device = Device.connect(nodeA.webSocket())) {
            device.hello();
            Device.Registration channel = device.register();

            // P7.1: any node accepts any PUT; 200 means the node that holds the device handed it over (P4.3).
            assertThat(nodeB.put(channel.endpoint(), "version=5").statusCode()).isEqualTo(200);

            device.awaitUpdate(channel.channel(), 5);
        }
    }

    @Test
    void deviceThatMovesToAnotherNodeIsClosedOnTheFirstAndServedByTheSecond() {
        try (Device onA = Device.connect(nodeA.webSocket()); Device onB = Device.connect(nodeB.webSocket())) {
            String uaid = onA.hello();
            Device.Registration channel = onA.register();

            // P2.5: the newest connection wins across nodes; the older socket closes promptly.
            assertThat(onB.hello(uaid, List.of(channel.channel()))).isEqualTo(uaid);
            assertThat(onA.awaitClose(Duration.ofSeconds(5))).isPresent();

            assertThat(nodeA.put(channel.endpoint(), "version=7").statusCode()).isEqualTo(200);
            onB.awaitUpdate(channel.channel(), 7);
            assertThat(nodeB.put(channel.endpoint(), "version=8").statusCode()).isEqualTo(200);
            onB.awaitUpdate(channel.channel(), 8);
        }
    }

    @Test
    void deviceOfANodeThatDiesReconnectsElsewhereAndGetsEveryPendingUpdate() {
        String uaid;
        Device.Registration delivered;
        Device.Registration storedLater;
        try (Device onA = Device.connect(nodeA.webSocket())) {
            uaid = onA.hello();
            delivered = onA.register();
            storedLater = onA.register();
            assertThat(nodeB.put(delivered.endpoint(), "version=1").statusCode()).isEqualTo(200);
            onA.awaitUpdate(delivered.channel(), 1);
            // Never acked: it stays pending (P5.4).

            nodeA.crash();

            // A's presence is left behind, but nobody takes the update there: stored, not delivered (P7.2).
            assertThat(nodeB.put(storedLater.endpoint(), "version=2").statusCode()).isEqualTo(202);
            assertThat(nodeB.put(delivered.endpoint(), "version=3").statusCode()).isEqualTo(202);
            assertThat(onA.awaitClose(Duration.ofSeconds(5))).isPresent();
        }

        try (Device onB = Device.connect(nodeB.webSocket())) {
            assertThat(onB.hello(uaid, List.of(delivered.channel(), storedLater.channel()))).isEqualTo(uaid);

            onB.awaitUpdate(delivered.channel(), 3);
            onB.awaitUpdate(storedLater.channel(), 2);
        }
    }

    @Test
    void webPushMessagesCrossNodesAndOutliveTheNodeThatHeldTheDevice() {
        // W9.5, P7: any node accepts the POST, the device's node delivers it; pending messages live in Redis.
        String uaid;
        Device.Registration channel;
        String unacked;
        try (Device onA = Device.connect(nodeA.webSocket())) {
            uaid = onA.helloWebPush(Optional.empty());
            channel = onA.register();
            assertThat(channel.endpoint().getPath()).startsWith("/wpush/v1/");

            assertThat(nodeB.post(channel.endpoint(), "first", 60).statusCode()).isEqualTo(201);
            unacked = onA.awaitMessage(channel.channel(), base64Url("first"));
            // Never acked: it stays queued (W8.1, W9.2).

            nodeA.crash();

            assertThat(nodeB.post(channel.endpoint(), "second", 60).statusCode()).isEqualTo(201);
            assertThat(onA.awaitClose(Duration.ofSeconds(5))).isPresent();
        }

        try (Device onB = Device.connect(nodeB.webSocket())) {
            assertThat(onB.helloWebPush(Optional.of(uaid))).as("W1.3: a known UAID is kept").isEqualTo(uaid);

            assertThat(onB.awaitMessage(channel.channel(), base64Url("first"))).as("W5.2: same id").isEqualTo(unacked);
            onB.awaitMessage(channel.channel(), base64Url("second"));
        }
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
