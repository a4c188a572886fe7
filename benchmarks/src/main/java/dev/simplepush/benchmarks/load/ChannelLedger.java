package dev.simplepush.benchmarks.load;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the app server sent to one channel and what its device received, to measure send→receipt latency and to
 * find lost updates. A channel is used in one of two ways, after its dialect:
 *
 * <ul>
 *   <li>SimplePush ({@link #send(long)}, {@link #received(long, long)}): a version counts as delivered when it, or
 *       a newer version of the channel, reached the device (P5.1: the server keeps only the latest version, so a
 *       superseded one is legitimately never delivered).</li>
 *   <li>Web Push ({@link #send(long, WebPushBody)}, {@link #received(long, long, WebPushBody)},
 *       {@link #received(long, byte[], int, int)}): every message must arrive itself (W9.1: each is queued until
 *       acked, none supersedes another, and concurrent POSTs may arrive in any order). Its version is the sequence
 *       number written into the message's body (see {@link WebPushBody}), and a receipt counts only if the whole
 *       body arrived unchanged.</li>
 * </ul>
 *
 * <p>Thread-safe: every method locks the ledger; contention is one send completion against one WebSocket frame.
 */
final class ChannelLedger {

    /** Returned by {@code received} for a new version that this run did not send (or sent before a reset). */
    static final long NO_LATENCY = -1;
    /**
     * Returned by {@code received} for a version already received: a redelivery. On a Web Push channel also for a
     * version whose send failed or was refused.
     */
    static final long DUPLICATE = -2;
    /** Returned by the Web Push {@code received} when the body is not the one sent. */
    static final long CORRUPT = -3;

    /** Bytes of a Web Push message's body that carry its version. */
    static final int VERSION_BYTES = Long.BYTES;

    private static final class Sent {
        final long sentNanos;
        /** The template of the message's body, to check what arrives; null on a SimplePush channel. */
        final @Nullable WebPushBody body;
        boolean accepted;

        Sent(long sentNanos, @Nullable WebPushBody body) {
            this.sentNanos = sentNanos;
            this.body = body;
        }
    }

    private final TreeMap<Long, Sent> outstanding = new TreeMap<>();
    private long lastVersion;
    private long maxReceived;

    /** Allocates the next version of this channel and records that it is being sent now. */
    synchronized long send(long nowNanos) {
        long version = ++lastVersion;
        outstanding.put(version, new Sent(nowNanos, null));
        return version;
    }

    /**
     * Allocates the next version of this Web Push channel and records that its message, whose body is
     * {@code body}'s for that version, is being sent now.
     */
    synchronized long send(long nowNanos, WebPushBody body) {
        long version = ++lastVersion;
        outstanding.put(version, new Sent(nowNanos, body));
        return version;
    }

    /** The version a Web Push message's body carries: its first {@link #VERSION_BYTES} bytes, big-endian. */
    static long versionOf(byte[] body, int from) {
        long version = 0;
        for (int i = 0; i < VERSION_BYTES; i++) {
            version = (version << 8) | (body[from + i] & 0xFF);
        }
        return version;
    }

    /**
     * The send of {@code version} was answered. 200, 201 and 202 mean the server accepted it; anything else means
     * it did not, and the version is no longer expected.
     */
    synchronized void answered(long version, int status) {
        Sent sent = outstanding.get(version);
        if (sent == null) {
            return; // already received (an answer can lose the race with its own notification)
        }
        if (status == 200 || status == 201 || status == 202) {
            sent.accepted = true;
        } else {
            outstanding.remove(version);
        }
    }

    /** The send of {@code version} failed without an answer: nothing was accepted. */
    synchronized void failed(long version) {
        outstanding.remove(version);
    }

    /**
     * The device received {@code version} on a SimplePush channel. Clears it and every older version; returns the
     * send→receipt latency in nanoseconds when this exact version was sent by this run, {@link #DUPLICATE} for a
     * redelivery, else {@link #NO_LATENCY}.
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

    /**
     * The device received the body {@code data[from, to)} on a Web Push channel; its version is in its first bytes.
     * Clears that version alone and returns its send→receipt latency in nanoseconds; {@link #CORRUPT} (the version
     * stays expected) when the body is not byte for byte the one sent; {@link #DUPLICATE} for a version sent
     * earlier that is no longer expected; {@link #NO_LATENCY} for one this run did not send.
     */
    synchronized long received(long nowNanos, byte[] data, int from, int to) {
        if (to - from < VERSION_BYTES) {
            return CORRUPT;
        }
        long version = versionOf(data, from);
        Sent sent = outstanding.get(version);
        WebPushBody body = sent == null ? null : sent.body;
        return received(nowNanos, version, body != null && body.isBody(version, data, from, to) ? body : null);
    }

    /**
     * The device received, on a Web Push channel, the message {@code version} whose body is {@code body}'s for
     * that version, or (null) a body that is not one sent. Answers as {@link #received(long, byte[], int, int)}.
     */
    synchronized long received(long nowNanos, long version, @Nullable WebPushBody body) {
        Sent sent = outstanding.get(version);
        if (sent == null) {
            return version > 0 && version <= lastVersion ? DUPLICATE : NO_LATENCY;
        }
        if (body == null || sent.body != body) {
            return CORRUPT;
        }
        outstanding.remove(version);
        maxReceived = Math.max(maxReceived, version);
        return nowNanos - sent.sentNanos;
    }

    /** Accepted versions that were not delivered (see the class comment for what delivered means). */
    synchronized int lost() {
        int lost = 0;
        for (Sent sent : outstanding.values()) {
            if (sent.accepted) {
                lost++;
            }
        }
        return lost;
    }

    /** Versions sent whose send has not been answered yet. */
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
