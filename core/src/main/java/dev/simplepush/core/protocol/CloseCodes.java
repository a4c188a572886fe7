package dev.simplepush.core.protocol;

/** The WebSocket close codes the server uses. */
public final class CloseCodes {

    /** Normal closure: replaced by a newer connection, server shutting down, device reset. */
    public static final int NORMAL = 1000;
    /** The server is going away (shutdown). */
    public static final int GOING_AWAY = 1001;
    /** A binary frame (P1.3). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** A frame that is not valid JSON or not a JSON object (P1.3). */
    public static final int INVALID_PAYLOAD = 1007;
    /** A protocol violation: unknown messageType, command before hello, second hello, pings too fast. */
    public static final int POLICY_VIOLATION = 1008;
    /** A message larger than the configured limit (P1.3). */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The server could not serve the request (storage unavailable). */
    public static final int INTERNAL_ERROR = 1011;
    /**
     * Try Again Later (IANA WebSocket close code registry): the server cannot take this device now (store full);
     * the device reconnects with its usual back-off.
     */
    public static final int TRY_AGAIN_LATER = 1013;
    /** Idle wake-up device: reconnect only when woken by UDP (P8.2). */
    public static final int UDP_WAKEUP = 4774;

    private CloseCodes() {
    }
}
