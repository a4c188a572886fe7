package dev.simplepush.core.testing;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.DeviceStore.Advance;
import dev.simplepush.core.spi.DeviceStore.Registration;
import dev.simplepush.core.spi.DeviceStore.Resume;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link DeviceStore} must have, written once and run against each adapter.
 *
 * <p>An adapter module depends on core's test-jar ({@code <type>test-jar</type><scope>test</scope>}) and
 * subclasses this suite, saying only how to build a store:
 *
 * <pre>{@code
 * class InMemoryDeviceStoreTest extends DeviceStoreContract {
 *     @Override
 *     protected DeviceStore newStore() {
 *         return InMemoryStoreModule.newDeviceStore(Clock.systemUTC());
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh store from {@link #newStore()}, {@linkplain Lifecycle#start() starts} it and
 * {@linkplain Lifecycle#stop() stops} it afterwards. Every test works only on freshly minted random UAIDs and
 * channel IDs and never assumes the store is empty, so a store backed by a shared server (a Redis used by other
 * tests at the same time) may return instances that see each other's data. Stages are awaited for at most
 * {@link dev.simplepush.core.testing.Futures#TIMEOUT}.
 *
 * <p>Subclasses add only adapter concerns (key layout, reconnects); they never restate behaviour asserted here.
 * Rule numbers (P2.4, P5.3, ...) refer to the project's protocol profile.
 */
public abstract class DeviceStoreContract {

    private static final int CONCURRENT_THREADS = 8;
    private static final int CONCURRENT_ROUNDS = 20;

    private DeviceStore store;

    /**
     * A new, not yet started store. It may share its backing server with other tests, but must not be affected
     * by data it did not write (tests use fresh random IDs only).
     */
    protected abstract DeviceStore newStore();

    /** The started store of the running test, for adapter-specific tests in subclasses. */
    protected final DeviceStore store() {
        return store;
    }

    @BeforeEach
    final void startStore() {
        store = newStore();
        await(store.start());
    }

    @AfterEach
    final void stopStore() {
        await(store.stop());
    }

    // ---- create, resume and drop (P2.4) -------------------------------------------------------------------

    @Test
    void unknownDeviceDoesNotResume() {
        Uaid uaid = Uaid.random();

        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.UNKNOWN);
        assertThat(await(store.resume(uaid, Optional.of(Set.of())))).isEqualTo(Resume.UNKNOWN);
        assertThat(await(store.resume(uaid, Optional.of(Set.of(newChannel()))))).isEqualTo(Resume.UNKNOWN);
    }

    @Test
    void createdDeviceResumesWithNoChannels() {
        Uaid uaid = newDevice();

        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.RESUMED);
        assertThat(await(store.channels(uaid))).isEmpty();
        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void createOfExistingDeviceChangesNothing() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 3);

        await(store.create(uaid));

        assertThat(await(store.channels(uaid))).containsExactly(channel);
        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 3));
    }

    @Test
    void resumeWithoutListKeepsEveryChannelAndPendingUpdate() {
        Uaid uaid = newDevice();
        ChannelId first = registered(uaid);
        ChannelId second = registered(uaid);
        advanced(uaid, first, 7);

        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.RESUMED);

        assertThat(await(store.channels(uaid))).containsExactlyInAnyOrder(first, second);
        assertThat(await(store.pending(uaid))).containsExactly(update(first, 7));
    }

    @Test
    void resumeWithExactListKeepsEveryChannelAndPendingUpdate() {
        Uaid uaid = newDevice();
        ChannelId first = registered(uaid);
        ChannelId second = registered(uaid);
        advanced(uaid, second, 9);

        assertThat(await(store.resume(uaid, Optional.of(Set.of(first, second))))).isEqualTo(Resume.RESUMED);

        assertThat(await(store.channels(uaid))).containsExactlyInAnyOrder(first, second);
        assertThat(await(store.pending(uaid))).containsExactly(update(second, 9));
    }

    @Test
    void resumeDropsChannelsAbsentFromPresentList() {
        Uaid uaid = newDevice();
        ChannelId kept = registered(uaid);
        ChannelId dropped = registered(uaid);
        advanced(uaid, kept, 1);
        advanced(uaid, dropped, 2);

        assertThat(await(store.resume(uaid, Optional.of(Set.of(kept))))).isEqualTo(Resume.RESUMED);

        assertThat(await(store.channels(uaid))).containsExactly(kept);
        assertThat(await(store.pending(uaid))).containsExactly(update(kept, 1));
        assertThat(await(store.advance(uaid, dropped, Version.of(3)))).isEqualTo(Advance.GONE);
    }

    @Test
    void resumeWithEmptyListDropsEveryChannel() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 4);

        assertThat(await(store.resume(uaid, Optional.of(Set.of())))).isEqualTo(Resume.RESUMED);

        assertThat(await(store.channels(uaid))).isEmpty();
        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void resumeListingUnknownChannelIsMismatchAndChangesNothing() {
        Uaid uaid = newDevice();
        ChannelId first = registered(uaid);
        ChannelId second = registered(uaid);
        advanced(uaid, second, 5);

        // P2.4: `second` is absent from the list, but a mismatch must not drop it.
        Resume outcome = await(store.resume(uaid, Optional.of(Set.of(first, newChannel()))));

        assertThat(outcome).isEqualTo(Resume.MISMATCH);
        assertThat(await(store.channels(uaid))).containsExactlyInAnyOrder(first, second);
        assertThat(await(store.pending(uaid))).containsExactly(update(second, 5));
    }

    @Test
    void resumeTreatsOtherSpellingOfChannelAsUnknown() {
        Uaid uaid = newDevice();
        String text = UUID.randomUUID().toString();
        ChannelId lower = ChannelId.of(text);
        registered(uaid, lower);
        ChannelId upper = ChannelId.of(text.toUpperCase(Locale.ROOT));

        Resume outcome = await(store.resume(uaid, Optional.of(Set.of(upper))));

        assertThat(outcome).isEqualTo(Resume.MISMATCH);
        assertThat(await(store.channels(uaid))).containsExactly(lower);
    }

    @Test
    void droppedDeviceIsGoneEverywhere() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 8);
        await(store.setWakeup(uaid, Optional.of(wakeupAddress())));

        await(store.drop(uaid));

        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.UNKNOWN);
        assertThat(await(store.channels(uaid))).isEmpty();
        assertThat(await(store.pending(uaid))).isEmpty();
        assertThat(await(store.wakeup(uaid))).isEmpty();
        assertThat(await(store.advance(uaid, channel, Version.of(9)))).isEqualTo(Advance.GONE);
        assertThat(await(store.ack(uaid, channel, Version.of(9)))).isFalse();
        assertThat(await(store.register(uaid, newChannel(), 10))).isEqualTo(Registration.UNKNOWN_DEVICE);
    }

    @Test
    void dropOfUnknownDeviceDoesNothing() {
        Uaid bystander = newDevice();
        ChannelId channel = registered(bystander);

        await(store.drop(Uaid.random()));
        await(store.drop(Uaid.random()));

        assertThat(await(store.channels(bystander))).containsExactly(channel);
    }

    @Test
    void dropLeavesOtherDevicesAlone() {
        Uaid dropped = newDevice();
        Uaid kept = newDevice();
        ChannelId channel = newChannel();
        registered(dropped, channel);
        registered(kept, channel);
        advanced(kept, channel, 6);

        await(store.drop(dropped));

        assertThat(await(store.resume(kept, Optional.empty()))).isEqualTo(Resume.RESUMED);
        assertThat(await(store.pending(kept))).containsExactly(update(channel, 6));
    }

    @Test
    void deviceCreatedAgainAfterDropStartsEmpty() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 100);
        await(store.drop(uaid));

        await(store.create(uaid));

        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.RESUMED);
        assertThat(await(store.channels(uaid))).isEmpty();
        assertThat(await(store.pending(uaid))).isEmpty();
        assertThat(await(store.advance(uaid, channel, Version.of(101)))).isEqualTo(Advance.GONE);
    }

    // ---- register and unregister (P3.3, P3.4, P3.5) --------------------------------------------------------

    @Test
    void newChannelIsRegistered() {
        Uaid uaid = newDevice();
        ChannelId channel = newChannel();

        assertThat(await(store.register(uaid, channel, 10))).isEqualTo(Registration.REGISTERED);

        assertThat(await(store.channels(uaid))).containsExactly(channel);
        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void registeringAgainIsExistsAndKeepsVersionAndPendingUpdate() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 5);

        assertThat(await(store.register(uaid, channel, 10))).isEqualTo(Registration.EXISTS);

        assertThat(await(store.channels(uaid))).containsExactly(channel);
        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 5));
        assertThat(await(store.advance(uaid, channel, Version.of(5)))).isEqualTo(Advance.STALE);
    }

    @Test
    void registerOnUnknownDeviceIsUnknownDeviceAndCreatesNothing() {
        Uaid uaid = Uaid.random();

        assertThat(await(store.register(uaid, newChannel(), 10))).isEqualTo(Registration.UNKNOWN_DEVICE);

        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.UNKNOWN);
        assertThat(await(store.channels(uaid))).isEmpty();
    }

    @Test
    void registerBeyondLimitIsLimitReachedAndChangesNothing() {
        Uaid uaid = newDevice();
        List<ChannelId> allowed = List.of(newChannel(), newChannel(), newChannel());
        for (ChannelId channel : allowed) {
            assertThat(await(store.register(uaid, channel, 3))).isEqualTo(Registration.REGISTERED);
        }

        assertThat(await(store.register(uaid, newChannel(), 3))).isEqualTo(Registration.LIMIT_REACHED);

        assertThat(await(store.channels(uaid))).containsExactlyInAnyOrderElementsOf(allowed);
    }

    @Test
    void registeringExistingChannelAtLimitIsExists() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid, newChannel(), 1);

        assertThat(await(store.register(uaid, channel, 1))).isEqualTo(Registration.EXISTS);
    }

    @Test
    void unregisterFreesRoomUnderLimit() {
        Uaid uaid = newDevice();
        ChannelId first = registered(uaid, newChannel(), 1);
        assertThat(await(store.register(uaid, newChannel(), 1))).isEqualTo(Registration.LIMIT_REACHED);

        await(store.unregister(uaid, first));

        assertThat(await(store.register(uaid, newChannel(), 1))).isEqualTo(Registration.REGISTERED);
    }

    @Test
    void concurrentRegistersNeverExceedLimit() throws Exception {
        int limit = 10;
        for (int round = 0; round < CONCURRENT_ROUNDS; round++) {
            Uaid uaid = newDevice();
            List<ChannelId> candidates = IntStream.range(0, 4 * limit).mapToObj(i -> newChannel()).toList();

            List<Registration> outcomes = concurrently(candidates, channel -> store.register(uaid, channel, limit));

            assertThat(outcomes).filteredOn(o -> o == Registration.REGISTERED).hasSize(limit);
            assertThat(outcomes).filteredOn(o -> o == Registration.LIMIT_REACHED).hasSize(candidates.size() - limit);
            assertThat(await(store.channels(uaid))).hasSize(limit);
        }
    }

    @Test
    void channelIdsAreScopedPerDevice() {
        Uaid first = newDevice();
        Uaid second = newDevice();
        ChannelId channel = newChannel();

        // P3.3: the same channelID is two independent channels on two devices.
        assertThat(await(store.register(first, channel, 10))).isEqualTo(Registration.REGISTERED);
        assertThat(await(store.advance(second, channel, Version.of(1)))).isEqualTo(Advance.GONE);
        assertThat(await(store.register(second, channel, 10))).isEqualTo(Registration.REGISTERED);
        advanced(first, channel, 50);
        assertThat(await(store.advance(second, channel, Version.of(10)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store.ack(second, channel, Version.of(10)))).isTrue();
        await(store.unregister(second, channel));

        assertThat(await(store.channels(first))).containsExactly(channel);
        assertThat(await(store.pending(first))).containsExactly(update(channel, 50));
        assertThat(await(store.channels(second))).isEmpty();
    }

    @Test
    void channelIdIsKeptExactlyAsSent() {
        Uaid uaid = newDevice();
        String uuid = UUID.randomUUID().toString();
        ChannelId lowerDashed = ChannelId.of(uuid);
        ChannelId upperPlain = ChannelId.of(uuid.replace("-", "").toUpperCase(Locale.ROOT));
        ChannelId mixedDashed = ChannelId.of(mixedCase(UUID.randomUUID().toString()));
        for (ChannelId channel : List.of(lowerDashed, upperPlain, mixedDashed)) {
            // P3.2: every spelling is its own channel and comes back exactly as sent.
            assertThat(await(store.register(uaid, channel, 10))).isEqualTo(Registration.REGISTERED);
        }
        advanced(uaid, upperPlain, 1);
        advanced(uaid, mixedDashed, 2);

        assertThat(await(store.channels(uaid))).containsExactlyInAnyOrder(lowerDashed, upperPlain, mixedDashed);
        assertThat(await(store.pending(uaid)))
                .containsExactlyInAnyOrder(update(upperPlain, 1), update(mixedDashed, 2));
    }

    @Test
    void unregisterRemovesChannelAndItsPendingUpdate() {
        Uaid uaid = newDevice();
        ChannelId removed = registered(uaid);
        ChannelId kept = registered(uaid);
        advanced(uaid, removed, 3);
        advanced(uaid, kept, 4);

        await(store.unregister(uaid, removed));

        assertThat(await(store.channels(uaid))).containsExactly(kept);
        assertThat(await(store.pending(uaid))).containsExactly(update(kept, 4));
        assertThat(await(store.advance(uaid, removed, Version.of(5)))).isEqualTo(Advance.GONE);
        assertThat(await(store.ack(uaid, removed, Version.of(5)))).isFalse();
    }

    @Test
    void unregisterIsIdempotent() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        ChannelId kept = registered(uaid);

        await(store.unregister(uaid, channel));
        await(store.unregister(uaid, channel));
        await(store.unregister(uaid, newChannel()));
        await(store.unregister(Uaid.random(), channel));

        assertThat(await(store.channels(uaid))).containsExactly(kept);
    }

    @Test
    void channelRegisteredAgainAfterUnregisterStartsFresh() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 1_000);
        await(store.unregister(uaid, channel));

        assertThat(await(store.register(uaid, channel, 10))).isEqualTo(Registration.REGISTERED);

        assertThat(await(store.pending(uaid))).isEmpty();
        assertThat(await(store.advance(uaid, channel, Version.of(1)))).isEqualTo(Advance.ADVANCED);
    }

    // ---- advance (P5.1) ------------------------------------------------------------------------------------

    @Test
    void firstUpdateOfFreshChannelAdvancesEvenAtVersionZero() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);

        assertThat(await(store.advance(uaid, channel, Version.ZERO))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store.advance(uaid, channel, Version.ZERO))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 0));
    }

    @Test
    void newerVersionAdvancesAndReplacesPendingVersion() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        assertThat(await(store.advance(uaid, channel, Version.of(11)))).isEqualTo(Advance.ADVANCED);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 11));
    }

    @Test
    void equalVersionIsStale() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        assertThat(await(store.advance(uaid, channel, Version.of(10)))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 10));
    }

    @Test
    void staleVersionIsNotStored() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        assertThat(await(store.advance(uaid, channel, Version.of(9)))).isEqualTo(Advance.STALE);
        assertThat(await(store.advance(uaid, channel, Version.ZERO))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 10));
    }

    @Test
    void staleVersionAfterAckDoesNotMakeChannelPendingAgain() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);
        assertThat(await(store.ack(uaid, channel, Version.of(10)))).isTrue();

        assertThat(await(store.advance(uaid, channel, Version.of(10)))).isEqualTo(Advance.STALE);
        assertThat(await(store.advance(uaid, channel, Version.of(3)))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void largestVersionAdvancesAndNothingIsNewer() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, Long.MAX_VALUE - 1);

        assertThat(await(store.advance(uaid, channel, Version.of(Long.MAX_VALUE)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store.advance(uaid, channel, Version.of(Long.MAX_VALUE)))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, Long.MAX_VALUE));
    }

    @Test
    void advanceOnUnknownDeviceOrChannelIsGone() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);

        assertThat(await(store.advance(Uaid.random(), channel, Version.of(1)))).isEqualTo(Advance.GONE);
        assertThat(await(store.advance(uaid, newChannel(), Version.of(1)))).isEqualTo(Advance.GONE);

        assertThat(await(store.channels(uaid))).containsExactly(channel);
        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void concurrentAdvancesKeepTheMaximum() throws Exception {
        for (int round = 0; round < CONCURRENT_ROUNDS; round++) {
            Uaid uaid = newDevice();
            ChannelId channel = registered(uaid);
            // A small range makes equal versions race each other too.
            List<Version> versions = ThreadLocalRandom.current().longs(200, 0, 1_000).mapToObj(Version::of).toList();

            List<Advance> outcomes = concurrently(versions, version -> store.advance(uaid, channel, version));

            assertKeptTheMaximum(uaid, channel, versions, outcomes);
        }
    }

    @Test
    void concurrentClimbingAdvancesKeepTheMaximum() throws Exception {
        for (int round = 0; round < CONCURRENT_ROUNDS; round++) {
            Uaid uaid = newDevice();
            ChannelId channel = registered(uaid);
            // Random versions that rise over time, so that the threads keep racing for the top.
            List<Version> versions = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                versions.add(Version.of(i * 10L + ThreadLocalRandom.current().nextLong(30)));
            }

            List<Advance> outcomes = concurrently(versions, version -> store.advance(uaid, channel, version));

            assertKeptTheMaximum(uaid, channel, versions, outcomes);
        }
    }

    /** P5.1 under concurrency: the maximum is stored and pending, advanced exactly once, no version twice. */
    private void assertKeptTheMaximum(Uaid uaid, ChannelId channel, List<Version> versions, List<Advance> outcomes) {
        Version max = versions.stream().max(Version::compareTo).orElseThrow();
        List<Version> advancedVersions = IntStream.range(0, versions.size())
                .filter(i -> outcomes.get(i) == Advance.ADVANCED)
                .mapToObj(versions::get)
                .toList();
        assertThat(outcomes).doesNotContain(Advance.GONE);
        assertThat(advancedVersions).filteredOn(max::equals).hasSize(1);
        assertThat(advancedVersions).doesNotHaveDuplicates();
        assertThat(await(store.pending(uaid))).containsExactly(Update.of(channel, max));
        assertThat(await(store.advance(uaid, channel, max))).isEqualTo(Advance.STALE);
    }

    // ---- pending and ack (P5.3, P5.4) ----------------------------------------------------------------------

    @Test
    void pendingListsOnlyUnackedChannelsWithTheirLatestVersions() {
        Uaid uaid = newDevice();
        ChannelId updatedTwice = registered(uaid);
        ChannelId acked = registered(uaid);
        ChannelId neverUpdated = registered(uaid);
        ChannelId otherPending = registered(uaid);
        advanced(uaid, updatedTwice, 1);
        advanced(uaid, updatedTwice, 2);
        advanced(uaid, acked, 7);
        advanced(uaid, otherPending, 0);
        assertThat(await(store.ack(uaid, acked, Version.of(7)))).isTrue();

        List<Update> pending = await(store.pending(uaid));

        assertThat(pending).containsExactlyInAnyOrder(update(updatedTwice, 2), update(otherPending, 0));
        assertThat(pending).allSatisfy(u -> assertThat(u.data()).isEmpty());
        assertThat(await(store.channels(uaid))).contains(neverUpdated);
    }

    @Test
    void pendingOfUnknownDeviceIsEmpty() {
        assertThat(await(store.pending(Uaid.random()))).isEmpty();
    }

    @Test
    void ackBelowPendingVersionKeepsIt() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        // P5.3: the device acked an older version; the newer one must survive.
        assertThat(await(store.ack(uaid, channel, Version.of(9)))).isFalse();

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 10));
    }

    @Test
    void ackOfPendingVersionClearsIt() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        ChannelId other = registered(uaid);
        advanced(uaid, channel, 10);
        advanced(uaid, other, 10);

        assertThat(await(store.ack(uaid, channel, Version.of(10)))).isTrue();

        assertThat(await(store.pending(uaid))).containsExactly(update(other, 10));
    }

    @Test
    void ackAbovePendingVersionClearsIt() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        assertThat(await(store.ack(uaid, channel, Version.of(11)))).isTrue();

        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void ackKeepsTheChannelAndItsVersion() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        assertThat(await(store.ack(uaid, channel, Version.of(10)))).isTrue();

        assertThat(await(store.channels(uaid))).containsExactly(channel);
        assertThat(await(store.advance(uaid, channel, Version.of(10)))).isEqualTo(Advance.STALE);
        assertThat(await(store.advance(uaid, channel, Version.of(11)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 11));
    }

    @Test
    void ackWithNothingToClearIsFalse() {
        Uaid uaid = newDevice();
        ChannelId neverUpdated = registered(uaid);
        ChannelId acked = registered(uaid);
        advanced(uaid, acked, 5);
        assertThat(await(store.ack(uaid, acked, Version.of(5)))).isTrue();

        assertThat(await(store.ack(uaid, acked, Version.of(5)))).isFalse();
        assertThat(await(store.ack(uaid, neverUpdated, Version.of(5)))).isFalse();
        assertThat(await(store.ack(uaid, newChannel(), Version.of(5)))).isFalse();
        assertThat(await(store.ack(Uaid.random(), acked, Version.of(5)))).isFalse();
    }

    @Test
    void ackForUnknownChannelChangesNothing() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 5);

        assertThat(await(store.ack(uaid, newChannel(), Version.of(5)))).isFalse();

        assertThat(await(store.channels(uaid))).containsExactly(channel);
        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 5));
    }

    @Test
    void concurrentAckNeverClearsNewerVersion() throws Exception {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (long acked = 1; acked < 400; acked += 2) {
                advanced(uaid, channel, acked);
                long newer = acked + 1;
                CountDownLatch go = new CountDownLatch(1);
                Future<Boolean> ack = pool.submit(() -> {
                    go.await();
                    return await(store.ack(uaid, channel, Version.of(newer - 1)));
                });
                Future<Advance> advance = pool.submit(() -> {
                    go.await();
                    return await(store.advance(uaid, channel, Version.of(newer)));
                });
                go.countDown();

                assertThat(advance.get(5, TimeUnit.SECONDS)).isEqualTo(Advance.ADVANCED);
                ack.get(5, TimeUnit.SECONDS);
                // P5.3: whichever ran first, the ack covered only the older version.
                assertThat(await(store.pending(uaid))).as("acked %d", acked)
                        .containsExactly(update(channel, newer));
                assertThat(await(store.ack(uaid, channel, Version.of(newer)))).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- wake-up address (P8) ------------------------------------------------------------------------------

    @Test
    void deviceHasNoWakeupAddressUntilOneIsSet() {
        Uaid uaid = newDevice();

        assertThat(await(store.wakeup(uaid))).isEmpty();
    }

    @Test
    void wakeupAddressIsStoredAndReplaced() {
        Uaid uaid = newDevice();
        WakeupAddress first = new WakeupAddress("10.0.0.7", 2442, "214", "07", Optional.of("net-1"));
        WakeupAddress second = new WakeupAddress("192.168.1.20", 65535, "001", "1", Optional.empty());

        await(store.setWakeup(uaid, Optional.of(first)));
        assertThat(await(store.wakeup(uaid))).contains(first);

        await(store.setWakeup(uaid, Optional.of(second)));
        assertThat(await(store.wakeup(uaid))).contains(second);
    }

    @Test
    void emptyWakeupAddressForgetsIt() {
        Uaid uaid = newDevice();
        await(store.setWakeup(uaid, Optional.of(wakeupAddress())));

        await(store.setWakeup(uaid, Optional.empty()));

        assertThat(await(store.wakeup(uaid))).isEmpty();
    }

    @Test
    void wakeupAddressIsPerDevice() {
        Uaid woken = newDevice();
        Uaid other = newDevice();

        await(store.setWakeup(woken, Optional.of(wakeupAddress())));

        assertThat(await(store.wakeup(other))).isEmpty();
    }

    @Test
    void wakeupAddressOfUnknownDeviceIsNotStored() {
        Uaid uaid = Uaid.random();

        await(store.setWakeup(uaid, Optional.of(wakeupAddress())));

        assertThat(await(store.wakeup(uaid))).isEmpty();
        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.UNKNOWN);
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------

    @Test
    void stopIsIdempotent() {
        await(store.stop());
        await(store.stop());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private Uaid newDevice() {
        Uaid uaid = Uaid.random();
        await(store.create(uaid));
        return uaid;
    }

    private static ChannelId newChannel() {
        return ChannelId.of(UUID.randomUUID().toString());
    }

    private ChannelId registered(Uaid uaid) {
        return registered(uaid, newChannel());
    }

    private ChannelId registered(Uaid uaid, ChannelId channel) {
        return registered(uaid, channel, 1_000);
    }

    private ChannelId registered(Uaid uaid, ChannelId channel, int maxChannels) {
        assertThat(await(store.register(uaid, channel, maxChannels))).isEqualTo(Registration.REGISTERED);
        return channel;
    }

    private void advanced(Uaid uaid, ChannelId channel, long version) {
        assertThat(await(store.advance(uaid, channel, Version.of(version)))).isEqualTo(Advance.ADVANCED);
    }

    private static Update update(ChannelId channel, long version) {
        return Update.of(channel, Version.of(version));
    }

    private static WakeupAddress wakeupAddress() {
        return new WakeupAddress("10.1.2.3", 5000, "310", "410", Optional.empty());
    }

    /** The UUID with an uppercase first and a lowercase last letter, so both cases surely occur. */
    private static String mixedCase(String uuid) {
        return "A" + uuid.substring(1, uuid.length() - 1) + "b";
    }

    /**
     * Runs {@code call} on each input from {@link #CONCURRENT_THREADS} threads released at once, and returns the
     * outcomes in input order.
     */
    private static <I, O> List<O> concurrently(List<I> inputs, Function<I, CompletionStage<O>> call)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_THREADS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<O>> futures = new ArrayList<>();
            for (I input : inputs) {
                Callable<O> task = () -> {
                    go.await();
                    return await(call.apply(input));
                };
                futures.add(pool.submit(task));
            }
            go.countDown();
            List<O> outcomes = new ArrayList<>();
            for (Future<O> future : futures) {
                outcomes.add(future.get(5, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
