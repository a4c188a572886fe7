package dev.simplepush.core;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the protocol core. Immutable; build with {@link #builder()} or take {@link #defaults()}.
 *
 * @param helloTimeout how long a new socket may stay without saying hello (P2.8)
 * @param minPingInterval the shortest allowed time between two pings of one socket (P6.2)
 * @param maxChannelsPerDevice the most channels one UAID may hold (P3.4)
 * @param maxDataBytes the largest {@code data} an app server may send with an update, in UTF-8 bytes (P4.1)
 * @param maxQueuedMessages the most Web Push messages one subscription keeps pending (W9.4)
 * @param tokenKeys endpoint token keys, base64 (16, 24 or 32 bytes each); the first encrypts, all decrypt
 *     (P4.5). Empty: a random key is generated at start and endpoints do not survive a restart.
 */
public record PushConfig(
        Duration helloTimeout,
        Duration minPingInterval,
        int maxChannelsPerDevice,
        int maxDataBytes,
        int maxQueuedMessages,
        List<String> tokenKeys) {

    /** Default hello timeout: 30 s. */
    public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(30);
    /** Default ping floor: 20 s. */
    public static final Duration DEFAULT_MIN_PING_INTERVAL = Duration.ofSeconds(20);
    /** Default channel limit per device: 1000. */
    public static final int DEFAULT_MAX_CHANNELS_PER_DEVICE = 1000;
    /** Default data limit: 4096 bytes. */
    public static final int DEFAULT_MAX_DATA_BYTES = 4096;
    /** Default queue limit per Web Push subscription: 100 messages. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 100;

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException if a duration is not positive, a limit is below 1, or a key is not
     *     base64 of 16, 24 or 32 bytes
     */
    public PushConfig {
        requirePositive(helloTimeout, "helloTimeout");
        Objects.requireNonNull(minPingInterval, "minPingInterval");
        if (minPingInterval.isNegative()) {
            throw new IllegalArgumentException("minPingInterval must not be negative: " + minPingInterval);
        }
        if (maxChannelsPerDevice < 1) {
            throw new IllegalArgumentException("maxChannelsPerDevice must be at least 1: " + maxChannelsPerDevice);
        }
        if (maxDataBytes < 0) {
            throw new IllegalArgumentException("maxDataBytes must not be negative: " + maxDataBytes);
        }
        if (maxQueuedMessages < 1) {
            throw new IllegalArgumentException("maxQueuedMessages must be at least 1: " + maxQueuedMessages);
        }
        tokenKeys = List.copyOf(tokenKeys);
        for (int i = 0; i < tokenKeys.size(); i++) {
            decodeKey(tokenKeys.get(i), i);
        }
    }

    /**
     * The defaults: 30 s hello timeout, 20 s ping floor, 1000 channels, 4096 data bytes, 100 queued messages, a
     * random token key.
     */
    public static PushConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .helloTimeout(helloTimeout)
                .minPingInterval(minPingInterval)
                .maxChannelsPerDevice(maxChannelsPerDevice)
                .maxDataBytes(maxDataBytes)
                .maxQueuedMessages(maxQueuedMessages)
                .tokenKeys(tokenKeys);
    }

    static byte[] decodeKey(String base64, int index) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token key #" + (index + 1) + " is not valid base64", e);
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("token key #" + (index + 1) + " must decode to 16, 24 or 32 bytes, got "
                    + key.length);
        }
        return key;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** Keys are secrets: printed as a count only. */
    @Override
    public String toString() {
        return "PushConfig[helloTimeout=" + helloTimeout + ", minPingInterval=" + minPingInterval
                + ", maxChannelsPerDevice=" + maxChannelsPerDevice + ", maxDataBytes=" + maxDataBytes
                + ", maxQueuedMessages=" + maxQueuedMessages
                + ", tokenKeys=<" + tokenKeys.size() + " redacted>]";
    }

    /** Builds a {@link PushConfig}; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private Duration helloTimeout = DEFAULT_HELLO_TIMEOUT;
        private Duration minPingInterval = DEFAULT_MIN_PING_INTERVAL;
        private int maxChannelsPerDevice = DEFAULT_MAX_CHANNELS_PER_DEVICE;
        private int maxDataBytes = DEFAULT_MAX_DATA_BYTES;
        private int maxQueuedMessages = DEFAULT_MAX_QUEUED_MESSAGES;
        private List<String> tokenKeys = List.of();

        private Builder() {
        }

        /** Hello timeout (P2.8). Defaults to {@link #DEFAULT_HELLO_TIMEOUT}; must be positive. */
        public Builder helloTimeout(Duration value) {
            requirePositive(value, "helloTimeout");
            this.helloTimeout = value;
            return this;
        }

        /** Ping floor (P6.2). Defaults to {@link #DEFAULT_MIN_PING_INTERVAL}; zero disables it. */
        public Builder minPingInterval(Duration value) {
            Objects.requireNonNull(value, "minPingInterval");
            if (value.isNegative()) {
                throw new IllegalArgumentException("minPingInterval must not be negative: " + value);
            }
            this.minPingInterval = value;
            return this;
        }

        /** Channel limit per device (P3.4). Defaults to {@link #DEFAULT_MAX_CHANNELS_PER_DEVICE}; at least 1. */
        public Builder maxChannelsPerDevice(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxChannelsPerDevice must be at least 1: " + value);
            }
            this.maxChannelsPerDevice = value;
            return this;
        }

        /** Data limit (P4.1). Defaults to {@link #DEFAULT_MAX_DATA_BYTES}. */
        public Builder maxDataBytes(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxDataBytes must not be negative: " + value);
            }
            this.maxDataBytes = value;
            return this;
        }

        /** Queue limit per Web Push subscription (W9.4). Defaults to {@link #DEFAULT_MAX_QUEUED_MESSAGES}; at least 1. */
        public Builder maxQueuedMessages(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxQueuedMessages must be at least 1: " + value);
            }
            this.maxQueuedMessages = value;
            return this;
        }

        /** Endpoint token keys, base64; the first encrypts, all decrypt (P4.5). Defaults to none (random key). */
        public Builder tokenKeys(List<String> value) {
            List<String> copy = List.copyOf(value);
            for (int i = 0; i < copy.size(); i++) {
                decodeKey(copy.get(i), i);
            }
            this.tokenKeys = copy;
            return this;
        }

        /** The configuration. */
        public PushConfig build() {
            return new PushConfig(helloTimeout, minPingInterval, maxChannelsPerDevice, maxDataBytes,
                    maxQueuedMessages, tokenKeys);
        }
    }
}
