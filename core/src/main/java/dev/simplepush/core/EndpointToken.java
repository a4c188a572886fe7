package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The opaque last path segment of an endpoint URL (P4.5): 1 to {@value #MAX_LENGTH} characters of the URL-safe
 * base64 alphabet. Being well-formed says nothing about whether the token is valid: only
 * {@link EndpointTokens#decodeSimplePush} and {@link EndpointTokens#decodeSubscription} know that.
 *
 * @param value the token text
 */
public record EndpointToken(String value) {

    /** The longest token accepted; what this server mints is far shorter. */
    public static final int MAX_LENGTH = 256;

    /** The URL-safe base64 alphabet, by character: every token is checked, the ones this server mints too. */
    private static final boolean[] ALPHABET = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            ALPHABET[c] = true;
            ALPHABET[Character.toLowerCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ALPHABET[c] = true;
        }
        ALPHABET['-'] = true;
        ALPHABET['_'] = true;
    }

    /**
     * Validates the text.
     *
     * @throws IllegalArgumentException if the text is empty, too long, or has a character outside {@code A-Z a-z
     *     0-9 - _}
     */
    public EndpointToken {
        Objects.requireNonNull(value, "value");
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("an endpoint token is 1 to " + MAX_LENGTH
                    + " characters of URL-safe base64");
        }
    }

    /**
     * The token in a URL path segment; empty if the text cannot be a token (the endpoint then answers
     * {@link NotifyOutcome#NOT_FOUND}).
     */
    public static Optional<EndpointToken> parse(String text) {
        return isWellFormed(text) ? Optional.of(new EndpointToken(text)) : Optional.empty();
    }

    private static boolean isWellFormed(String text) {
        int length = text.length();
        if (length == 0 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= ALPHABET.length || !ALPHABET[c]) {
                return false;
            }
        }
        return true;
    }

    /** A short hash of the token, for logs ({@code token#1a2b3c4d}): whoever knows a token can push with it. */
    @Override
    public String toString() {
        return "token#" + LogIds.shortHash(value);
    }
}
