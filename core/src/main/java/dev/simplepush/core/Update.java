package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One update of one channel: its new version and, for a live delivery only, the app server's data (P4.1,
 * P5.2). Data is never stored.
 *
 * @param channelId the channel
 * @param version the version
 * @param data text passed through to a connected device, if the app server sent any
 */
public record Update(ChannelId channelId, Version version, Optional<String> data) implements Notice {

    /** Validates that no component is null. */
    public Update {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(data, "data");
    }

    /** An update without data. */
    public static Update of(ChannelId channelId, Version version) {
        return new Update(channelId, version, Optional.empty());
    }

    /** This update without its data, as it is stored. */
    public Update withoutData() {
        return data.isEmpty() ? this : new Update(channelId, version, Optional.empty());
    }
}
