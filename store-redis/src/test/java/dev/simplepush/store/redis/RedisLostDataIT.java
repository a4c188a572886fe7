package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis that restarts without its data (no persistence here, as with a cache-configured Redis or a failover to an
 * empty replica): the devices connected meanwhile must learn of the reset at once, not at their next reconnect,
 * which may be hours away while every endpoint of theirs answers 410.
 */
class RedisLostDataIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.ownProcess();

    /** The presence refresh, and so the epoch check, runs every third of this. */
    private static final Duration PRESENCE_TTL = Duration.ofSeconds(1);

    private Node node;

    @BeforeEach
    void startNode() {
        node = Node.start(REDIS.config().presenceTtl(PRESENCE_TTL).commandTimeout(Duration.ofMillis(500))
                .nodeId("node-a").build());
    }

    @AfterEach
    void stopNode() {
        REDIS.process().launch();
        node.close();
    }

    @Test
    void connectedDevicesAreClosedAtOnceAndGetANewUaidWhenRedisRestartsEmpty() {
        String uaid;
        Device.Registration channel;
        try (Device device = Device.connect(node.webSocket())) {
            uaid = device.hello();
            channel = device.register();
            assertThat(node.put(channel.endpoint(), "version=1").statusCode()).isEqualTo(200);
            device.awaitUpdate(channel.channel(), 1);

            REDIS.process().kill();
            long restarted = System.nanoTime();
            REDIS.process().launch();

            // The node reconnects (its reconnect delay is at most 2 s) and finds the store's epoch gone.
            OptionalInt closed = device.awaitClose(Duration.ofSeconds(10));
            Duration took = Duration.ofNanos(System.nanoTime() - restarted);
            assertThat(closed).as("the socket of a device the store forgot is closed").isPresent();
            assertThat(took).isLessThan(Duration.ofSeconds(5));
        }

        try (Device again = Device.connect(node.webSocket())) {
            // P2.4: the store does not know the UAID any more, so the device is reset and registers again.
            String reset = again.hello(uaid, List.of(channel.channel()));
            assertThat(reset).isNotEqualTo(uaid);
            assertThat(node.put(channel.endpoint(), "version=2").statusCode()).isEqualTo(410);
            Device.Registration registered = again.register();
            assertThat(node.put(registered.endpoint(), "version=3").statusCode()).isEqualTo(200);
            again.awaitUpdate(registered.channel(), 3);
        }
    }
}
