package dev.simplepush.core.protocol;

/**
 * The {@code status} of the protocol's replies to hello, register and unregister. They borrow HTTP's numbers, as
 * the protocol does, but are protocol statuses carried in a frame, whatever the transport.
 */
public final class ReplyStatus {

    /** Done. */
    public static final int OK = 200;
    /** Hello: done, and the device was accepted for UDP wake-up (P8.1). */
    public static final int WAKEABLE = 201;
    /** A request the rules refuse: a second hello (P2.6), a channelID that is not a UUID (P3.2). */
    public static final int INVALID = 401;
    /** W3.2: a register whose key is not a P-256 public key. */
    public static final int BAD_REQUEST = 400;
    /** Register: the device was reset by another connection and must say hello again. */
    public static final int GONE = 410;
    /** The store failed the request; the device may retry. */
    public static final int SERVER_ERROR = 500;
    /** Hello: storage unavailable; register: the channel limit is reached (P3.4). */
    public static final int UNAVAILABLE = 503;

    private ReplyStatus() {
    }
}
