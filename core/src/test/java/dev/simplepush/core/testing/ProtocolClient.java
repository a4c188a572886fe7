package dev.simplepush.core.testing;

import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ServerMessage;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a device can do with one connection to the push server, as {@link ProtocolScenarios} drives it. A harness
 * hands out clients that are already connected (the socket is open, nothing was said yet).
 *
 * <p>Messages are sent as {@link ClientMessage}s; a harness that speaks the wire protocol encodes them as the
 * device would. Some P1 rules can only be expressed as frames (a binary frame, a frame that is not JSON, a
 * {@code null} where a string belongs): a client that {@link #supportsRawFrames() supports raw frames} can send
 * those; scenarios that need them are skipped, by assumption, everywhere else.
 *
 * <p>Whatever the server sends is queued until read with {@link #poll}. A server message that breaks the wire
 * format (a binary frame, JSON that does not decode as a {@link ServerMessage}) makes the next read fail.
 * Thread-safe.
 */
public interface ProtocolClient extends AutoCloseable {

    /** How long a read waits unless told otherwise: generous, since a passing scenario never waits this long. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** Sends {@code message} as the device would. Fails if the connection is already closed. */
    void send(ClientMessage message);

    /** Whether {@link #sendText} and {@link #sendBinary} are supported (a wire client); false by default. */
    default boolean supportsRawFrames() {
        return false;
    }

    /**
     * Sends {@code frame} verbatim as one text frame.
     *
     * @throws UnsupportedOperationException unless {@link #supportsRawFrames()}
     */
    default void sendText(String frame) {
        throw new UnsupportedOperationException("this client cannot send raw frames");
    }

    /**
     * Sends {@code frame} as one binary frame.
     *
     * @throws UnsupportedOperationException unless {@link #supportsRawFrames()}
     */
    default void sendBinary(byte[] frame) {
        throw new UnsupportedOperationException("this client cannot send raw frames");
    }

    /**
     * The text of the frame that carried the message the last {@link #poll} (or {@code receive}) returned, exactly
     * as the server sent it, for rules that fix the bytes (W1.1); empty for a client that does not speak the wire.
     */
    default Optional<String> lastFrameText() {
        return Optional.empty();
    }

    /** The WebSocket sub-protocol the server selected; always empty for a client that does not speak the wire. */
    default Optional<String> subprotocol() {
        return Optional.empty();
    }

    /**
     * The next message from the server, waiting up to {@code timeout}; empty if none arrived in time (for
     * instance because the connection is closed and every message sent before was read).
     *
     * @throws AssertionError if the server broke the wire format
     */
    Optional<ServerMessage> poll(Duration timeout);

    /**
     * Waits up to {@code timeout} for the connection to be closed, by either side, and returns the close code;
     * empty if it is still open. A connection lost without a close frame reports 1006.
     */
    OptionalInt awaitClose(Duration timeout);

    /** Whether the connection is still open, as far as this client knows now. */
    boolean isOpen();

    /** Closes the connection from the device's side, normally (1000), and waits until it is closed. Idempotent. */
    @Override
    void close();

    /**
     * The next message from the server.
     *
     * @throws AssertionError if nothing arrives within {@code timeout}
     */
    default ServerMessage receive(Duration timeout) {
        Optional<ServerMessage> message = poll(timeout);
        if (message.isEmpty()) {
            throw new AssertionError("no message from the server within " + timeout.toMillis() + " ms"
                    + (isOpen() ? "" : "; the connection is closed"));
        }
        return message.get();
    }

    /** The next message from the server, waiting up to {@link #DEFAULT_TIMEOUT}. */
    default ServerMessage receive() {
        return receive(DEFAULT_TIMEOUT);
    }

    /**
     * The next message from the server, which must be of type {@code type}.
     *
     * @throws AssertionError if nothing arrives in time or it is of another type
     */
    default <T extends ServerMessage> T receive(Class<T> type) {
        ServerMessage message = receive();
        if (!type.isInstance(message)) {
            throw new AssertionError("expected a " + type.getSimpleName() + " but the server sent " + message);
        }
        return type.cast(message);
    }

    /**
     * Asserts that the server sends nothing during {@code window}. Keep windows short (at most a few hundred
     * milliseconds): they are the only fixed waits of the suite.
     *
     * @throws AssertionError if a message arrives
     */
    default void expectNothing(Duration window) {
        Optional<ServerMessage> message = poll(window);
        if (message.isPresent()) {
            throw new AssertionError("expected no message within " + window.toMillis() + " ms but the server sent "
                    + message.get());
        }
    }

    /**
     * Waits for the server to close the connection and returns the close code.
     *
     * @throws AssertionError if it is still open after {@code timeout}
     */
    default int expectClosed(Duration timeout) {
        OptionalInt code = awaitClose(timeout);
        if (code.isEmpty()) {
            throw new AssertionError("the connection is still open after " + timeout.toMillis() + " ms");
        }
        return code.getAsInt();
    }
}
