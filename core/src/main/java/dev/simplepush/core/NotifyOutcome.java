package dev.simplepush.core;

/**
 * What became of an app server's update (P4.3). The transport that received it decides how to answer each
 * outcome (for HTTP: the status, and the error body).
 */
public enum NotifyOutcome {
    /** Handed to the device's live connection. */
    DELIVERED,
    /** Accepted and stored; the device is offline and receives it when it reconnects. */
    STORED,
    /** The version is not an integer in 0..2^63-1; nothing was accepted. */
    BAD_VERSION,
    /** The token does not decode under any key: no such endpoint. */
    NOT_FOUND,
    /** The token decodes, but its channel was unregistered or its device reset. */
    GONE,
    /** The data is longer than {@link PushConfig#maxDataBytes()}; nothing was accepted. */
    DATA_TOO_LARGE,
    /**
     * A Web Push message of TTL 0 found no live connection (W6.3): accepted, and dropped as its TTL says. Answered
     * like an accepted message.
     */
    DISCARDED,
    /** The Web Push subscription holds as many pending messages as it may (W9.4); nothing was accepted. */
    QUEUE_FULL,
    /** Storage is unavailable; nothing was accepted, and the app server may retry later. */
    UNAVAILABLE;

    /** Whether the update was accepted ({@link #DELIVERED}, {@link #STORED} or {@link #DISCARDED}). */
    public boolean accepted() {
        return this == DELIVERED || this == STORED || this == DISCARDED;
    }
}
