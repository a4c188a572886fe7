package dev.simplepush.core;

import java.util.Objects;

/**
 * One channel of one device, as a message id names it (W6.8).
 *
 * @param uaid the device
 * @param channelId the channel
 */
public record Endpoint(Uaid uaid, ChannelId channelId) {

    /** Validates that no component is null. */
    public Endpoint {
        Objects.requireNonNull(uaid, "uaid");
        Objects.requireNonNull(channelId, "channelId");
    }
}
