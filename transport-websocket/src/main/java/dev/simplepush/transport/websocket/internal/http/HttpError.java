package dev.simplepush.transport.websocket.internal.http;

import dev.simplepush.core.NotifyOutcome;

/**
 * Every error the HTTP side answers, with its status and its stable error number ({@code errno}) of the P4.3 error
 * body {@code {"code":<status>,"errno":<n>,"error":"<reason>","message":"<text>"}}: the one table of them. The
 * README's endpoint section lists the same.
 */
enum HttpError {
    MALFORMED_FORM(400, 100, "Bad Request", "the body is not valid form encoding"),
    BAD_VERSION(400, 101, "Bad Request", "version must be an integer in 0..9223372036854775807"),
    NO_SUCH_ENDPOINT(404, 102, "Not Found", "no such endpoint: the token is not valid for this server"),
    GONE(410, 103, "Gone", "this endpoint's channel was unregistered or its device was reset"),
    TOO_LARGE(413, 104, "Payload Too Large", "the data or the request body exceeds the maximum length"),
    METHOD_NOT_ALLOWED(405, 105, "Method Not Allowed", "method not allowed here"),
    UNSUPPORTED_MEDIA_TYPE(415, 106, "Unsupported Media Type",
            "send the fields as application/x-www-form-urlencoded, or without a Content-Type"),
    UPGRADE_REQUIRED(426, 107, "Upgrade Required", "devices connect here with a WebSocket"),
    NO_SUCH_RESOURCE(404, 108, "Not Found", "no such resource"),
    UNAVAILABLE(503, 201, "Service Unavailable", "storage is unavailable; retry later"),
    INTERNAL(500, 999, "Internal Server Error", "the server failed to handle the request");

    private final int status;
    private final int errno;
    private final String reason;
    private final String message;

    HttpError(int status, int errno, String reason, String message) {
        this.status = status;
        this.errno = errno;
        this.reason = reason;
        this.message = message;
    }

    /** The status an endpoint answers {@code outcome} with (P4.3): 200, 202, or that of {@link #of}. */
    static int status(NotifyOutcome outcome) {
        return switch (outcome) {
            case DELIVERED -> 200;
            case STORED -> 202;
            default -> of(outcome).status;
        };
    }

    /**
     * The error of an outcome that was not accepted.
     *
     * @throws IllegalArgumentException for {@link NotifyOutcome#DELIVERED} and {@link NotifyOutcome#STORED}
     */
    static HttpError of(NotifyOutcome outcome) {
        return switch (outcome) {
            case BAD_VERSION -> BAD_VERSION;
            case NOT_FOUND -> NO_SUCH_ENDPOINT;
            case GONE -> GONE;
            case DATA_TOO_LARGE -> TOO_LARGE;
            case UNAVAILABLE -> UNAVAILABLE;
            case DELIVERED, STORED -> throw new IllegalArgumentException(outcome + " is not an error");
        };
    }

    int status() {
        return status;
    }

    int errno() {
        return errno;
    }

    String reason() {
        return reason;
    }

    String message() {
        return message;
    }
}
