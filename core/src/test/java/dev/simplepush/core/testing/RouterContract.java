package dev.simplepush.core.testing;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.spi.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Router} must have, written once and run against each adapter.
 *
 * <p>An adapter module depends on core's test-jar ({@code <type>test-jar</type><scope>test</scope>}) and
 * subclasses this suite, saying only how to build a router:
 *
 * <pre>{@code
 * class InMemoryRouterTest extends RouterContract {
 *     @Override
 *     protected Router newRouter() {
 *         return InMemoryStoreModule.newRouter();
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh router from {@link #newRouter()}, {@linkplain Lifecycle#start() starts} it and
 * {@linkplain Lifecycle#stop() stops} it afterwards. Tests use fresh random UAIDs only, so routers that share a
 * backing server (Redis presence keys and pub/sub) with other tests are fine. Connections are
 * {@link RecordingDevice}s. Evictions may happen on another thread after {@code claim} completes, so the suite
 * waits for them (at most {@link dev.simplepush.core.testing.Futures#TIMEOUT}); a delivery that completed with
 * {@code true} must already have reached the device.
 *
 * <p>Subclasses add only adapter concerns; they never restate behaviour asserted here.
 */
public abstract class RouterContract {

    private final AtomicLong versions = new AtomicLong();
    private Router router;

    /** A new, not yet started router. It must not be affected by UAIDs other tests claim. */
    protected abstract Router newRouter();

    /** The started router of the running test, for adapter-specific tests in subclasses. */
    protected final Router router() {
        return router;
    }

    @BeforeEach
    final void startRouter() {
        router = newRouter();
        await(router.start());
    }

    @AfterEach
    final void stopRouter() {
        await(router.stop());
    }

    @Test
    void claimedDeviceReceivesDeliveries() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("device");
        await(router.claim(uaid, device));
        Update first = newUpdate();
        Update second = newUpdate();

        assertThat(await(router.deliver(uaid, first))).isTrue();
        assertThat(await(router.deliver(uaid, second))).isTrue();

        assertThat(device.deliveries()).containsExactly(first, second);
        assertThat(device.isEvicted()).isFalse();
    }

    @Test
    void deliveryCarriesTheUpdateData() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("device");
        await(router.claim(uaid, device));
        // P4.1: data reaches a connected device unchanged, including text that needs escaping.
        Update update = new Update(newChannel(), Version.of(Long.MAX_VALUE), Optional.of("héllo \"wörld\"\n{}"));

        assertThat(await(router.deliver(uaid, update))).isTrue();

        assertThat(device.deliveries()).containsExactly(update);
    }

    @Test
    void deliverWithoutHolderIsFalse() {
        assertThat(await(router.deliver(Uaid.random(), newUpdate()))).isFalse();
    }

    @Test
    void deliveryReachesOnlyTheHolderOfItsUaid() {
        Uaid target = Uaid.random();
        Uaid bystander = Uaid.random();
        RecordingDevice targetDevice = RecordingDevice.accepting("target");
        RecordingDevice bystanderDevice = RecordingDevice.accepting("bystander");
        await(router.claim(target, targetDevice));
        await(router.claim(bystander, bystanderDevice));
        Update update = newUpdate();

        assertThat(await(router.deliver(target, update))).isTrue();

        assertThat(targetDevice.deliveries()).containsExactly(update);
        assertThat(bystanderDevice.deliveries()).isEmpty();
    }

    @Test
    void newestClaimWinsAndEvictsThePreviousHolder() {
        Uaid uaid = Uaid.random();
        RecordingDevice older = RecordingDevice.accepting("older");
        RecordingDevice newer = RecordingDevice.accepting("newer");
        await(router.claim(uaid, older));

        // P2.5: newest connection wins; the older one is told to close and gets nothing more.
        await(router.claim(uaid, newer));
        Update update = newUpdate();

        assertThat(older.awaitEviction()).as("older holder evicted").isTrue();
        assertThat(await(router.deliver(uaid, update))).isTrue();
        assertThat(newer.deliveries()).containsExactly(update);
        assertThat(older.deliveries()).isEmpty();
        assertThat(newer.isEvicted()).isFalse();
        assertThat(older.evictions()).isEqualTo(1);
    }

    @Test
    void claimLeavesHoldersOfOtherUaidsAlone() {
        Uaid first = Uaid.random();
        Uaid second = Uaid.random();
        RecordingDevice firstDevice = RecordingDevice.accepting("first");
        RecordingDevice secondDevice = RecordingDevice.accepting("second");
        await(router.claim(first, firstDevice));

        await(router.claim(second, secondDevice));

        assertThat(await(router.deliver(first, newUpdate()))).isTrue();
        assertThat(firstDevice.isEvicted()).isFalse();
        assertThat(firstDevice.deliveries()).hasSize(1);
    }

    @Test
    void concurrentClaimsLeaveExactlyOneHolder() throws Exception {
        Uaid uaid = Uaid.random();
        List<RecordingDevice> devices = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            devices.add(RecordingDevice.accepting("device-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Void>> claims = new ArrayList<>();
            for (RecordingDevice device : devices) {
                claims.add(pool.submit(() -> {
                    go.await();
                    return await(router.claim(uaid, device));
                }));
            }
            go.countDown();
            for (Future<Void> claim : claims) {
                claim.get(5, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Update update = newUpdate();

        assertThat(await(router.deliver(uaid, update))).isTrue();

        List<RecordingDevice> receivers = devices.stream().filter(d -> !d.deliveries().isEmpty()).toList();
        assertThat(receivers).hasSize(1);
        RecordingDevice holder = receivers.get(0);
        assertThat(holder.deliveries()).containsExactly(update);
        assertThat(holder.isEvicted()).isFalse();
        for (RecordingDevice device : devices) {
            if (device != holder) {
                assertThat(device.awaitEviction()).as("%s evicted", device).isTrue();
            }
        }
    }

    @Test
    void releaseByHolderEndsDelivery() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("device");
        await(router.claim(uaid, device));

        await(router.release(uaid, device));

        assertThat(await(router.deliver(uaid, newUpdate()))).isFalse();
        assertThat(await(router.isConnected(uaid))).isFalse();
        assertThat(device.deliveries()).isEmpty();
        assertThat(device.isEvicted()).isFalse();
    }

    @Test
    void releaseByFormerHolderDoesNotReleaseTheNewOne() {
        Uaid uaid = Uaid.random();
        RecordingDevice older = RecordingDevice.accepting("older");
        RecordingDevice newer = RecordingDevice.accepting("newer");
        await(router.claim(uaid, older));
        await(router.claim(uaid, newer));
        assertThat(older.awaitEviction()).isTrue();

        // The evicted session releases on close; that must not unseat the connection that replaced it.
        await(router.release(uaid, older));
        Update update = newUpdate();

        assertThat(await(router.isConnected(uaid))).isTrue();
        assertThat(await(router.deliver(uaid, update))).isTrue();
        assertThat(newer.deliveries()).containsExactly(update);
    }

    @Test
    void releaseByDeviceThatNeverHeldTheUaidDoesNothing() {
        Uaid uaid = Uaid.random();
        RecordingDevice holder = RecordingDevice.accepting("holder");
        await(router.claim(uaid, holder));

        await(router.release(uaid, RecordingDevice.accepting("stranger")));

        assertThat(await(router.deliver(uaid, newUpdate()))).isTrue();
        assertThat(holder.deliveries()).hasSize(1);
        assertThat(holder.isEvicted()).isFalse();
    }

    @Test
    void releaseOfUnclaimedUaidDoesNothing() {
        Uaid uaid = Uaid.random();

        await(router.release(uaid, RecordingDevice.accepting("stranger")));

        assertThat(await(router.isConnected(uaid))).isFalse();
    }

    @Test
    void deviceClaimingAgainAfterReleaseReceivesDeliveries() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("device");
        await(router.claim(uaid, device));
        await(router.release(uaid, device));
        RecordingDevice reconnected = RecordingDevice.accepting("reconnected");

        await(router.claim(uaid, reconnected));
        Update update = newUpdate();

        assertThat(await(router.deliver(uaid, update))).isTrue();
        assertThat(reconnected.deliveries()).containsExactly(update);
        assertThat(device.deliveries()).isEmpty();
    }

    @Test
    void deliveryRefusedByTheDeviceIsFalse() {
        Uaid uaid = Uaid.random();
        RecordingDevice closing = RecordingDevice.refusing("closing");
        await(router.claim(uaid, closing));

        // P4.3: a closing socket did not take the update, so the app server gets 202, not 200.
        assertThat(await(router.deliver(uaid, newUpdate()))).isFalse();
    }

    @Test
    void isConnectedFollowsClaimAndRelease() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("device");

        assertThat(await(router.isConnected(uaid))).isFalse();
        await(router.claim(uaid, device));
        assertThat(await(router.isConnected(uaid))).isTrue();
        assertThat(await(router.isConnected(Uaid.random()))).isFalse();
        await(router.release(uaid, device));
        assertThat(await(router.isConnected(uaid))).isFalse();
    }

    @Test
    void holderNodeFollowsClaimAndRelease() {
        Uaid uaid = Uaid.random();
        Uaid other = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("device");

        assertThat(await(router.holderNode(uaid))).isEmpty();
        await(router.claim(uaid, device));
        await(router.claim(other, RecordingDevice.accepting("other")));
        Optional<String> node = await(router.holderNode(uaid));
        assertThat(node).hasValueSatisfying(id -> assertThat(id).isNotBlank());
        assertThat(await(router.holderNode(other))).as("both held by this router's node").isEqualTo(node);
        await(router.release(uaid, device));
        assertThat(await(router.holderNode(uaid))).isEmpty();
    }

    @Test
    void stopIsIdempotent() {
        await(router.stop());
        await(router.stop());
    }

    private Update newUpdate() {
        return Update.of(newChannel(), Version.of(versions.incrementAndGet()));
    }

    private static ChannelId newChannel() {
        return ChannelId.of(UUID.randomUUID().toString());
    }
}
