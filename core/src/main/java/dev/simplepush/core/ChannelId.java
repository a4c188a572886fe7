package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A channel identifier as the device sent it: a UUID, dashed (36 characters) or undashed (32), in any case
 * (P3.2). The text is kept exactly as sent and used as-is in replies and notifications; two spellings of the
 * same UUID are two different channels, as a device never mixes them.
 *
 * @param value the UUID text exactly as the device sent it
 */
public record ChannelId(String value) {


    /**
     * Validates the value.
     *
     * @throws IllegalArgumentException if the value is not a dashed or undashed UUID
     */
    public ChannelId {
        Objects.requireNonNull(value, "value");
        if (!isUuid(value)) {
            throw new IllegalArgumentException("a channelID is a UUID (32 or 36 characters): " + Uaid.quoted(value));
        }
    }

    /** Parses text sent by a device; empty if it is not a UUID. */
    public static Optional<ChannelId> parse(String text) {
        return isUuid(text) ? Optional.of(new ChannelId(text)) : Optional.empty();
    }

    // A loop, not a regex: this runs for every register, every ack entry and every endpoint token.
    private static boolean isUuid(String text) {
        int length = text.length();
        if (length != 32 && length != 36) {
            return false;
        }
        boolean dashed = length == 36;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
                if (c != '-') {
                    return false;
                }
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /** Same as the constructor; for symmetry with {@link #parse(String)}. */
    public static ChannelId of(String value) {
        return new ChannelId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
