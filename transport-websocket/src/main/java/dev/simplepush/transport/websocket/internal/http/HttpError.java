package dev.simplepush.transport.websocket.internal.http;

import dev.simplepush.core.NotifyOutcome;

/**
 * Every error the HTTP side answers, with its status and its stable error number ({@code errno}) of the P4.3 error
 * body {@code {"code":<status>,"errno":<n>,"error":"<reason>","message":"<text>"}}, and the {@code outcome} tag it
 * is counted under ({@link EndpointMeters}): the one table of them. The README's endpoint section lists the same.
 */
enum HttpError {
    MALFORMED_FORM(400, 100, "bad_request", "Bad Request", "the body is not valid form encoding"),
    BAD_VERSION(400, 101, "bad_request", "Bad Request", "version must be an integer in 0..9223372036854775807"),
    NO_SUCH_ENDPOINT(404, 102, "not_found", "Not Found", "no such endpoint: the token is not valid for this server"),
    GONE(410, 103, "gone", "Gone", "this endpoint's channel was unregistered or its device was reset"),
    TOO_LARGE(413, 104, "too_large", "Payload Too Large", "the data or the request body exceeds the maximum length"),
    METHOD_NOT_ALLOWED(405, 105, "method_not_allowed", "Method Not Allowed", "method not allowed here"),
    UNSUPPORTED_MEDIA_TYPE(415, 106, "bad_request", "Unsupported Media Type",
            "send the fields as application/x-www-form-urlencoded, or without a Content-Type"),
    UPGRADE_REQUIRED(426, 107, "upgrade_required", "Upgrade Required", "devices connect here with a WebSocket"),
    NO_SUCH_RESOURCE(404, 108, "not_found", "Not Found", "no such resource"),
    ORIGIN_FORBIDDEN(403, 116, "forbidden", "Forbidden", "web pages of this origin may not open the device WebSocket"),
    MALFORMED_BODY(400, 115, "bad_request", "Bad Request", "the request body could not be read: malformed chunked encoding, or it ended early"),
    // Web Push endpoints (W6.9): autopush-rs's numbers, so app servers written for it read them alike.
    SUBSCRIPTION_GONE(410, 106, "gone", "Gone", "this subscription was unregistered, or its device was reset"),
    VAPID_REQUIRED(401, 109, "unauthorized", "Unauthorized",
            "this subscription needs a VAPID signature: Authorization: vapid t=<JWT>, k=<public key>"),
    VAPID_INVALID(403, 109, "forbidden", "Forbidden", "the VAPID signature is not valid"),
    VAPID_KEY_MISMATCH(403, 109, "forbidden", "Forbidden", "the VAPID key is not the one this subscription was created with"),
    BAD_ENCODING(400, 110, "bad_request", "Bad Request", "a body needs Content-Encoding: aes128gcm (or aesgcm with Encryption: "
            + "salt=... and Crypto-Key: dh=...)"),
    TTL_MISSING(400, 111, "bad_request", "Bad Request", "the TTL header is required"),
    TTL_INVALID(400, 112, "bad_request", "Bad Request", "TTL must be a whole number of seconds, 0 or more"),
    TOPIC_INVALID(400, 113, "bad_request", "Bad Request", "Topic must be 1 to 32 characters of URL-safe base64"),
    QUEUE_FULL(429, 114, "queue_full", "Too Many Requests", "too many messages pending for this subscription; retry later"),
    NO_SUCH_MESSAGE(404, 102, "not_found", "Not Found", "no such message: the id is not valid for this server"),
    UNAVAILABLE(503, 201, "unavailable", "Service Unavailable", "storage is unavailable; retry later"),
    INTERNAL(500, 999, "error", "Internal Server Error", "the server failed to handle the request");

    private final int status;
    private final int errno;
    private final String outcome;
    private final String reason;
    private final String message;

    HttpError(int status, int errno, String outcome, String reason, String message) {
        this.status = status;
        this.errno = errno;
        this.outcome = outcome;
        this.reason = reason;
        this.message = message;
    }

    /**
     * The status a SimplePush-form request answers {@code outcome} with (P4.3, W6.10): 200, 202, or that of
     * {@link #of}.
     */
    static int status(NotifyOutcome outcome) {
        return switch (outcome) {
            case DELIVERED -> 200;
            case STORED, DISCARDED -> 202;
            default -> of(outcome).status;
        };
    }

    /**
     * The error of an outcome that was not accepted.
     *
     * @throws IllegalArgumentException for an accepted outcome
     */
    static HttpError of(NotifyOutcome outcome) {
        return switch (outcome) {
            case BAD_VERSION -> BAD_VERSION;
            case NOT_FOUND -> NO_SUCH_ENDPOINT;
            case GONE -> GONE;
            case DATA_TOO_LARGE -> TOO_LARGE;
            case UNAVAILABLE -> UNAVAILABLE;
            case QUEUE_FULL -> QUEUE_FULL;
            case DELIVERED, STORED, DISCARDED -> throw new IllegalArgumentException(outcome + " is not an error");
        };
    }

    int status() {
        return status;
    }

    int errno() {
        return errno;
    }

    /** The {@code outcome} tag of the endpoint request meter: one of a few fixed words, shared by like errors. */
    String outcome() {
        return outcome;
    }

    String reason() {
        return reason;
    }

    String message() {
        return message;
    }
}
