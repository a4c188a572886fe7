package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.transport.udp.UdpWakeupConfig;
import dev.simplepush.transport.udp.UdpWakeupModule;
import dev.simplepush.transport.udp.WakeupNetwork;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UDP wake-up across nodes (P8 with P7): the wake-up address travels with the device in Redis, so a PUT on node B
 * wakes a device whose last socket was on node A.
 */
class CrossNodeWakeupIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    private static final Duration IDLE = Duration.ofMillis(300);

    private Node nodeA;
    private Node nodeB;
    private DatagramChannel phone;

    @BeforeEach
    void start() throws Exception {
        RedisStoreConfig shared = REDIS.config().build();
        nodeA = Node.start(shared.toBuilder().nodeId("node-a").build(), wakeup());
        nodeB = Node.start(shared.toBuilder().nodeId("node-b").build(), wakeup());
        phone = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    private static UdpWakeupModule wakeup() {
        return new UdpWakeupModule(UdpWakeupConfig.builder()
                .network(WakeupNetwork.parse("mcc=214,mnc=07,ranges=127.0.0.0/8,method=udp"))
                .idleTimeout(IDLE)
                .retryInterval(Duration.ofSeconds(30))
                .maxAttempts(1)
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        phone.close();
        nodeA.close();
        nodeB.close();
    }

    @Test
    void putOnOneNodeWakesADeviceLastSeenOnAnother() throws Exception {
        int port = ((InetSocketAddress) phone.getLocalAddress()).getPort();
        Device.Registration channel;
        try (Device onA = Device.connect(nodeA.webSocket())) {
            onA.send("{\"messageType\":\"hello\",\"channelIDs\":[],\"wakeup_hostport\":{\"ip\":\"127.0.0.1\",\"port\":"
                    + port + "},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\"}}");
            Optional<String> hello = onA.poll(Duration.ofSeconds(5));
            assertThat(hello).hasValueSatisfying(reply -> assertThat(reply).contains("\"status\":201"));
            channel = onA.register();
            // P8.2: idle, the socket is closed with 4774 and the device waits for a wake-up.
            assertThat(onA.awaitClose(Duration.ofSeconds(5))).isEqualTo(OptionalInt.of(4774));
        }

        // P7.1 + P8.3: node B stores the update (202) and wakes the device with the address node A stored.
        assertThat(nodeB.put(channel.endpoint(), "version=9").statusCode()).isEqualTo(202);
        assertThat(receive(Duration.ofSeconds(5))).isEqualTo("NOTIFY 127.0.0.1:" + port);
    }

    private String receive(Duration timeout) throws Exception {
        phone.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            phone.register(selector, SelectionKey.OP_READ);
            if (selector.select(timeout.toMillis()) == 0) {
                throw new AssertionError("no wake-up datagram within " + timeout);
            }
            ByteBuffer buffer = ByteBuffer.allocate(512);
            phone.receive(buffer);
            buffer.flip();
            return StandardCharsets.US_ASCII.decode(buffer).toString();
        }
    }
}
