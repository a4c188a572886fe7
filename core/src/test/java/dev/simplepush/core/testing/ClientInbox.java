package dev.simplepush.core.testing;

import dev.simplepush.core.protocol.ServerMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@link ProtocolClient} received: server messages in arrival order, wire-format violations, and how the
 * connection was closed. A building block for harnesses, so each implements {@link ProtocolClient#poll} and
 * {@link ProtocolClient#awaitClose} the same way. Thread-safe: the receiving side (an I/O thread, or the core's
 * threads in-process) adds, the test thread reads.
 */
public final class ClientInbox {

    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private int closeCode = -1;
    private Optional<String> lastText = Optional.empty();

    /** A message and the text of the frame it came in, where there is a wire. */
    private record Received(ServerMessage message, Optional<String> text) {
    }

    /** Records a message from the server. */
    public synchronized void add(ServerMessage message) {
        items.add(new Received(message, Optional.empty()));
        notifyAll();
    }

    /** Records a message from the server and {@code text}, the frame exactly as it arrived. */
    public synchronized void add(ServerMessage message, String text) {
        items.add(new Received(message, Optional.of(text)));
        notifyAll();
    }

    /**
     * The frame text of the message the last {@link #poll} returned; empty if that message came without one, or
     * nothing was read yet.
     */
    public synchronized Optional<String> lastText() {
        return lastText;
    }

    /** Records that the server broke the wire format; the read that reaches it fails with {@code description}. */
    public synchronized void violation(String description) {
        items.add(new AssertionError(description));
        notifyAll();
    }

    /** Records that the connection is closed with {@code code}; only the first call counts. */
    public synchronized void closed(int code) {
        if (closeCode < 0) {
            closeCode = code;
        }
        notifyAll();
    }

    /** Whether {@link #closed} was not called yet. */
    public synchronized boolean isOpen() {
        return closeCode < 0;
    }

    /**
     * The next message, waiting up to {@code timeout}. Once the connection is closed and everything received
     * before was read, returns empty at once.
     *
     * @throws AssertionError if the next item is a violation
     */
    public synchronized Optional<ServerMessage> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (items.isEmpty() && closeCode < 0) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Optional.empty();
            }
            waitNanos(remaining);
        }
        Object item = items.poll();
        if (item instanceof AssertionError violation) {
            throw violation;
        }
        if (item == null) {
            return Optional.empty();
        }
        Received received = (Received) item;
        lastText = received.text();
        return Optional.of(received.message());
    }

    /** The close code once closed, waiting up to {@code timeout}; empty if still open. */
    public synchronized OptionalInt awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (closeCode < 0) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return OptionalInt.empty();
            }
            waitNanos(remaining);
        }
        return OptionalInt.of(closeCode);
    }

    private void waitNanos(long nanos) {
        try {
            wait(Math.max(1, nanos / 1_000_000), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server", e);
        }
    }
}
