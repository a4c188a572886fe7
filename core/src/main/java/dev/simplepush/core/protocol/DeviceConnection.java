package dev.simplepush.core.protocol;

/**
 * One device socket, as the transport offers it to the core's session.
 *
 * <p>Thread-safe: the session calls it from I/O threads, store threads and the timer thread. Neither method
 * blocks; writes are queued by the transport.
 */
public interface DeviceConnection {

    /** Queues {@code message} as one text frame. Returns {@code false} if the connection is already closed. */
    boolean send(ServerMessage message);

    /** Closes the socket with a close code (see {@link CloseCodes}) and reason. Idempotent. */
    void close(int code, String reason);
}
