package dev.simplepush.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The meters of the device sessions of one node. Thread-safe. */
final class SessionMeters {

    static final String DELIVERY = "simplepush.delivery.duration";

    private final AtomicInteger open = new AtomicInteger();
    private final Counter hellos;
    private final Counter resets;
    private final Counter updatesSent;
    private final Counter messagesSent;
    private final Counter messagesAcked;
    private final Counter messagesUndelivered;
    private final Counter nacks;
    private final Timer updateDelivery;
    private final Timer messageDelivery;

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
        updateDelivery = deliveryTimer(meters, "simplepush");
        messageDelivery = deliveryTimer(meters, "webpush");
    }

    private static Timer deliveryTimer(MeterRegistry meters, String dialect) {
        return PushTimers.builder(DELIVERY, "live deliveries, from the store's acceptance to the notification "
                + "written to the device's socket (on this node) or the holding node's receipt (on another)")
                .tag("dialect", dialect).register(meters);
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

    /** A live delivery of {@code notice} took {@code nanos} from the store's acceptance. */
    void delivered(Notice notice, long nanos) {
        (notice instanceof Update ? updateDelivery : messageDelivery).record(nanos, TimeUnit.NANOSECONDS);
    }

    void nacked() {
        nacks.increment();
    }
}
