package dev.simplepush.transport.udp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of {@link UdpWakeupModule}. Immutable; build with {@link #builder()}.
 *
 * @param networks the wakeable networks (P8.1); a device on no listed network is an ordinary client
 * @param idleTimeout how long an eligible socket may stay silent before it is closed with 4774 (P8.2)
 * @param retryInterval the wait before the first retry of an unanswered wake-up; doubled for each later one
 * @param maxAttempts the most wake-ups sent for one stored update burst (the first and its retries, P8.3)
 */
public record UdpWakeupConfig(List<WakeupNetwork> networks, Duration idleTimeout, Duration retryInterval,
        int maxAttempts) {

    /** Default {@link #idleTimeout()}: 10 s (P8.2). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link #retryInterval()}: 30 s. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(30);
    /** Default {@link #maxAttempts()}: 5. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    /**
     * Validates the values and copies the list.
     *
     * @throws IllegalArgumentException if a duration is not positive or {@code maxAttempts} is below 1
     */
    public UdpWakeupConfig {
        networks = List.copyOf(networks);
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(retryInterval, "retryInterval");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
    }

    /** No network, default timings. */
    public static UdpWakeupConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder builder = builder().idleTimeout(idleTimeout).retryInterval(retryInterval).maxAttempts(maxAttempts);
        networks.forEach(builder::network);
        return builder;
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Builds a {@link UdpWakeupConfig}; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final List<WakeupNetwork> networks = new ArrayList<>();
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

        private Builder() {
        }

        /** Adds a wakeable network. */
        public Builder network(WakeupNetwork network) {
            networks.add(Objects.requireNonNull(network, "network"));
            return this;
        }

        /** Sets {@link UdpWakeupConfig#idleTimeout()}; positive. */
        public Builder idleTimeout(Duration value) {
            requirePositive(value, "idleTimeout");
            idleTimeout = value;
            return this;
        }

        /** Sets {@link UdpWakeupConfig#retryInterval()}; positive. */
        public Builder retryInterval(Duration value) {
            requirePositive(value, "retryInterval");
            retryInterval = value;
            return this;
        }

        /** Sets {@link UdpWakeupConfig#maxAttempts()}; at least 1. */
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + value);
            }
            maxAttempts = value;
            return this;
        }

        /** The config. */
        public UdpWakeupConfig build() {
            return new UdpWakeupConfig(networks, idleTimeout, retryInterval, maxAttempts);
        }
    }
}
