package dev.simplepush.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One Web Push message (W5, W9): what an app server POSTed to a subscription, kept in the subscription's queue
 * until the device acks it or it expires.
 *
 * @param id the message id (W5.2), also the device's ack key and the app server's delete key
 * @param channelId the subscription's channel
 * @param expiresAt when the TTL runs out (received time + TTL); a message of TTL 0 expires as it arrives
 * @param topic the {@code Topic} (W6.5): a newer pending message with the same topic replaces this one
 * @param payload the encrypted body and how it is encrypted; empty for a message without a body (W5.4)
 */
public record WebPushMessage(MessageId id, ChannelId channelId, Instant expiresAt, Optional<String> topic,
        Optional<Payload> payload) implements Notice {

    /** The longest TTL kept, 30 days (W6.2): longer ones are lowered to it. */
    public static final int MAX_TTL_SECONDS = 2_592_000;

    /** Validates that no component is null. */
    public WebPushMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }

    /** Whether the TTL has run out at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** The TTL left at {@code now}, in whole seconds rounded up (W5.3); 0 once expired. */
    public long ttlSecondsAt(Instant now) {
        long millis = expiresAt.toEpochMilli() - now.toEpochMilli();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    /**
     * An encrypted body, passed through untouched (W5.4, W5.5): the server never decrypts.
     *
     * @param data the body bytes as URL-safe base64 without padding
     * @param encoding {@code aes128gcm} (RFC 8291) or {@code aesgcm} (the legacy draft)
     * @param encryption for {@code aesgcm}: the {@code Encryption} header, quotes and base64 padding removed
     * @param cryptoKey for {@code aesgcm}: the {@code Crypto-Key} header, quotes and base64 padding removed
     */
    public record Payload(String data, String encoding, Optional<String> encryption, Optional<String> cryptoKey) {

        /**
         * Validates that no component is null and that the data is URL-safe base64 (so that it can be written into
         * a frame as it is).
         *
         * @throws IllegalArgumentException if the data has a character outside {@code A-Z a-z 0-9 - _}
         */
        public Payload {
            Objects.requireNonNull(data, "data");
            for (int i = 0; i < data.length(); i++) {
                char c = data.charAt(i);
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                        || c == '_')) {
                    throw new IllegalArgumentException("payload data is URL-safe base64 without padding");
                }
            }
            Objects.requireNonNull(encoding, "encoding");
            Objects.requireNonNull(encryption, "encryption");
            Objects.requireNonNull(cryptoKey, "cryptoKey");
        }

        /** An RFC 8291 body. */
        public static Payload aes128gcm(String data) {
            return new Payload(data, "aes128gcm", Optional.empty(), Optional.empty());
        }
    }
}
