package dev.simplepush.core;

/**
 * What became of an app server's update (P4.3), with the HTTP status and stable error number the endpoint
 * answers with.
 */
public enum NotifyOutcome {
    /** Handed to the device's live connection: 200. */
    DELIVERED(200, 0, "OK", "delivered"),
    /** Accepted and stored, the device is offline: 202. */
    STORED(202, 0, "Accepted", "stored; the device receives it when it reconnects"),
    /** The version is not an integer in 0..2^63-1: 400. */
    BAD_VERSION(400, 101, "Bad Request", "version must be an integer in 0..9223372036854775807"),
    /** The token does not decode under any key: 404. */
    NOT_FOUND(404, 102, "Not Found", "no such endpoint: the token is not valid for this server"),
    /** The token decodes but its channel was unregistered or its device reset: 410. */
    GONE(410, 103, "Gone", "this endpoint's channel was unregistered or its device was reset"),
    /** The data is larger than the limit: 413. */
    DATA_TOO_LARGE(413, 104, "Payload Too Large", "data exceeds the maximum length"),
    /** Storage is unavailable; nothing was accepted: 503 with Retry-After. */
    UNAVAILABLE(503, 201, "Service Unavailable", "storage is unavailable; retry later");

    private final int httpStatus;
    private final int errno;
    private final String reason;
    private final String message;

    NotifyOutcome(int httpStatus, int errno, String reason, String message) {
        this.httpStatus = httpStatus;
        this.errno = errno;
        this.reason = reason;
        this.message = message;
    }

    /** The HTTP status the endpoint answers with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The stable error number of the error body; 0 for the two success outcomes. */
    public int errno() {
        return errno;
    }

    /** The HTTP reason phrase. */
    public String reason() {
        return reason;
    }

    /** A human-readable explanation for the error body. */
    public String message() {
        return message;
    }

    /** Whether the update was accepted (200 or 202). */
    public boolean accepted() {
        return this == DELIVERED || this == STORED;
    }
}
