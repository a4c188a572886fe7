package dev.simplepush.core;

/**
 * The root of every exception simplepush throws or completes a stage with. Unchecked.
 */
public abstract class PushException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    protected PushException(String message) {
        super(message);
    }

    /** An exception with a message and the failure that caused it. */
    protected PushException(String message, Throwable cause) {
        super(message, cause);
    }
}
