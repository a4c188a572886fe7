package dev.simplepush.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
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
     * An encrypted body, passed through untouched (W5.4, W5.5): the server never decrypts. A value: equal when its
     * four components are.
     */
    public static final class Payload {

        private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

        // The URL-safe base64 text as ASCII bytes: what a frame carries, so that writing one copies it once.
        private final byte[] data;
        private final String encoding;
        private final Optional<String> encryption;
        private final Optional<String> cryptoKey;

        /**
         * A payload whose data is already text, for example read back from a store. Validates that no component is
         * null and that the data is URL-safe base64 (so that it can be written into a frame as it is).
         *
         * @param data the body bytes as URL-safe base64 without padding
         * @param encoding {@code aes128gcm} (RFC 8291) or {@code aesgcm} (the legacy draft)
         * @param encryption for {@code aesgcm}: the {@code Encryption} header, quotes and base64 padding removed
         * @param cryptoKey for {@code aesgcm}: the {@code Crypto-Key} header, quotes and base64 padding removed
         * @throws IllegalArgumentException if the data has a character outside {@code A-Z a-z 0-9 - _}
         */
        public Payload(String data, String encoding, Optional<String> encryption, Optional<String> cryptoKey) {
            this(checked(data).getBytes(StandardCharsets.US_ASCII), encoding, encryption, cryptoKey);
        }

        /** Takes {@code data} as it is: the caller checked or made it, and hands it over. */
        private Payload(byte[] data, String encoding, Optional<String> encryption, Optional<String> cryptoKey) {
            this.data = data;
            this.encoding = Objects.requireNonNull(encoding, "encoding");
            this.encryption = Objects.requireNonNull(encryption, "encryption");
            this.cryptoKey = Objects.requireNonNull(cryptoKey, "cryptoKey");
        }

        /**
         * The payload of a request body as it arrived: its bytes are encoded here, so they need no check. (Checking
         * the 2,731 characters of a 2 KiB body cost the server more than a quarter of its CPU per Web Push message.)
         */
        public static Payload ofBody(byte[] body, String encoding, Optional<String> encryption,
                Optional<String> cryptoKey) {
            return new Payload(BASE64URL.encode(body), encoding, encryption, cryptoKey);
        }

        /** An RFC 8291 body, given as URL-safe base64 text. */
        public static Payload aes128gcm(String data) {
            return new Payload(data, "aes128gcm", Optional.empty(), Optional.empty());
        }

        private static String checked(String data) {
            Objects.requireNonNull(data, "data");
            for (int i = 0; i < data.length(); i++) {
                char c = data.charAt(i);
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                        || c == '_')) {
                    throw new IllegalArgumentException("payload data is URL-safe base64 without padding");
                }
            }
            return data;
        }

        /** The body bytes as URL-safe base64 without padding. */
        public String data() {
            return new String(data, StandardCharsets.US_ASCII);
        }

        /** The length of {@link #data()}: its characters, which are also its bytes in ASCII or UTF-8. */
        public int dataLength() {
            return data.length;
        }

        /**
         * Copies {@link #data()} as ASCII bytes into {@code target} from {@code offset}, as a transport writes it
         * into a frame: URL-safe base64 needs no escaping in JSON.
         *
         * @throws IndexOutOfBoundsException if {@code target} has fewer than {@link #dataLength()} bytes from
         *     {@code offset}
         */
        public void copyData(byte[] target, int offset) {
            System.arraycopy(data, 0, target, offset, data.length);
        }

        /** {@code aes128gcm} (RFC 8291) or {@code aesgcm} (the legacy draft). */
        public String encoding() {
            return encoding;
        }

        /** For {@code aesgcm}: the {@code Encryption} header, quotes and base64 padding removed. */
        public Optional<String> encryption() {
            return encryption;
        }

        /** For {@code aesgcm}: the {@code Crypto-Key} header, quotes and base64 padding removed. */
        public Optional<String> cryptoKey() {
            return cryptoKey;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Payload that && Arrays.equals(data, that.data) && encoding.equals(that.encoding)
                    && encryption.equals(that.encryption) && cryptoKey.equals(that.cryptoKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(data), encoding, encryption, cryptoKey);
        }

        @Override
        public String toString() {
            return "Payload[" + data.length + " characters, encoding=" + encoding + ", encryption=" + encryption
                    + ", cryptoKey=" + cryptoKey + "]";
        }
    }
}
