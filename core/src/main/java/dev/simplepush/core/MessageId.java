package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The id of one Web Push message (W5.2): opaque, URL-safe, unique per accepted message and unforgeable, sealed by
 * {@link EndpointTokens} over the subscription it belongs to. The device echoes it in its ack; the app server
 * deletes the message with it (W6.8). Being well-formed says nothing about whether it is valid: only
 * {@link EndpointTokens#decode(MessageId)} knows that.
 *
 * @param value the id text, 1 to {@value EndpointToken#MAX_LENGTH} characters of URL-safe base64
 */
public record MessageId(String value) {

    /**
     * Validates the text.
     *
     * @throws IllegalArgumentException if the text is not 1 to {@value EndpointToken#MAX_LENGTH} characters of
     *     {@code A-Z a-z 0-9 - _}
     */
    public MessageId {
        Objects.requireNonNull(value, "value");
        if (EndpointToken.parse(value).isEmpty()) {
            throw new IllegalArgumentException("a message id is 1 to " + EndpointToken.MAX_LENGTH
                    + " characters of URL-safe base64");
        }
    }

    /** The id in a URL path segment or an ack; empty if the text cannot be an id. */
    public static Optional<MessageId> parse(String text) {
        return EndpointToken.parse(text).map(token -> new MessageId(token.value()));
    }

    @Override
    public String toString() {
        return value;
    }
}
