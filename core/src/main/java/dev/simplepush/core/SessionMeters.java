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
    private final Counter messagesSent;
    private final Counter messagesAcked;
    private final Counter messagesUndelivered;
    private final Counter nacks;

    SessionMeters(MeterRegistry meters) {
        Gauge.builder("simplepush.connections", open, AtomicInteger::get)
                .description("device sockets currently open").register(meters);
        hellos = Counter.builder("simplepush.hellos").description("successful hellos").register(meters);
        resets = Counter.builder("simplepush.hellos.reset")
                .description("hellos answered with a new UAID (new device or reset, P2.4)").register(meters);
        updatesSent = Counter.builder("simplepush.updates.sent")
                .description("updates written to device sockets").register(meters);
        messagesSent = Counter.builder("simplepush.webpush.messages.sent")
                .description("Web Push messages written to device sockets").register(meters);
        messagesAcked = Counter.builder("simplepush.webpush.acks").tag("result", "delivered")
                .description("Web Push acks by what the device reported (W8.1)").register(meters);
        messagesUndelivered = Counter.builder("simplepush.webpush.acks").tag("result", "failed")
                .description("Web Push acks by what the device reported (W8.1)").register(meters);
        nacks = Counter.builder("simplepush.webpush.nacks")
                .description("messages a service worker failed to handle after the ack (W8.2)").register(meters);
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

    void messagesSent(int count) {
        messagesSent.increment(count);
    }

    /** W8.1: 101 (decryption failed) and 102 (not delivered) are failures; 100 and unknown codes count as delivered. */
    void acked(int code) {
        if (code == 101 || code == 102) {
            messagesUndelivered.increment();
        } else {
            messagesAcked.increment();
        }
    }

    void nacked() {
        nacks.increment();
    }
}
