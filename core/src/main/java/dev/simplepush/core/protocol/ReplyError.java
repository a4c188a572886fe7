package dev.simplepush.core.protocol;

/**
 * Why a hello, register, unregister or ack is refused: the reply's status and its {@code error} text (P1.2). The
 * wording is stable and listed in the README, but clients must not depend on it.
 */
public enum ReplyError {
    /** P2.6: a second hello on one socket. */
    SECOND_HELLO(ReplyStatus.INVALID, "second hello on this connection"),
    /** P2.9: register, unregister or ack before hello. */
    BEFORE_HELLO(ReplyStatus.INVALID, "say hello first"),
    /** P3.2: a channelID that is not a UUID. */
    INVALID_CHANNEL_ID(ReplyStatus.INVALID, "channelID must be a UUID"),
    /** P3.4: the device holds as many channels as it may. */
    TOO_MANY_CHANNELS(ReplyStatus.UNAVAILABLE, "too many channels for this device"),
    /** Register: another connection reset the device; it must say hello again. */
    DEVICE_RESET(ReplyStatus.GONE, "device no longer known; say hello again"),
    /** Register or unregister: the store failed; the device may retry. */
    STORAGE_FAILED(ReplyStatus.SERVER_ERROR, "storage failed; retry later"),
    /** Hello: storage is unavailable; the device may retry after reconnecting. */
    STORAGE_UNAVAILABLE(ReplyStatus.UNAVAILABLE, "storage unavailable; retry later");

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
