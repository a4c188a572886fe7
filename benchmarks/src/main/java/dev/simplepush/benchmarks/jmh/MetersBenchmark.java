package dev.simplepush.benchmarks.jmh;

import dev.simplepush.core.PushTimers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the operator's meters add per notification, piece by piece, in the forms the server uses them: a counter
 * increment, a timer of {@link PushTimers}' buckets recording once, and a store call or delivery stage with and
 * without its timing ({@code whenComplete}/{@code thenApply} and two clock reads). Run with
 * {@code -prof dev.simplepush.benchmarks.jmh.ProcessCpuProfiler} for CPU time per operation, which another process
 * on the machine does not inflate as it does time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetersBenchmark {

    private Counter counter;
    private Timer timer;
    private final CompletableFuture<Boolean> answered = CompletableFuture.completedFuture(true);

    /** One registry, meters built once, as the server builds them. */
    @Setup
    public void setUp() {
        MeterRegistry meters = new SimpleMeterRegistry();
        counter = Counter.builder("bench.requests").tag("outcome", "delivered").register(meters);
        timer = PushTimers.builder("bench.duration", "a timer with the shared buckets").tag("dialect", "webpush")
                .register(meters);
    }

    /** A counter increment: what every endpoint answer did before too. */
    @Benchmark
    public void counterIncrement() {
        counter.increment();
    }

    /** A timer recording a duration read from the clock: an endpoint answer or a wake-up sent. */
    @Benchmark
    public void timerRecord() {
        timer.record(System.nanoTime() - 1_000L, TimeUnit.NANOSECONDS);
    }

    /** A store call's stage as the core used it before: completed, one dependent. */
    @Benchmark
    public Object stageBare() {
        return answered.thenApply(live -> live);
    }

    /** The same stage through the store decorator: a clock read before, one after, the timer, one more stage. */
    @Benchmark
    public Object stageTimed() {
        long start = System.nanoTime();
        return answered.whenComplete((value, failure) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
                .thenApply(live -> live);
    }
}
