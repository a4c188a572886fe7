package dev.simplepush.core.testing;

import dev.simplepush.core.Notice;
import dev.simplepush.core.spi.LocalDevice;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LocalDevice} for tests that records every update a router hands it and every eviction.
 *
 * <p>It behaves like a real session: after {@link #evict()} it refuses updates ({@code deliver} returns
 * {@code false}), but still records them, so a test can prove a router never even tried to deliver to an evicted
 * holder. A {@linkplain #refusing(String) refusing} device behaves like a socket that is closing.
 *
 * <pre>{@code
 * RecordingDevice phone = RecordingDevice.accepting("phone");
 * await(router.claim(uaid, phone));
 * assertThat(await(router.deliver(uaid, update))).isTrue();
 * assertThat(phone.deliveries()).containsExactly(update);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RecordingDevice implements LocalDevice {

    private final String name;
    private final boolean accepts;
    private final List<Notice> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicInteger evictions = new AtomicInteger();
    private final CountDownLatch evicted = new CountDownLatch(1);

    private RecordingDevice(String name, boolean accepts) {
        this.name = name;
        this.accepts = accepts;
    }

    /** A device whose socket takes every update until it is evicted. */
    public static RecordingDevice accepting(String name) {
        return new RecordingDevice(name, true);
    }

    /** A device whose socket is closing: it refuses every update. */
    public static RecordingDevice refusing(String name) {
        return new RecordingDevice(name, false);
    }

    @Override
    public boolean deliver(Notice notice) {
        deliveries.add(notice);
        return accepts && evicted.getCount() > 0;
    }

    @Override
    public void evict() {
        evictions.incrementAndGet();
        evicted.countDown();
    }

    /** Every update or message handed to {@link #deliver(Notice)}, accepted or not, in order. */
    public List<Notice> deliveries() {
        return List.copyOf(deliveries);
    }

    /** How often {@link #evict()} was called. */
    public int evictions() {
        return evictions.get();
    }

    /** Whether {@link #evict()} was called. */
    public boolean isEvicted() {
        return evicted.getCount() == 0;
    }

    /**
     * Waits up to {@link Futures#TIMEOUT} for {@link #evict()}, since a router may evict a holder on another
     * thread (or node) after {@code claim} completed.
     *
     * @return whether the device was evicted in time
     */
    public boolean awaitEviction() {
        try {
            return evicted.await(Futures.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "RecordingDevice[" + name + "]";
    }
}
