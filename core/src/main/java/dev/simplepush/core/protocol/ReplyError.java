package dev.simplepush.core.protocol;

/**
 * Why a hello, register, unregister, ack or nack is refused: the reply's status and its {@code error} text (P1.2). The
 * wording is stable and listed in the README, but clients must not depend on it.
 */
public enum ReplyError {
    /** P2.6: a second hello on one socket. */
    SECOND_HELLO(ReplyStatus.INVALID, "second hello on this connection"),
    /** P2.9, W8.3: register, unregister, ack or nack before hello. */
    BEFORE_HELLO(ReplyStatus.INVALID, "say hello first"),
    /** P3.2: a channelID that is not a UUID. */
    INVALID_CHANNEL_ID(ReplyStatus.INVALID, "channelID must be a UUID"),
    /** W3.2: a {@code key} that is not an uncompressed P-256 point in base64url. */
    INVALID_KEY(ReplyStatus.BAD_REQUEST, "key must be an uncompressed P-256 public key in base64url"),
    /** W4: the transport serves no Web Push endpoints. */
    NO_WEBPUSH_ENDPOINTS(ReplyStatus.SERVER_ERROR, "this server has no Web Push endpoints"),
    /** P3.4: the device holds as many channels as it may. */
    TOO_MANY_CHANNELS(ReplyStatus.UNAVAILABLE, "too many channels for this device"),
    /** Register: another connection reset the device; it must say hello again. */
    DEVICE_RESET(ReplyStatus.GONE, "device no longer known; say hello again"),
    /** Register or unregister: the store failed; the device may retry. */
    STORAGE_FAILED(ReplyStatus.SERVER_ERROR, "storage failed; retry later"),
    /** Hello: storage is unavailable; the device may retry after reconnecting. */
    STORAGE_UNAVAILABLE(ReplyStatus.UNAVAILABLE, "storage unavailable; retry later"),
    /** Hello: a new device was needed and the store holds as many devices as it may; the device may retry later. */
    SERVER_FULL(ReplyStatus.UNAVAILABLE, "server full; retry later");

    private final int status;
    private final String text;

    ReplyError(int status, String text) {
        this.status = status;
        this.text = text;
    }

    /** The reply's status. */
    public int status() {
        return status;
    }

    /** The reply's {@code error} text. */
    public String text() {
        return text;
    }
}
