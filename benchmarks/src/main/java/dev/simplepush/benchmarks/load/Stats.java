package dev.simplepush.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** The counters and latency histograms of one run. Thread-safe: written by I/O threads, read by the reporter. */
final class Stats {

    private static final long MAX_TRACKED_NANOS = TimeUnit.MINUTES.toNanos(10);

    final AtomicInteger connected = new AtomicInteger();
    final LongAdder connectAttempts = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder hellos = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder registers = new LongAdder();
    final LongAdder registerFailures = new LongAdder();
    final LongAdder closedByServer = new LongAdder();
    final LongAdder drops = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder puts = new LongAdder();
    final LongAdder put200 = new LongAdder();
    final LongAdder put201 = new LongAdder();
    final LongAdder put202 = new LongAdder();
    final LongAdder putOther = new LongAdder();
    final LongAdder putErrors = new LongAdder();
    final LongAdder notifications = new LongAdder();
    final LongAdder updatesReceived = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    /** Web Push messages whose body was not the one sent (acked with code 101, and counted lost). */
    final LongAdder corrupt = new LongAdder();
    final LongAdder acks = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();

    final AtomicLong firstConnectNanos = new AtomicLong();
    final AtomicLong lastHelloNanos = new AtomicLong();

    private final Recorder receipt = new Recorder(3);
    private final Recorder putLatency = new Recorder(3);
    private final Histogram receiptTotal = new Histogram(MAX_TRACKED_NANOS, 3);
    private final Histogram putTotal = new Histogram(MAX_TRACKED_NANOS, 3);

    void recordReceipt(long nanos) {
        receipt.recordValue(Math.min(Math.max(nanos, 0), MAX_TRACKED_NANOS));
    }

    /** Counts what a {@link ChannelLedger} said of a receipt: its latency, a duplicate, or a corrupt body. */
    void received(long ledgerAnswer) {
        if (ledgerAnswer >= 0) {
            recordReceipt(ledgerAnswer);
        } else if (ledgerAnswer == ChannelLedger.DUPLICATE) {
            duplicates.increment();
        } else if (ledgerAnswer == ChannelLedger.CORRUPT) {
            corrupt.increment();
        }
    }

    void recordPut(long nanos) {
        putLatency.recordValue(Math.min(Math.max(nanos, 0), MAX_TRACKED_NANOS));
    }

    void helloAt(long nanos) {
        hellos.increment();
        lastHelloNanos.accumulateAndGet(nanos, Math::max);
    }

    /** The receipt latencies since the last call, also added to the run's total. Single reader. */
    synchronized Histogram receiptInterval() {
        Histogram interval = receipt.getIntervalHistogram();
        receiptTotal.add(interval);
        return interval;
    }

    /** The PUT answer latencies since the last call, also added to the run's total. Single reader. */
    synchronized Histogram putInterval() {
        Histogram interval = putLatency.getIntervalHistogram();
        putTotal.add(interval);
        return interval;
    }

    /** Every receipt latency of the run so far. */
    synchronized Histogram receiptTotal() {
        receiptInterval();
        return receiptTotal.copy();
    }

    /** Every PUT answer latency of the run so far. */
    synchronized Histogram putTotal() {
        putInterval();
        return putTotal.copy();
    }

    /** Resets the latency totals, so that a measurement excludes warm-up. */
    synchronized void resetLatencies() {
        receipt.reset();
        putLatency.reset();
        receiptTotal.reset();
        putTotal.reset();
    }
}
