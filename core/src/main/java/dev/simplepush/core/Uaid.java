package dev.simplepush.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A device identifier (User Agent ID): 32 lowercase hex characters, minted only by the server from a CSPRNG
 * (P2.3).
 *
 * <p>{@link #toString()} does not give the value (see there): it is a credential.
 *
 * @param value the 32 lowercase hex characters
 */
public record Uaid(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Validates the value.
     *
     * @throws IllegalArgumentException if the value is not 32 lowercase hex characters
     */
    public Uaid {
        Objects.requireNonNull(value, "value");
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("a UAID is 32 lowercase hex characters: " + quoted(value));
        }
    }

    /** Mints a fresh UAID from 128 random bits. Thread-safe. */
    public static Uaid random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new Uaid(HexFormat.of().formatHex(bytes));
    }

    /** Parses text sent by a device; empty if it is not a well-formed UAID (the caller then mints a new one). */
    public static Optional<Uaid> parse(String text) {
        return isWellFormed(text) ? Optional.of(new Uaid(text)) : Optional.empty();
    }

    // A loop, not a regex: this runs for every hello and every endpoint token.
    private static boolean isWellFormed(String text) {
        if (text.length() != 32) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The UAID as its 16 raw bytes. */
    public byte[] toBytes() {
        return HexFormat.of().parseHex(value);
    }

    /** The UAID whose raw bytes these are. */
    public static Uaid fromBytes(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("a UAID is 16 bytes, got " + bytes.length);
        }
        return new Uaid(HexFormat.of().formatHex(bytes));
    }

    static String quoted(String text) {
        String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return '"' + shown + '"';
    }

    /**
     * A short hash of the UAID, for logs ({@code uaid#1a2b3c4d}): the UAID is the device's only credential, so its
     * text is never logged. The wire and the stores use {@link #value()}.
     */
    @Override
    public String toString() {
        return "uaid#" + LogIds.shortHash(value);
    }
}
