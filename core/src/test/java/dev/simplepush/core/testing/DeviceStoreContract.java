package dev.simplepush.core.testing;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Endpoint;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.WebPushMessage.Payload;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.DeviceStore.Advance;
import dev.simplepush.core.spi.DeviceStore.Counts;
import dev.simplepush.core.spi.DeviceStore.Create;
import dev.simplepush.core.spi.DeviceStore.Enqueue;
import dev.simplepush.core.spi.DeviceStore.Registration;
import dev.simplepush.core.spi.DeviceStore.Resume;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
    /** The key hash each channel of the running test was subscribed with. */
    private final Map<Endpoint, Optional<String>> keyHashes = new ConcurrentHashMap<>();
    /** The generation each channel of the running test has, as the store last said. */
    private final Map<Endpoint, Long> generations = new ConcurrentHashMap<>();

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

        assertThat(await(store.create(uaid))).isEqualTo(Create.CREATED);

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
        assertThat(await(advance(uaid, dropped, Version.of(3)))).isEqualTo(Advance.GONE);
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
        assertThat(await(advance(uaid, channel, Version.of(9)))).isEqualTo(Advance.GONE);
        assertThat(await(store.ack(uaid, channel, Version.of(9)))).isFalse();
        assertThat(await(register(uaid, newChannel(), 10))).isEqualTo(Registration.UNKNOWN_DEVICE);
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
        assertThat(await(advance(uaid, channel, Version.of(101)))).isEqualTo(Advance.GONE);
    }

    // ---- register and unregister (P3.3, P3.4, P3.5) --------------------------------------------------------

    @Test
    void newChannelIsRegistered() {
        Uaid uaid = newDevice();
        ChannelId channel = newChannel();

        assertThat(await(register(uaid, channel, 10))).isEqualTo(Registration.REGISTERED);

        assertThat(await(store.channels(uaid))).containsExactly(channel);
        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void registeringAgainIsExistsAndKeepsVersionAndPendingUpdate() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 5);

        assertThat(await(register(uaid, channel, 10))).isEqualTo(Registration.EXISTS);

        assertThat(await(store.channels(uaid))).containsExactly(channel);
        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 5));
        assertThat(await(advance(uaid, channel, Version.of(5)))).isEqualTo(Advance.STALE);
    }

    @Test
    void registerOnUnknownDeviceIsUnknownDeviceAndCreatesNothing() {
        Uaid uaid = Uaid.random();

        assertThat(await(register(uaid, newChannel(), 10))).isEqualTo(Registration.UNKNOWN_DEVICE);

        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.UNKNOWN);
        assertThat(await(store.channels(uaid))).isEmpty();
    }

    @Test
    void registerBeyondLimitIsLimitReachedAndChangesNothing() {
        Uaid uaid = newDevice();
        List<ChannelId> allowed = List.of(newChannel(), newChannel(), newChannel());
        for (ChannelId channel : allowed) {
            assertThat(await(register(uaid, channel, 3))).isEqualTo(Registration.REGISTERED);
        }

        assertThat(await(register(uaid, newChannel(), 3))).isEqualTo(Registration.LIMIT_REACHED);

        assertThat(await(store.channels(uaid))).containsExactlyInAnyOrderElementsOf(allowed);
    }

    @Test
    void registeringExistingChannelAtLimitIsExists() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid, newChannel(), 1);

        assertThat(await(register(uaid, channel, 1))).isEqualTo(Registration.EXISTS);
    }

    @Test
    void unregisterFreesRoomUnderLimit() {
        Uaid uaid = newDevice();
        ChannelId first = registered(uaid, newChannel(), 1);
        assertThat(await(register(uaid, newChannel(), 1))).isEqualTo(Registration.LIMIT_REACHED);

        await(store.unregister(uaid, first));

        assertThat(await(register(uaid, newChannel(), 1))).isEqualTo(Registration.REGISTERED);
    }

    @Test
    void concurrentRegistersNeverExceedLimit() throws Exception {
        int limit = 10;
        for (int round = 0; round < CONCURRENT_ROUNDS; round++) {
            Uaid uaid = newDevice();
            List<ChannelId> candidates = IntStream.range(0, 4 * limit).mapToObj(i -> newChannel()).toList();

            List<Registration> outcomes = concurrently(candidates, channel -> register(uaid, channel, limit));

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
        assertThat(await(register(first, channel, 10))).isEqualTo(Registration.REGISTERED);
        assertThat(await(advance(second, channel, Version.of(1)))).isEqualTo(Advance.GONE);
        assertThat(await(register(second, channel, 10))).isEqualTo(Registration.REGISTERED);
        advanced(first, channel, 50);
        assertThat(await(advance(second, channel, Version.of(10)))).isEqualTo(Advance.ADVANCED);
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
            assertThat(await(register(uaid, channel, 10))).isEqualTo(Registration.REGISTERED);
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
        assertThat(await(advance(uaid, removed, Version.of(5)))).isEqualTo(Advance.GONE);
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

        assertThat(await(register(uaid, channel, 10))).isEqualTo(Registration.REGISTERED);

        assertThat(await(store.pending(uaid))).isEmpty();
        assertThat(await(advance(uaid, channel, Version.of(1)))).isEqualTo(Advance.ADVANCED);
    }

    @Test
    void p3_5_endpointsOfAnUnregisteredChannelStayGoneWhenItIsRegisteredAgain() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        Subscription before = registrationOf(uaid, channel);
        advanced(uaid, channel, 5);
        await(store.unregister(uaid, channel));

        assertThat(await(register(uaid, channel, 10))).isEqualTo(Registration.REGISTERED);
        Subscription after = registrationOf(uaid, channel);

        // P3.5 (as W3.4 for Web Push): a registration again is a new one; the old one's endpoints stay 410.
        assertThat(after.generation()).isNotEqualTo(before.generation())
                .isNotEqualTo(Subscription.NO_GENERATION);
        assertThat(await(store.advance(before, Version.of(6)))).isEqualTo(Advance.GONE);
        assertThat(await(store.pending(uaid))).isEmpty();
        assertThat(await(store.advance(after, Version.of(1)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store.advance(before, Version.of(7)))).isEqualTo(Advance.GONE);
        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 1));
        assertThat(await(store.subscribed(before))).isFalse();
        assertThat(await(store.subscribed(after))).isTrue();
    }

    @Test
    void p3_3_registeringAgainKeepsTheGenerationSoEveryEndpointWorks() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        Subscription first = registrationOf(uaid, channel);

        assertThat(await(register(uaid, channel, 10))).isEqualTo(Registration.EXISTS);

        assertThat(registrationOf(uaid, channel)).isEqualTo(first);
        assertThat(await(store.advance(first, Version.of(3)))).isEqualTo(Advance.ADVANCED);
    }

    @Test
    void p3_5_aRegistrationWithoutGenerationReachesNoChannelRegisteredWithOne() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);

        // An endpoint minted before generations names NO_GENERATION: it may only reach a channel stored back then.
        assertThat(await(store.advance(new Subscription(uaid, channel, Optional.empty(), Subscription.NO_GENERATION),
                Version.of(1)))).isEqualTo(Advance.GONE);
        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void p3_5_aSimplePushChannelRekeyedByWebPushTakesNoVersions() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        Subscription simplePush = registrationOf(uaid, channel);

        assertThat(await(subscribeAs(uaid, channel, 1_000, Optional.of(keyHash())))).isEqualTo(Registration.REKEYED);

        assertThat(await(store.advance(simplePush, Version.of(1)))).isEqualTo(Advance.GONE);
        assertThat(await(store.register(simplePush.withGeneration(Subscription.newGeneration()), 1_000)).registration())
                .as("P3.3: kept as it is").isEqualTo(Registration.EXISTS);
        assertThat(await(store.advance(simplePush, Version.of(2)))).isEqualTo(Advance.GONE);
    }

    @Test
    void aSimplePushRegistrationHasNoKeyHash() {
        Uaid uaid = newDevice();
        Subscription keyed = new Subscription(uaid, newChannel(), Optional.of(keyHash()), Subscription.newGeneration());

        assertThatThrownBy(() -> store.register(keyed, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.advance(keyed, Version.of(1))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- advance (P5.1) ------------------------------------------------------------------------------------

    @Test
    void firstUpdateOfFreshChannelAdvancesEvenAtVersionZero() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);

        assertThat(await(advance(uaid, channel, Version.ZERO))).isEqualTo(Advance.ADVANCED);
        assertThat(await(advance(uaid, channel, Version.ZERO))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 0));
    }

    @Test
    void newerVersionAdvancesAndReplacesPendingVersion() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        assertThat(await(advance(uaid, channel, Version.of(11)))).isEqualTo(Advance.ADVANCED);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 11));
    }

    @Test
    void equalVersionIsStale() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        assertThat(await(advance(uaid, channel, Version.of(10)))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 10));
    }

    @Test
    void staleVersionIsNotStored() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);

        assertThat(await(advance(uaid, channel, Version.of(9)))).isEqualTo(Advance.STALE);
        assertThat(await(advance(uaid, channel, Version.ZERO))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 10));
    }

    @Test
    void staleVersionAfterAckDoesNotMakeChannelPendingAgain() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 10);
        assertThat(await(store.ack(uaid, channel, Version.of(10)))).isTrue();

        assertThat(await(advance(uaid, channel, Version.of(10)))).isEqualTo(Advance.STALE);
        assertThat(await(advance(uaid, channel, Version.of(3)))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void largestVersionAdvancesAndNothingIsNewer() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, Long.MAX_VALUE - 1);

        assertThat(await(advance(uaid, channel, Version.of(Long.MAX_VALUE)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(advance(uaid, channel, Version.of(Long.MAX_VALUE)))).isEqualTo(Advance.STALE);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, Long.MAX_VALUE));
    }

    @Test
    void advanceOnUnknownDeviceOrChannelIsGone() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);

        assertThat(await(advance(Uaid.random(), channel, Version.of(1)))).isEqualTo(Advance.GONE);
        assertThat(await(advance(uaid, newChannel(), Version.of(1)))).isEqualTo(Advance.GONE);

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

            List<Advance> outcomes = concurrently(versions, version -> advance(uaid, channel, version));

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

            List<Advance> outcomes = concurrently(versions, version -> advance(uaid, channel, version));

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
        assertThat(await(advance(uaid, channel, max))).isEqualTo(Advance.STALE);
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
        assertThat(await(advance(uaid, channel, Version.of(10)))).isEqualTo(Advance.STALE);
        assertThat(await(advance(uaid, channel, Version.of(11)))).isEqualTo(Advance.ADVANCED);
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
                    return await(advance(uaid, channel, Version.of(newer)));
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

    // ---- Web Push subscriptions and queues (W3, W6.5, W6.8, W8.1, W9) ----------------------------------------

    @Test
    void w9_1_queuedMessageComesBackWhole() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        WebPushMessage aes128gcm = message(channel, Duration.ofMinutes(5), Optional.of("news"),
                Optional.of(Payload.aes128gcm("3q2-7w")));
        WebPushMessage aesgcm = message(channel, Duration.ofMinutes(5), Optional.empty(), Optional.of(new Payload(
                "AAEC", "aesgcm", Optional.of("salt=abc"), Optional.of("dh=def;p256ecdsa=ghi"))));
        WebPushMessage empty = message(channel, Duration.ofSeconds(30), Optional.empty(), Optional.empty());

        assertThat(List.of(enqueue(uaid, aes128gcm), enqueue(uaid, aesgcm), enqueue(uaid, empty)))
                .containsOnly(Enqueue.QUEUED);

        assertThat(await(store.messages(uaid, NOW))).containsExactly(aes128gcm, aesgcm, empty);
    }

    @Test
    void w9_1_messagesComeBackInArrivalOrderAcrossChannels() {
        Uaid uaid = newDevice();
        ChannelId first = subscribed(uaid, Optional.empty());
        ChannelId second = subscribed(uaid, Optional.of(keyHash()));
        List<WebPushMessage> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            WebPushMessage message = message(i % 3 == 0 ? second : first);
            assertThat(await(enqueueAs(uaid, message, i % 3 == 0 ? hashOf(uaid, second) : Optional.empty(),
                    100, NOW))).isEqualTo(Enqueue.QUEUED);
            sent.add(message);
        }

        assertThat(await(store.messages(uaid, NOW))).containsExactlyElementsOf(sent);
    }

    // ---- counts, for an operator's look-up -----------------------------------------------------------------

    @Test
    void countsOfUnknownDeviceAreEmpty() {
        assertThat(await(store.counts(Uaid.random()))).isEmpty();
    }

    @Test
    void countsOfNewDeviceAreZero() {
        assertThat(await(store.counts(newDevice()))).contains(new Counts(0, 0, 0));
    }

    @Test
    void countsFollowChannelsPendingUpdatesAndQueuedMessages() {
        Uaid uaid = newDevice();
        ChannelId pendingChannel = registered(uaid);
        ChannelId ackedChannel = registered(uaid);
        registered(uaid);
        advanced(uaid, pendingChannel, 3);
        advanced(uaid, ackedChannel, 4);
        assertThat(await(store.ack(uaid, ackedChannel, Version.of(4)))).isTrue();
        ChannelId subscription = subscribed(uaid, Optional.empty());
        WebPushMessage first = message(subscription);
        enqueue(uaid, first);
        enqueue(uaid, message(subscription));

        assertThat(await(store.counts(uaid))).contains(new Counts(4, 1, 2));

        assertThat(await(store.remove(uaid, subscription, first.id()))).isTrue();
        await(store.unregister(uaid, pendingChannel));
        assertThat(await(store.counts(uaid))).contains(new Counts(3, 0, 1));

        await(store.drop(uaid));
        assertThat(await(store.counts(uaid))).isEmpty();
    }

    @Test
    void w9_1_messagesDoNotTouchTheSimplePushVersion() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        advanced(uaid, channel, 5);

        assertThat(enqueue(uaid, message(channel))).isEqualTo(Enqueue.QUEUED);

        assertThat(await(store.pending(uaid))).containsExactly(update(channel, 5));
        assertThat(await(advance(uaid, channel, Version.of(6)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store.messages(uaid, NOW))).hasSize(1);
    }

    @Test
    void w9_1_expiredMessagesAreNeverReturnedAndFreeTheirPlace() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        WebPushMessage shortLived = message(channel, Duration.ofSeconds(10), Optional.empty(), Optional.empty());
        WebPushMessage longLived = message(channel, Duration.ofSeconds(60), Optional.empty(), Optional.empty());
        enqueue(uaid, shortLived);
        enqueue(uaid, longLived);

        assertThat(await(store.messages(uaid, NOW.plusSeconds(9)))).containsExactly(shortLived, longLived);
        // Expiry is received time + TTL: at that instant the message is gone.
        assertThat(await(store.messages(uaid, NOW.plusSeconds(10)))).containsExactly(longLived);
        assertThat(await(store.messages(uaid, NOW))).as("dropped for good").containsExactly(longLived);

        WebPushMessage next = message(channel, Duration.ofSeconds(120), Optional.empty(), Optional.empty());
        assertThat(await(enqueueAs(uaid, next, Optional.empty(), 1, NOW.plusSeconds(61))))
                .as("expired messages do not count against the queue limit (W9.4)").isEqualTo(Enqueue.QUEUED);
        assertThat(await(store.messages(uaid, NOW.plusSeconds(61)))).containsExactly(next);
    }

    @Test
    void w6_5_newerMessageWithSameTopicReplacesThePendingOne() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        ChannelId other = subscribed(uaid, Optional.empty());
        WebPushMessage old = message(channel, Duration.ofMinutes(1), Optional.of("scores"), Optional.empty());
        WebPushMessage untopical = message(channel);
        WebPushMessage elsewhere = message(other, Duration.ofMinutes(1), Optional.of("scores"), Optional.empty());
        WebPushMessage newer = message(channel, Duration.ofMinutes(1), Optional.of("scores"),
                Optional.of(Payload.aes128gcm("bmV3")));
        enqueue(uaid, old);
        enqueue(uaid, untopical);
        enqueue(uaid, elsewhere);

        assertThat(enqueue(uaid, newer)).isEqualTo(Enqueue.QUEUED);

        assertThat(await(store.messages(uaid, NOW))).containsExactly(untopical, elsewhere, newer);
        assertThat(await(store.remove(uaid, channel, old.id()))).as("the replaced message is gone").isFalse();
    }

    @Test
    void w6_5_replacingByTopicIsAllowedOnAFullQueue() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        WebPushMessage old = message(channel, Duration.ofMinutes(1), Optional.of("t1"), Optional.empty());
        WebPushMessage newer = message(channel, Duration.ofMinutes(1), Optional.of("t1"), Optional.empty());
        assertThat(await(enqueueAs(uaid, old, Optional.empty(), 1, NOW))).isEqualTo(Enqueue.QUEUED);

        assertThat(await(enqueueAs(uaid, newer, Optional.empty(), 1, NOW))).isEqualTo(Enqueue.QUEUED);

        assertThat(await(store.messages(uaid, NOW))).containsExactly(newer);
    }

    @Test
    void w8_1_removeTakesOneMessageForGood() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        WebPushMessage first = message(channel);
        WebPushMessage second = message(channel);
        enqueue(uaid, first);
        enqueue(uaid, second);

        assertThat(await(store.remove(uaid, newChannel(), first.id()))).as("another channel").isFalse();
        assertThat(await(store.remove(uaid, channel, first.id()))).isTrue();
        assertThat(await(store.remove(uaid, channel, first.id()))).as("already removed").isFalse();
        assertThat(await(store.remove(Uaid.random(), channel, second.id()))).as("unknown device").isFalse();

        assertThat(await(store.messages(uaid, NOW))).containsExactly(second);
    }

    @Test
    void w9_4_fullQueueRefusesAndChangesNothing() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        ChannelId other = subscribed(uaid, Optional.empty());
        List<WebPushMessage> kept = List.of(message(channel), message(channel), message(channel));
        for (WebPushMessage message : kept) {
            assertThat(await(enqueueAs(uaid, message, Optional.empty(), 3, NOW))).isEqualTo(Enqueue.QUEUED);
        }

        assertThat(await(enqueueAs(uaid, message(channel), Optional.empty(), 3, NOW)))
                .isEqualTo(Enqueue.QUEUE_FULL);
        WebPushMessage elsewhere = message(other);
        assertThat(await(enqueueAs(uaid, elsewhere, Optional.empty(), 3, NOW)))
                .as("the limit is per subscription").isEqualTo(Enqueue.QUEUED);
        assertThat(await(store.messages(uaid, NOW))).containsExactly(kept.get(0), kept.get(1), kept.get(2), elsewhere);

        await(store.remove(uaid, channel, kept.get(0).id()));
        assertThat(await(enqueueAs(uaid, message(channel), Optional.empty(), 3, NOW)))
                .as("an ack makes room").isEqualTo(Enqueue.QUEUED);
    }

    @Test
    void w9_4_concurrentMessagesNeverOverfillTheQueue() throws Exception {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        List<WebPushMessage> messages = IntStream.range(0, CONCURRENT_ROUNDS).mapToObj(i -> message(channel)).toList();

        List<Enqueue> outcomes = concurrently(messages, m -> enqueueAs(uaid, m, Optional.empty(), 5, NOW));

        assertThat(outcomes).filteredOn(o -> o == Enqueue.QUEUED).hasSize(5);
        assertThat(outcomes).filteredOn(o -> o == Enqueue.QUEUE_FULL).hasSize(CONCURRENT_ROUNDS - 5);
        assertThat(await(store.messages(uaid, NOW))).hasSize(5);
    }

    @Test
    void w9_1_messageForMissingDeviceOrChannelIsGone() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());

        assertThat(await(enqueueAs(Uaid.random(), message(channel), Optional.empty(), 100, NOW)))
                .isEqualTo(Enqueue.GONE);
        assertThat(enqueue(uaid, message(newChannel()))).isEqualTo(Enqueue.GONE);
        await(store.unregister(uaid, channel));
        assertThat(enqueue(uaid, message(channel))).isEqualTo(Enqueue.GONE);
        assertThat(await(isSubscribed(uaid, channel, Optional.empty()))).isFalse();
    }

    @Test
    void w3_2_restrictedSubscriptionTakesOnlyItsKeyHash() {
        Uaid uaid = newDevice();
        String key = keyHash();
        ChannelId restricted = subscribed(uaid, Optional.of(key));
        ChannelId open = subscribed(uaid, Optional.empty());

        assertThat(await(isSubscribed(uaid, restricted, Optional.of(key)))).isTrue();
        assertThat(await(isSubscribed(uaid, restricted, Optional.empty()))).isFalse();
        assertThat(await(isSubscribed(uaid, restricted, Optional.of(keyHash())))).isFalse();
        assertThat(await(isSubscribed(uaid, open, Optional.empty()))).isTrue();
        assertThat(await(isSubscribed(uaid, open, Optional.of(key)))).isFalse();
        assertThat(await(enqueueAs(uaid, message(restricted), Optional.empty(), 100, NOW)))
                .isEqualTo(Enqueue.GONE);
        assertThat(await(enqueueAs(uaid, message(restricted), Optional.of(keyHash()), 100, NOW)))
                .isEqualTo(Enqueue.GONE);
        assertThat(await(enqueueAs(uaid, message(open), Optional.of(key), 100, NOW))).isEqualTo(Enqueue.GONE);
        assertThat(await(enqueueAs(uaid, message(restricted), Optional.of(key), 100, NOW)))
                .isEqualTo(Enqueue.QUEUED);
        assertThat(await(store.channels(uaid))).containsExactlyInAnyOrder(restricted, open);
    }

    @Test
    void w3_3_subscribingAgainWithTheSameKeyKeepsTheQueue() {
        Uaid uaid = newDevice();
        String key = keyHash();
        ChannelId channel = subscribed(uaid, Optional.of(key));
        WebPushMessage message = message(channel);
        assertThat(await(enqueueAs(uaid, message, Optional.of(key), 100, NOW))).isEqualTo(Enqueue.QUEUED);

        assertThat(await(subscribeAs(uaid, channel, 1_000, Optional.of(key)))).isEqualTo(Registration.EXISTS);

        assertThat(await(store.messages(uaid, NOW))).containsExactly(message);
    }

    @Test
    void w3_3_subscribingAgainWithAnotherKeyRekeysAndDropsTheQueue() {
        Uaid uaid = newDevice();
        String oldKey = keyHash();
        String newKey = keyHash();
        ChannelId channel = subscribed(uaid, Optional.of(oldKey));
        await(enqueueAs(uaid, message(channel), Optional.of(oldKey), 100, NOW));

        assertThat(await(subscribeAs(uaid, channel, 1_000, Optional.of(newKey)))).isEqualTo(Registration.REKEYED);

        assertThat(await(store.messages(uaid, NOW))).isEmpty();
        assertThat(await(isSubscribed(uaid, channel, Optional.of(oldKey)))).isFalse();
        assertThat(await(enqueueAs(uaid, message(channel), Optional.of(oldKey), 100, NOW)))
                .as("the old endpoint is gone").isEqualTo(Enqueue.GONE);
        assertThat(await(subscribeAs(uaid, channel, 1_000, Optional.empty())))
                .as("a key, then none").isEqualTo(Registration.REKEYED);
        assertThat(await(isSubscribed(uaid, channel, Optional.empty()))).isTrue();
        assertThat(await(subscribeAs(uaid, channel, 1_000, Optional.of(oldKey))))
                .as("none, then a key").isEqualTo(Registration.REKEYED);
        assertThat(await(store.channels(uaid))).containsExactly(channel);
    }

    @Test
    void w3_1_subscribeObeysTheChannelLimitAndNeedsTheDevice() {
        Uaid uaid = newDevice();
        assertThat(await(subscribeAs(uaid, newChannel(), 2, Optional.empty()))).isEqualTo(Registration.REGISTERED);
        registered(uaid);

        assertThat(await(subscribeAs(uaid, newChannel(), 2, Optional.of(keyHash()))))
                .isEqualTo(Registration.LIMIT_REACHED);
        assertThat(await(subscribeAs(Uaid.random(), newChannel(), 2, Optional.empty())))
                .isEqualTo(Registration.UNKNOWN_DEVICE);
    }

    @Test
    void w3_2_simplePushVersionsCannotReachARestrictedSubscription() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.of(keyHash()));

        assertThat(await(advance(uaid, channel, Version.of(1)))).isEqualTo(Advance.GONE);
        assertThat(await(store.pending(uaid))).isEmpty();
    }

    @Test
    void w3_4_unregisterDropsTheQueueForGood() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        ChannelId other = subscribed(uaid, Optional.empty());
        enqueue(uaid, message(channel));
        WebPushMessage kept = message(other);
        enqueue(uaid, kept);

        await(store.unregister(uaid, channel));
        subscribed(uaid, channel, Optional.empty());

        assertThat(await(store.messages(uaid, NOW))).containsExactly(kept);
    }

    @Test
    void w9_1_droppedDeviceAndResumeListDropMessages() {
        Uaid uaid = newDevice();
        ChannelId kept = subscribed(uaid, Optional.empty());
        ChannelId unlisted = subscribed(uaid, Optional.empty());
        WebPushMessage keptMessage = message(kept);
        enqueue(uaid, keptMessage);
        enqueue(uaid, message(unlisted));

        assertThat(await(store.resume(uaid, Optional.of(Set.of(kept))))).isEqualTo(Resume.RESUMED);
        assertThat(await(store.messages(uaid, NOW))).containsExactly(keptMessage);

        await(store.drop(uaid));
        assertThat(await(store.messages(uaid, NOW))).isEmpty();
        await(store.create(uaid));
        subscribed(uaid, kept, Optional.empty());
        assertThat(await(store.messages(uaid, NOW))).as("a new device under the old UAID inherits nothing").isEmpty();
    }

    @Test
    void w3_4_aChannelRegisteredAgainIsANewSubscription() {
        Uaid uaid = newDevice();
        ChannelId channel = subscribed(uaid, Optional.empty());
        Subscription first = subscriptionOf(uaid, channel, Optional.empty());
        enqueue(uaid, message(channel));

        await(store.unregister(uaid, channel));
        subscribed(uaid, channel, Optional.empty());
        Subscription second = subscriptionOf(uaid, channel, Optional.empty());

        assertThat(second.generation()).isNotEqualTo(first.generation());
        assertThat(await(store.subscribed(first))).as("the old registration's endpoints stay gone").isFalse();
        assertThat(await(store.enqueue(first, message(channel), 100, NOW))).isEqualTo(Enqueue.GONE);
        assertThat(await(store.subscribed(second))).isTrue();
        assertThat(await(store.enqueue(second, message(channel), 100, NOW))).isEqualTo(Enqueue.QUEUED);
    }

    @Test
    void w3_3_subscribingAgainKeepsTheGenerationUnlessTheKeyChanges() {
        Uaid uaid = newDevice();
        String key = keyHash();
        ChannelId channel = subscribed(uaid, Optional.of(key));
        long generation = subscriptionOf(uaid, channel, Optional.of(key)).generation();

        assertThat(await(subscribeAs(uaid, channel, 1_000, Optional.of(key)))).isEqualTo(Registration.EXISTS);
        assertThat(subscriptionOf(uaid, channel, Optional.of(key)).generation()).isEqualTo(generation);

        assertThat(await(subscribeAs(uaid, channel, 1_000, Optional.empty()))).isEqualTo(Registration.REKEYED);
        assertThat(subscriptionOf(uaid, channel, Optional.empty()).generation()).isNotEqualTo(generation);
        assertThat(await(store.subscribed(new Subscription(uaid, channel, Optional.empty(), generation))))
                .as("the new registration has the new generation only").isFalse();
    }

    @Test
    void w1_4_aSimplePushChannelIsAnOpenSubscriptionThatTakesVersions() {
        Uaid uaid = newDevice();
        ChannelId channel = registered(uaid);
        long generation = registrationOf(uaid, channel).generation();

        assertThat(await(subscribeAs(uaid, channel, 1_000, Optional.empty()))).isEqualTo(Registration.EXISTS);

        assertThat(subscriptionOf(uaid, channel, Optional.empty()).generation()).isEqualTo(generation);
        assertThat(await(isSubscribed(uaid, channel, Optional.empty()))).isTrue();
        assertThat(enqueue(uaid, message(channel))).isEqualTo(Enqueue.QUEUED);
        assertThat(await(advance(uaid, channel, Version.of(3)))).isEqualTo(Advance.ADVANCED);
        ChannelId webPushOnly = subscribed(uaid, Optional.empty());
        assertThat(await(advance(uaid, webPushOnly, Version.of(3))))
                .as("a Web Push subscription of its own takes no versions").isEqualTo(Advance.GONE);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** The "now" of the Web Push tests; stores keep instants to the millisecond. */
    private static final Instant NOW = Instant.ofEpochMilli(1_790_000_000_123L);

    private ChannelId subscribed(Uaid uaid, Optional<String> keyHash) {
        return subscribed(uaid, newChannel(), keyHash);
    }

    private ChannelId subscribed(Uaid uaid, ChannelId channel, Optional<String> keyHash) {
        assertThat(await(subscribeAs(uaid, channel, 1_000, keyHash))).isEqualTo(Registration.REGISTERED);
        return channel;
    }

    /**
     * Subscribes with a fresh generation and remembers, for the channel, the key hash and the generation the store
     * answered.
     */
    private CompletionStage<Registration> subscribeAs(Uaid uaid, ChannelId channel, int maxChannels,
            Optional<String> keyHash) {
        Subscription requested = new Subscription(uaid, channel, keyHash, Subscription.newGeneration());
        return store.subscribe(requested, maxChannels).thenApply(subscribed -> {
            Registration registration = subscribed.registration();
            if (registration == Registration.REGISTERED || registration == Registration.REKEYED) {
                assertThat(subscribed.generation()).as("a new registration takes the requested generation")
                        .isEqualTo(requested.generation());
                keyHashes.put(new Endpoint(uaid, channel), keyHash);
            }
            if (registration == Registration.REGISTERED || registration == Registration.REKEYED
                    || registration == Registration.EXISTS) {
                generations.put(new Endpoint(uaid, channel), subscribed.generation());
            }
            return registration;
        });
    }

    /** The subscription of {@code channel} as the test last registered it, with {@code keyHash}. */
    private Subscription subscriptionOf(Uaid uaid, ChannelId channel, Optional<String> keyHash) {
        return new Subscription(uaid, channel, keyHash,
                generations.getOrDefault(new Endpoint(uaid, channel), Subscription.NO_GENERATION));
    }

    private CompletionStage<Boolean> isSubscribed(Uaid uaid, ChannelId channel, Optional<String> keyHash) {
        return store.subscribed(subscriptionOf(uaid, channel, keyHash));
    }

    private CompletionStage<Enqueue> enqueueAs(Uaid uaid, WebPushMessage message, Optional<String> keyHash,
            int maxQueued, Instant now) {
        return store.enqueue(subscriptionOf(uaid, message.channelId(), keyHash), message, maxQueued, now);
    }

    private Optional<String> hashOf(Uaid uaid, ChannelId channel) {
        return keyHashes.getOrDefault(new Endpoint(uaid, channel), Optional.empty());
    }

    /** Enqueues under the channel's own key hash, limit 100, at {@link #NOW}. */
    private Enqueue enqueue(Uaid uaid, WebPushMessage message) {
        return await(enqueueAs(uaid, message, hashOf(uaid, message.channelId()), 100, NOW));
    }

    /** A message of TTL 60 s received at {@link #NOW}, without topic or body. */
    private static WebPushMessage message(ChannelId channel) {
        return message(channel, Duration.ofSeconds(60), Optional.empty(), Optional.empty());
    }

    private static WebPushMessage message(ChannelId channel, Duration ttl, Optional<String> topic,
            Optional<Payload> payload) {
        return new WebPushMessage(new MessageId(randomBase64Url(64)), channel, NOW.plus(ttl), topic, payload);
    }

    /** What {@code VapidKey.hash()} looks like: 43 characters of URL-safe base64. */
    private static String keyHash() {
        return randomBase64Url(43);
    }

    private static String randomBase64Url(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private Uaid newDevice() {
        Uaid uaid = Uaid.random();
        assertThat(await(store.create(uaid))).as("a new device").isEqualTo(Create.CREATED);
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
        assertThat(await(register(uaid, channel, maxChannels))).isEqualTo(Registration.REGISTERED);
        return channel;
    }

    /**
     * Registers a SimplePush channel with a fresh generation and remembers, for the channel, the generation the store
     * answered.
     */
    private CompletionStage<Registration> register(Uaid uaid, ChannelId channel, int maxChannels) {
        Subscription requested = new Subscription(uaid, channel, Optional.empty(), Subscription.newGeneration());
        return store.register(requested, maxChannels).thenApply(subscribed -> {
            Registration registration = subscribed.registration();
            if (registration == Registration.REGISTERED) {
                assertThat(subscribed.generation()).as("a new registration takes the requested generation")
                        .isEqualTo(requested.generation());
            }
            if (registration == Registration.REGISTERED || registration == Registration.EXISTS) {
                generations.put(new Endpoint(uaid, channel), subscribed.generation());
            }
            return registration;
        });
    }

    /** The SimplePush registration of {@code channel} as the test last registered it: what its endpoint names. */
    private Subscription registrationOf(Uaid uaid, ChannelId channel) {
        return subscriptionOf(uaid, channel, Optional.empty());
    }

    /** Advances the channel's registration as the test last registered it. */
    private CompletionStage<Advance> advance(Uaid uaid, ChannelId channel, Version version) {
        return store.advance(registrationOf(uaid, channel), version);
    }

    private void advanced(Uaid uaid, ChannelId channel, long version) {
        assertThat(await(advance(uaid, channel, Version.of(version)))).isEqualTo(Advance.ADVANCED);
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
