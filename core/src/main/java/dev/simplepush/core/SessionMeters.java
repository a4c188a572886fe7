package dev.simplepush.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The meters of the device sessions of one node. Thread-safe. */
final class SessionMeters {

    private final AtomicInteger open = new AtomicInteger();
    private final Counter hellos;
    private final Counter resets;
    private final Counter updatesSent;

    SessionMeters(MeterRegistry meters) {
        Gauge.builder("simplepush.connections", open, AtomicInteger::get)
                .description("device sockets currently open").register(meters);
        hellos = Counter.builder("simplepush.hellos").description("successful hellos").register(meters);
        resets = Counter.builder("simplepush.hellos.reset")
                .description("hellos answered with a new UAID (new device or reset, P2.4)").register(meters);
        updatesSent = Counter.builder("simplepush.updates.sent")
                .description("updates written to device sockets").register(meters);
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    int open() {
        return open.get();
    }

    void hello(boolean reset) {
        hellos.increment();
        if (reset) {
            resets.increment();
        }
    }

    void updatesSent(int count) {
        updatesSent.increment(count);
    }
}
