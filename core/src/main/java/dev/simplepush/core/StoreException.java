package dev.simplepush.core;

/**
 * A store or router could not do its work (storage unreachable, timed out, rejected the command). Adapters
 * wrap their technology's exceptions in this one at the port boundary. An update then is
 * {@link NotifyOutcome#UNAVAILABLE} (P4.3).
 */
public final class StoreException extends PushException {

    private static final long serialVersionUID = 1L;

    /** A failure with a message naming what could not be done. */
    public StoreException(String message) {
        super(message);
    }

    /** A failure with a message naming what could not be done, and its cause. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
