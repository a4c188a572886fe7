package dev.simplepush.store.memory;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.spi.DeviceStore.Advance;
import dev.simplepush.core.spi.DeviceStore.Create;
import dev.simplepush.core.spi.DeviceStore.Enqueue;
import dev.simplepush.core.spi.DeviceStore.Registration;
import dev.simplepush.core.spi.DeviceStore.Resume;
import dev.simplepush.core.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The in-memory store's own bounds: the device TTL (expiry on access and by the periodic sweep) and the most devices
 * it holds. Time is a {@link ManualScheduler}'s, so the sweep runs exactly when the test moves the clock.
 */
class InMemoryDeviceBoundsTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration ALMOST = TTL.minusSeconds(1);

    private final ManualScheduler time = new ManualScheduler();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger storeLog = (Logger) LoggerFactory.getLogger(InMemoryDeviceStore.class);
    private final List<InMemoryDeviceStore> started = new ArrayList<>();

    @BeforeEach
    void captureLog() {
        log.start();
        storeLog.addAppender(log);
    }

    @AfterEach
    void stop() {
        started.forEach(store -> await(store.stop()));
        storeLog.detachAppender(log);
    }

    private InMemoryDeviceStore store(int maxDevices) {
        InMemoryStoreConfig config = InMemoryStoreConfig.builder().deviceTtl(TTL).maxDevices(maxDevices).build();
        InMemoryDeviceStore store = new InMemoryDeviceStore(config, time.clock(), Optional.of(time));
        await(store.start());
        started.add(store);
        return store;
    }

    /** A store whose sweep never runs by itself: the test calls {@link InMemoryDeviceStore#sweep()}. */
    private InMemoryDeviceStore unswept(int maxDevices) {
        InMemoryStoreConfig config = InMemoryStoreConfig.builder().deviceTtl(TTL).maxDevices(maxDevices).build();
        return new InMemoryDeviceStore(config, time.clock(), Optional.empty());
    }

    private static Uaid created(InMemoryDeviceStore store) {
        Uaid uaid = Uaid.random();
        assertThat(await(store.create(uaid))).isEqualTo(Create.CREATED);
        return uaid;
    }

    /** A SimplePush registration made before generations, which every endpoint of its channel names. */
    private static Subscription simplePush(Uaid uaid, ChannelId channel) {
        return new Subscription(uaid, channel, Optional.empty(), Subscription.NO_GENERATION);
    }

    private static ChannelId registered(InMemoryDeviceStore store, Uaid uaid) {
        ChannelId channel = ChannelId.parse(UUID.randomUUID().toString()).orElseThrow();
        assertThat(await(store.register(simplePush(uaid, channel), 10)).registration())
                .isEqualTo(Registration.REGISTERED);
        return channel;
    }

    @Test
    void deviceNotSeenForTheTtlIsForgottenWithItsChannelsAndUpdates() {
        InMemoryDeviceStore store = unswept(100);
        Uaid uaid = created(store);
        ChannelId channel = registered(store, uaid);
        assertThat(await(store.advance(simplePush(uaid, channel), Version.of(1)))).isEqualTo(Advance.ADVANCED);

        time.advance(TTL);

        // Expired on access, sweep or not: P2.4 then resets the device on its hello.
        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.UNKNOWN);
        assertThat(await(store.channels(uaid))).isEmpty();
        assertThat(await(store.pending(uaid))).isEmpty();
        assertThat(await(store.advance(simplePush(uaid, channel), Version.of(2)))).isEqualTo(Advance.GONE);
        assertThat(store.size()).isZero();
    }

    @Test
    void everyExpiredLookupAnswersAsForAnUnknownDevice() {
        InMemoryDeviceStore store = unswept(100);
        Uaid uaid = created(store);
        ChannelId channel = registered(store, uaid);
        Subscription subscription = new Subscription(uaid, channel, Optional.empty(),
                Subscription.NO_GENERATION);

        time.advance(TTL);

        assertThat(await(store.subscribed(subscription))).isFalse();
        assertThat(await(store.register(simplePush(uaid, channel), 10)).registration())
                .isEqualTo(Registration.UNKNOWN_DEVICE);
        assertThat(await(store.ack(uaid, channel, Version.of(1)))).isFalse();
        assertThat(await(store.wakeup(uaid))).isEmpty();
        assertThat(await(store.messages(uaid, time.clock().instant()))).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void helloAndWritesKeepADeviceAlive() {
        InMemoryDeviceStore store = unswept(100);
        Uaid uaid = created(store);
        ChannelId channel = registered(store, uaid);

        time.advance(ALMOST);
        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.RESUMED);
        time.advance(ALMOST);
        assertThat(await(store.advance(simplePush(uaid, channel), Version.of(5)))).isEqualTo(Advance.ADVANCED);
        time.advance(ALMOST);
        assertThat(await(store.ack(uaid, channel, Version.of(5)))).isTrue();
        time.advance(ALMOST);
        ChannelId webPush = ChannelId.parse(UUID.randomUUID().toString()).orElseThrow();
        Subscription subscription = new Subscription(uaid, webPush, Optional.empty(), 7);
        assertThat(await(store.subscribe(subscription, 10)).registration()).isEqualTo(Registration.REGISTERED);
        time.advance(ALMOST);
        WebPushMessage message = new WebPushMessage(new MessageId("m".repeat(43)), webPush,
                time.clock().instant().plus(Duration.ofDays(1)), Optional.empty(), Optional.empty());
        assertThat(await(store.enqueue(subscription, message, 10, time.clock().instant()))).isEqualTo(Enqueue.QUEUED);
        time.advance(ALMOST);

        assertThat(store.sweep()).isZero();
        assertThat(await(store.resume(uaid, Optional.empty()))).isEqualTo(Resume.RESUMED);
        assertThat(await(store.pending(uaid))).isEmpty();
        assertThat(await(store.channels(uaid))).containsExactlyInAnyOrder(channel, webPush);
    }

    @Test
    void theSweepForgetsExpiredDevicesNobodyAsksFor() {
        InMemoryDeviceStore store = store(100_000);
        List<Uaid> idle = new ArrayList<>();
        for (int i = 0; i < 3 * InMemoryDeviceStore.SWEEP_BATCH; i++) {
            idle.add(created(store));
        }
        time.advance(ALMOST);
        Uaid active = created(store);
        assertThat(store.size()).isEqualTo(idle.size() + 1);

        // A pass over them takes four runs; the pass under way when they expire may have looked at some of them
        // already, so two passes after their TTL.
        time.advance(Duration.ofSeconds(1).plus(InMemoryDeviceStore.SWEEP_PERIOD.multipliedBy(8)));

        assertThat(store.size()).isEqualTo(1);
        assertThat(await(store.resume(active, Optional.empty()))).isEqualTo(Resume.RESUMED);
        assertThat(await(store.resume(idle.get(0), Optional.empty()))).isEqualTo(Resume.UNKNOWN);
    }

    @Test
    void oneSweepRunLooksAtABoundedNumberOfDevicesAndTheNextGoesOn() {
        InMemoryDeviceStore store = unswept(100_000);
        int devices = 2 * InMemoryDeviceStore.SWEEP_BATCH + 1;
        for (int i = 0; i < devices; i++) {
            created(store);
        }
        time.advance(TTL);

        assertThat(store.sweep()).isEqualTo(InMemoryDeviceStore.SWEEP_BATCH);
        assertThat(store.sweep()).isEqualTo(InMemoryDeviceStore.SWEEP_BATCH);
        assertThat(store.sweep()).isEqualTo(1);
        assertThat(store.size()).isZero();
    }

    @Test
    void stopCancelsTheSweep() {
        InMemoryDeviceStore store = store(10);
        assertThat(time.pending()).isEqualTo(1);

        await(store.stop());
        await(store.stop());

        assertThat(time.pending()).isZero();
    }

    @Test
    void aFullStoreRefusesNewDevicesAndKeepsServingKnownOnes() {
        InMemoryDeviceStore store = store(3);
        Uaid first = created(store);
        ChannelId channel = registered(store, first);
        created(store);
        created(store);

        assertThat(await(store.create(Uaid.random()))).isEqualTo(Create.FULL);
        assertThat(await(store.create(Uaid.random()))).isEqualTo(Create.FULL);

        assertThat(store.size()).isEqualTo(3);
        assertThat(await(store.create(first))).as("an existing device").isEqualTo(Create.CREATED);
        assertThat(await(store.resume(first, Optional.of(Set.of(channel))))).isEqualTo(Resume.RESUMED);
        assertThat(await(store.advance(simplePush(first, channel), Version.of(9)))).isEqualTo(Advance.ADVANCED);
        assertThat(await(store.pending(first))).containsExactly(Update.of(channel, Version.of(9)));

        await(store.drop(first));
        created(store);
        assertThat(await(store.create(Uaid.random()))).isEqualTo(Create.FULL);
    }

    @Test
    void expiredDevicesMakeRoomForNewOnes() {
        InMemoryDeviceStore store = store(2);
        created(store);
        created(store);
        assertThat(await(store.create(Uaid.random()))).isEqualTo(Create.FULL);

        time.advance(TTL.plus(InMemoryDeviceStore.SWEEP_PERIOD));

        created(store);
        created(store);
    }

    @Test
    void aFullStoreWarnsAtMostOnceAMinute() {
        InMemoryDeviceStore store = store(1);
        Uaid only = created(store);

        for (int i = 0; i < 100; i++) {
            assertThat(await(store.create(Uaid.random()))).isEqualTo(Create.FULL);
        }
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0).getFormattedMessage()).contains("maximum of 1 devices", "maxDevices");

        // Moved by less than TTL each time, with a hello in between, so the one device stays.
        for (int step = 0; step < 7; step++) {
            time.advance(ALMOST);
            assertThat(await(store.create(Uaid.random()))).isEqualTo(Create.FULL);
            assertThat(await(store.resume(only, Optional.empty()))).isEqualTo(Resume.RESUMED);
        }
        // 63 s later: one more warning, not one per refused device.
        assertThat(warnings()).hasSize(2);
    }

    @Test
    void configRejectsATtlBelowOneSecondAndNoDevices() {
        assertThatThrownBy(() -> InMemoryStoreConfig.builder().deviceTtl(Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deviceTtl");
        assertThatThrownBy(() -> InMemoryStoreConfig.builder().maxDevices(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDevices");
        assertThat(InMemoryStoreConfig.defaults().deviceTtl()).isEqualTo(Duration.ofDays(60));
        assertThat(InMemoryStoreConfig.maxDevicesFor(512L << 20)).isEqualTo(262_144);
        assertThat(InMemoryStoreConfig.maxDevicesFor(1L << 20)).isEqualTo(InMemoryStoreConfig.MIN_DEFAULT_MAX_DEVICES);
        assertThat(InMemoryStoreConfig.maxDevicesFor(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    private List<ILoggingEvent> warnings() {
        return log.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
    }
}
