package dev.simplepush.store.redis;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.WebPushMessage.Payload;
import dev.simplepush.core.testing.RecordingDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the single-router contract cannot show: two routers, as two nodes sharing one Redis (same prefix,
 * different node ids), route updates, Web Push messages and evictions to each other, and presence outlives a dead
 * node by at most its TTL. Subclasses say which Redis.
 */
abstract class CrossNodeRouting {

    private static final Duration PRESENCE_TTL = Duration.ofSeconds(1);

    private final AtomicLong versions = new AtomicLong();
    private RedisRouter nodeA;
    private RedisRouter nodeB;

    /** A configuration for the Redis under test, with a fresh prefix. */
    protected abstract RedisStoreConfig.Builder config();

    @BeforeEach
    final void startNodes() {
        RedisStoreConfig shared = config().presenceTtl(PRESENCE_TTL).build();
        nodeA = newRouter(shared, "node-a");
        nodeB = newRouter(shared, "node-b");
        await(nodeA.start());
        await(nodeB.start());
    }

    @AfterEach
    final void stopNodes() {
        await(nodeA.stop());
        await(nodeB.stop());
    }

    @Test
    void updateReachesDeviceHeldByAnotherNode() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("on A");
        await(nodeA.claim(uaid, device));
        Update update = new Update(newChannel(), Version.of(versions.incrementAndGet()),
                Optional.of("line one\nline \"two\" é"));

        // P7.1, P4.3: delivered once the node that holds the device confirms its connection took it.
        assertThat(await(nodeB.deliver(uaid, update))).isTrue();

        assertThat(eventually(() -> device.deliveries().contains(update))).isTrue();
        assertThat(await(nodeB.isConnected(uaid))).isTrue();
    }

    @Test
    void webPushMessageReachesDeviceHeldByAnotherNode() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("on A");
        await(nodeA.claim(uaid, device));
        WebPushMessage withBody = new WebPushMessage(new MessageId("msg-" + versions.incrementAndGet()), newChannel(),
                Instant.now().plusSeconds(60), Optional.of("scores"),
                Optional.of(new Payload("AAEC", "aesgcm", Optional.of("salt=abc"), Optional.of("dh=def"))));
        WebPushMessage bare = new WebPushMessage(new MessageId("msg-" + versions.incrementAndGet()), newChannel(),
                Instant.now(), Optional.empty(), Optional.empty());

        // W9.5: any node accepts the POST; the device's node delivers it.
        assertThat(await(nodeB.deliver(uaid, withBody))).isTrue();
        assertThat(await(nodeB.deliver(uaid, bare))).isTrue();

        assertThat(eventually(() -> device.deliveries().size() == 2)).isTrue();
        assertThat(device.deliveries()).containsExactly(withBody, bare);
    }

    @Test
    void claimOnAnotherNodeEvictsTheHolderAndTakesItsUpdates() {
        Uaid uaid = Uaid.random();
        RecordingDevice older = RecordingDevice.accepting("on A");
        RecordingDevice newer = RecordingDevice.accepting("on B");
        await(nodeA.claim(uaid, older));

        // P2.5 across nodes: the newest connection wins wherever it is.
        await(nodeB.claim(uaid, newer));

        assertThat(older.awaitEviction()).isTrue();
        await(nodeA.release(uaid, older));
        Update update = newUpdate();
        assertThat(await(nodeA.deliver(uaid, update))).isTrue();
        assertThat(eventually(() -> newer.deliveries().contains(update))).isTrue();
        assertThat(older.deliveries()).isEmpty();
    }

    @Test
    void updateTheHoldersConnectionRefusesIsNotDelivered() {
        Uaid uaid = Uaid.random();
        RecordingDevice closing = RecordingDevice.refusing("closing on A");
        await(nodeA.claim(uaid, closing));
        Update update = newUpdate();

        // P4.3: A received it but its connection is closing, so it is stored, not delivered; A says so at once.
        assertThat(await(nodeB.deliver(uaid, update))).isFalse();
        assertThat(closing.deliveries()).containsExactly(update);
        assertThat(await(nodeB.isConnected(uaid))).isTrue();
    }

    @Test
    void deliveryToANodeThatDiedIsNotDelivered() {
        Uaid uaid = Uaid.random();
        await(nodeA.claim(uaid, RecordingDevice.accepting("on A")));

        // A dies without releasing: its presence is left behind, but nobody listens on its channel any more.
        await(nodeA.stop());

        assertThat(await(nodeB.deliver(uaid, newUpdate()))).isFalse();
    }

    @Test
    void aNodeThatDiedNoLongerCountsAsHoldingItsDevices() {
        Uaid uaid = Uaid.random();
        await(nodeA.claim(uaid, RecordingDevice.accepting("on A")));
        assertThat(await(nodeB.isConnected(uaid))).isTrue();

        await(nodeA.stop());

        // Its presence key outlives it by up to the TTL, but nobody listens on its channel: not connected, so a
        // stale PUT is answered as a new one would be (202, P5.1), never 200 for a dead node.
        assertThat(eventually(() -> !await(nodeB.isConnected(uaid)))).isTrue();
        assertThat(await(nodeB.deliver(uaid, newUpdate()))).isFalse();
    }

    @Test
    void presenceOfALiveNodeIsRefreshed() throws InterruptedException {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("on A");
        await(nodeA.claim(uaid, device));

        // Time passing is the point here: three TTLs without the refresh would have expired the key.
        Thread.sleep(PRESENCE_TTL.multipliedBy(3).toMillis());

        assertThat(await(nodeB.isConnected(uaid))).isTrue();
        Update update = newUpdate();
        assertThat(await(nodeB.deliver(uaid, update))).isTrue();
        assertThat(eventually(() -> device.deliveries().contains(update))).isTrue();
    }

    private Update newUpdate() {
        return Update.of(newChannel(), Version.of(versions.incrementAndGet()));
    }

    private static ChannelId newChannel() {
        return ChannelId.of(UUID.randomUUID().toString());
    }

    /** A router, not yet started, of node {@code nodeId} on {@code shared}, on the tests' shared scheduler. */
    static RedisRouter newRouter(RedisStoreConfig shared, String nodeId) {
        return new RedisRouter(new RedisConnection(shared.toBuilder().nodeId(nodeId).build()), TestScheduler.shared());
    }

    /** Polls {@code condition} for up to 5 s. */
    static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
