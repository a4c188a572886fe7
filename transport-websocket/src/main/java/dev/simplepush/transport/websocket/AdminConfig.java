package dev.simplepush.transport.websocket;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the admin listener ({@link AdminModule}): where it listens and the bearer token of its {@code /admin/}
 * API. Immutable; {@link #toString()} never shows the token.
 *
 * @param host listen address, by default {@value #DEFAULT_HOST} (loopback: the admin port is for the operator)
 * @param port TCP port; 0 picks a free port at start
 * @param token the bearer token that opens {@code /admin/}; empty: {@code /admin/} answers 404
 * @param drainTime how long a drain started by {@code POST /admin/drain} spreads the closing of the devices over
 */
public record AdminConfig(String host, int port, Optional<String> token, Duration drainTime) {

    /** Default listen address: the loopback interface only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default TCP port. */
    public static final int DEFAULT_PORT = 9090;
    /** The shortest token taken: shorter ones are guessed too easily. */
    public static final int MIN_TOKEN_LENGTH = 16;
    /** Default time a drain spreads the closing of the devices over. */
    public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(30);

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException if the host is blank, the port is outside 0..65535, the token is shorter
     *     than {@value #MIN_TOKEN_LENGTH} characters or holds anything but visible ASCII, or the drain time is
     *     negative
     */
    public AdminConfig {
        WebSocketConfig.requireHost(host);
        WebSocketConfig.requirePort(port);
        Objects.requireNonNull(token, "token").ifPresent(AdminConfig::requireToken);
        requireDrainTime(drainTime);
    }

    /** The defaults: {@code 127.0.0.1:9090}, no token (no {@code /admin/} API). */
    public static AdminConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "AdminConfig[host=" + host + ", port=" + port + ", token=" + token.map(t -> "(redacted)").orElse("none")
                + ", drainTime=" + drainTime + "]";
    }

    private static Duration requireDrainTime(Duration drainTime) {
        if (Objects.requireNonNull(drainTime, "drainTime").isNegative()) {
            throw new IllegalArgumentException("drainTime must not be negative: " + drainTime);
        }
        return drainTime;
    }

    private static void requireToken(String token) {
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token must have at least " + MIN_TOKEN_LENGTH + " characters, has "
                    + token.length());
        }
        // RFC 6750 b64token is narrower; anything visible is accepted, nothing that could split a header.
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("token must be visible ASCII characters only (no spaces)");
        }
    }

    /** Builds an {@link AdminConfig}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Optional<String> token = Optional.empty();
        private Duration drainTime = DEFAULT_DRAIN_TIME;

        private Builder() {
        }

        /** The admin listener's address (name or IP literal). Defaults to {@link #DEFAULT_HOST}; not blank. */
        public Builder host(String value) {
            this.host = WebSocketConfig.requireHost(value);
            return this;
        }

        /** The admin listener's TCP port. Defaults to {@link #DEFAULT_PORT}; 0..65535, 0: a free port at start. */
        public Builder port(int value) {
            this.port = WebSocketConfig.requirePort(value);
            return this;
        }

        /**
         * The bearer token that opens {@code /admin/}, at least {@value #MIN_TOKEN_LENGTH} visible ASCII characters.
         * Defaults to none: {@code /admin/} answers 404.
         */
        public Builder token(String value) {
            Objects.requireNonNull(value, "token");
            requireToken(value);
            this.token = Optional.of(value);
            return this;
        }

        /**
         * How long a drain started by {@code POST /admin/drain} spreads the closing of the devices over (as
         * {@code PushServer.drain}). Defaults to {@link #DEFAULT_DRAIN_TIME}; not negative.
         */
        public Builder drainTime(Duration value) {
            this.drainTime = requireDrainTime(value);
            return this;
        }

        /** The configuration. */
        public AdminConfig build() {
            return new AdminConfig(host, port, token, drainTime);
        }
    }
}
