package dev.simplepush.benchmarks.load;

import java.time.Duration;

/**
 * The app server: sends {@code PUT version=N} (P4.1) to device endpoints with a bounded number in flight (or, to a
 * Web Push device, a {@code POST} of a body, W6). Each PUT's version comes from the device's {@link ChannelLedger},
 * and its answer is recorded there and in the {@link Stats}.
 *
 * <p>{@link #put} is called by one driver thread and blocks it while the in-flight limit is reached.
 */
interface PutClient extends AutoCloseable {

    /**
     * Sends the next version of the device's channel, with {@code data} when not empty (SimplePush only). Waits for
     * a free in-flight slot; returns false if none came within a second or the device has no endpoint.
     */
    boolean put(Device device, String data) throws InterruptedException;

    /** Waits until every PUT sent has been answered or failed, at most {@code timeout}; true if all were. */
    boolean awaitAnswers(Duration timeout) throws InterruptedException;

    @Override
    void close();
}
