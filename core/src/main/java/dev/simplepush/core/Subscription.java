package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What a Web Push endpoint token stands for (W4.2): one channel of one device, and for a restricted subscription
 * the hash of the application server key it was registered with (W3.2, W7.3).
 *
 * @param uaid the device
 * @param channelId the channel
 * @param keyHash {@link VapidKey#hash()} of the subscription's key; empty for an open subscription
 */
public record Subscription(Uaid uaid, ChannelId channelId, Optional<String> keyHash) {

    /** Validates that no component is null. */
    public Subscription {
        Objects.requireNonNull(uaid, "uaid");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(keyHash, "keyHash");
    }

    /** Whether only the holder of the registered key may send (W3.2). */
    public boolean restricted() {
        return keyHash.isPresent();
    }
}
