package dev.simplepush.benchmarks.load;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the app server sent to one channel and what its device received, to measure PUT→receipt latency and to
 * find lost updates. A version counts as delivered when it, or a newer version of the channel, reached the device
 * (P5.1: the server keeps only the latest version, so a superseded one is legitimately never delivered).
 *
 * <p>Thread-safe: every method locks the ledger; contention is one PUT completion against one WebSocket frame.
 */
final class ChannelLedger {

    /** Returned by {@link #received} for a new version that this run did not send (or sent before a reset). */
    static final long NO_LATENCY = -1;
    /** Returned by {@link #received} for a version not newer than one already received: a redelivery. */
    static final long DUPLICATE = -2;

    private static final class Sent {
        final long sentNanos;
        boolean accepted;

        Sent(long sentNanos) {
            this.sentNanos = sentNanos;
        }
    }

    private final TreeMap<Long, Sent> outstanding = new TreeMap<>();
    private long lastVersion;
    private long maxReceived;

    /** Allocates the next version of this channel and records that it is being sent now. */
    synchronized long send(long nowNanos) {
        long version = ++lastVersion;
        outstanding.put(version, new Sent(nowNanos));
        return version;
    }

    /**
     * The PUT for {@code version} was answered. 200 and 202 mean the server accepted it; anything else means it
     * did not, and the version is no longer expected.
     */
    synchronized void answered(long version, int status) {
        Sent sent = outstanding.get(version);
        if (sent == null) {
            return; // already received (a 200 can lose the race with its own notification)
        }
        if (status == 200 || status == 202) {
            sent.accepted = true;
        } else {
            outstanding.remove(version);
        }
    }

    /** The PUT for {@code version} failed without an answer: nothing was accepted. */
    synchronized void failed(long version) {
        outstanding.remove(version);
    }

    /**
     * The device received {@code version}. Clears it and every older version; returns the PUT→receipt latency
     * in nanoseconds when this exact version was sent by this run, {@link #DUPLICATE} for a redelivery, else
     * {@link #NO_LATENCY}.
     */
    synchronized long received(long version, long nowNanos) {
        if (version <= maxReceived) {
            return DUPLICATE;
        }
        maxReceived = version;
        Sent sent = outstanding.get(version);
        outstanding.headMap(version, true).clear();
        return sent == null ? NO_LATENCY : nowNanos - sent.sentNanos;
    }

    /** Accepted (200/202) versions of which neither they nor a newer version reached the device. */
    synchronized int lost() {
        int lost = 0;
        for (Sent sent : outstanding.values()) {
            if (sent.accepted) {
                lost++;
            }
        }
        return lost;
    }

    /** Versions sent whose PUT has not been answered yet. */
    synchronized int unanswered() {
        int count = 0;
        for (Iterator<Map.Entry<Long, Sent>> it = outstanding.entrySet().iterator(); it.hasNext();) {
            if (!it.next().getValue().accepted) {
                count++;
            }
        }
        return count;
    }

    /** The newest version the device received, 0 if none. */
    synchronized long maxReceived() {
        return maxReceived;
    }
}
