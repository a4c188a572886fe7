package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A channel identifier as the device sent it: a UUID, dashed (36 characters) or undashed (32), in any case
 * (P3.2). The text is kept exactly as sent and used as-is in replies and notifications; two spellings of the
 * same UUID are two different channels, as a device never mixes them.
 *
 * @param value the UUID text exactly as the device sent it
 */
public record ChannelId(String value) {

    private static final Pattern FORMAT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}");

    /**
     * Validates the value.
     *
     * @throws IllegalArgumentException if the value is not a dashed or undashed UUID
     */
    public ChannelId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a channelID is a UUID (32 or 36 characters): " + Uaid.quoted(value));
        }
    }

    /** Parses text sent by a device; empty if it is not a UUID. */
    public static Optional<ChannelId> parse(String text) {
        return FORMAT.matcher(text).matches() ? Optional.of(new ChannelId(text)) : Optional.empty();
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
