package dev.simplepush.core;

/** A transport could not start (for example, its port is taken) or failed while running. */
public final class TransportException extends PushException {

    private static final long serialVersionUID = 1L;

    /** A failure with a message naming what could not be done. */
    public TransportException(String message) {
        super(message);
    }

    /** A failure with a message naming what could not be done, and its cause. */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
