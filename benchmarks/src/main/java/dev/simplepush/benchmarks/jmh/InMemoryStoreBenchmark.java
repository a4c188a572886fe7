package dev.simplepush.benchmarks.jmh;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Version;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.store.memory.InMemoryStoreModule;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-memory store's per-notification work: {@code advance} (compare-and-raise, P5.1) and {@code ack}
 * (conditional clear, P5.3), over a population of devices with one channel each, single-threaded and with two
 * threads contending (this machine's core count).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InMemoryStoreBenchmark {

    @Param({"15000"})
    public int devices;

    private DeviceStore store;
    private Uaid[] uaids;
    private ChannelId[] channels;
    private Subscription[] registrations;
    private final AtomicLong version = new AtomicLong();

    /** Devices created and registered before measuring. */
    @Setup
    public void setUp() {
        store = InMemoryStoreModule.newDeviceStore(Clock.systemUTC());
        uaids = new Uaid[devices];
        channels = new ChannelId[devices];
        registrations = new Subscription[devices];
        for (int i = 0; i < devices; i++) {
            uaids[i] = Uaid.random();
            channels[i] = ChannelId.of(UUID.randomUUID().toString());
            store.create(uaids[i]).toCompletableFuture().join();
            registrations[i] = new Subscription(uaids[i], channels[i], Optional.empty(), Subscription.newGeneration());
            store.register(registrations[i], 1000).toCompletableFuture().join();
        }
    }

    /** One PUT's store work: a newer version for a random device. */
    @Benchmark
    public DeviceStore.Advance advance() {
        int i = ThreadLocalRandom.current().nextInt(devices);
        return store.advance(registrations[i], Version.of(version.incrementAndGet()))
                .toCompletableFuture().join();
    }

    /** One PUT and the device's ack of it. */
    @Benchmark
    public Boolean advanceThenAck() {
        int i = ThreadLocalRandom.current().nextInt(devices);
        Version v = Version.of(version.incrementAndGet());
        store.advance(registrations[i], v).toCompletableFuture().join();
        return store.ack(uaids[i], channels[i], v).toCompletableFuture().join();
    }

    /** {@link #advanceThenAck} from two threads at once. */
    @Benchmark
    @Threads(2)
    public Boolean advanceThenAckContended() {
        return advanceThenAck();
    }
}
