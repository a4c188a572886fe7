package dev.simplepush.core;

import java.util.Objects;

/**
 * What an endpoint token stands for: one channel of one device.
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
