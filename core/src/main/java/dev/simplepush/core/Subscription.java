package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What an endpoint token stands for (P4.5, W4.2): one registration of one channel of one device, and for a
 * restricted Web Push subscription the hash of the application server key it was registered with (W3.2, W7.3). A
 * SimplePush registration is one without key hash.
 *
 * <p>The generation tells registrations of the same channel apart: a channel unregistered and registered again
 * gets a new one, so endpoints of the old registration stay gone (P3.5, W3.4). Generation {@value #NO_GENERATION}
 * is a SimplePush registration made before registrations had generations: a channel stored without one, and an
 * endpoint minted without one.
 *
 * @param uaid the device
 * @param channelId the channel
 * @param keyHash {@link VapidKey#hash()} of the subscription's key; empty for an open subscription
 * @param generation which registration of the channel this is
 */
public record Subscription(Uaid uaid, ChannelId channelId, Optional<String> keyHash, long generation) {

    /**
     * The generation of a SimplePush registration without one of its own: a channel stored, or an endpoint minted,
     * before registrations had generations. No new registration gets it.
     */
    public static final long NO_GENERATION = 0;

    /** Validates that no component is null. */
    public Subscription {
        Objects.requireNonNull(uaid, "uaid");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(keyHash, "keyHash");
    }

    /** A new registration's generation: random, never {@value #NO_GENERATION}. */
    public static long newGeneration() {
        long generation;
        do {
            generation = ThreadLocalRandom.current().nextLong();
        } while (generation == NO_GENERATION);
        return generation;
    }

    /** This subscription with {@code value} as its generation. */
    public Subscription withGeneration(long value) {
        return value == generation ? this : new Subscription(uaid, channelId, keyHash, value);
    }

    /** Whether only the holder of the registered key may send (W3.2). */
    public boolean restricted() {
        return keyHash.isPresent();
    }
}
