package dev.simplepush.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, unforgeable endpoint tokens (P4.5): AES-GCM over (UAID, channelID, registration) under a key ring, URL-safe
 * base64 without padding. The first key encrypts; every key decrypts, so keys can be rotated by prepending a new one.
 * A token reveals neither the UAID nor the channelID, and each encoding uses a fresh nonce.
 *
 * <p>Every endpoint token names one registration of its channel, its generation, so that the endpoints of a channel
 * unregistered and registered again stay gone (P3.5, W3.4).
 *
 * <p>Thread-safe.
 */
public final class EndpointTokens {

    // The first byte of every token, also bound into the tag: what the token stands for. FORMAT_V1 is a SimplePush
    // token without generation, as minted before registrations had one; it still decodes, as NO_GENERATION (P3.5).
    private static final byte FORMAT_V1 = 1;
    private static final byte FORMAT_OPEN = 2;
    private static final byte FORMAT_RESTRICTED = 3;
    private static final byte FORMAT_MESSAGE = 4;
    private static final byte FORMAT_SIMPLEPUSH = 5;
    private static final int KEY_HASH_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    // How the channelID text is packed: as 16 bytes when it is a UUID in one of the four common spellings,
    // otherwise (mixed case) as its ASCII text, so the channelID comes back exactly as sent (P3.2).
    private static final byte LOWER_DASHED = 0;
    private static final byte LOWER_PLAIN = 1;
    private static final byte UPPER_DASHED = 2;
    private static final byte UPPER_PLAIN = 3;
    private static final byte VERBATIM = 4;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> cipher("AES/GCM/NoPadding"));
    private static final ThreadLocal<Cipher> BLOCK = ThreadLocal.withInitial(() -> cipher("AES/ECB/NoPadding"));

    private final List<SecretKey> keys;
    // The nonces of this instance: AES, under a random key of this instance alone, of a 64-bit counter from a random
    // start; the first 12 bytes of the block. They are as unlikely to repeat as random 96-bit nonces (NIST SP 800-38D
    // §8.2.2), across the nodes that share the token key too, and a nonce, which an id carries in clear, tells
    // nothing of how many ids the node sealed. One AES block and an atomic increment cost less than SecureRandom,
    // which took a shared lock and read the kernel's pool for every message id.
    private final SecretKey nonceKey;
    private final AtomicLong nonceCounter;

    private EndpointTokens(List<SecretKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one token key is needed");
        }
        this.keys = List.copyOf(keys);
        byte[] nonceKeyBytes = new byte[16];
        RANDOM.nextBytes(nonceKeyBytes);
        this.nonceKey = new SecretKeySpec(nonceKeyBytes, "AES");
        this.nonceCounter = new AtomicLong(RANDOM.nextLong());
    }

    private static Cipher cipher(String transformation) {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(transformation + " is not available in this JVM", e);
        }
    }

    /** Tokens under the keys of {@code config}; the first encrypts. */
    public static EndpointTokens fromBase64Keys(List<String> base64Keys) {
        List<SecretKey> keys = new ArrayList<>();
        for (int i = 0; i < base64Keys.size(); i++) {
            keys.add(new SecretKeySpec(PushConfig.decodeKey(base64Keys.get(i), i), "AES"));
        }
        return new EndpointTokens(keys);
    }

    /** Tokens under one fresh random 256-bit key: they stop decoding when this instance is gone. */
    public static EndpointTokens withRandomKey() {
        return fromBase64Keys(List.of(randomKey()));
    }

    /** A fresh random 256-bit key, base64, as {@link PushConfig#tokenKeys()} expects. */
    public static String randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * A fingerprint of a base64 token key, for logs: the first 8 hex characters of the SHA-256 of its bytes. It tells
     * which keys a node uses, and whether two nodes use the same, without revealing them.
     *
     * @throws IllegalArgumentException if {@code base64Key} is not base64 of 16, 24 or 32 bytes
     */
    public static String fingerprint(String base64Key) {
        return LogIds.shortHash(PushConfig.decodeKey(base64Key, 0));
    }

    /**
     * The token of a SimplePush registration ({@code /update/}, P4.5): over the UAID, the channel ID and the
     * registration's generation, so that it stops working for good when the channel is unregistered (P3.5).
     *
     * @throws IllegalArgumentException if {@code registration} has a key hash (SimplePush channels have none)
     */
    public EndpointToken encodeSimplePush(Subscription registration) {
        if (registration.restricted()) {
            throw new IllegalArgumentException("a SimplePush registration has no key hash");
        }
        return new EndpointToken(seal(FORMAT_SIMPLEPUSH, pack(registration.uaid(), registration.channelId(),
                Optional.empty(), OptionalLong.of(registration.generation()))));
    }

    /**
     * The SimplePush registration a token stands for (P4.5), without key hash; empty if the token is malformed, was
     * forged or corrupted, or was made under a key this server does not have (P4.3 404). A token minted before
     * registrations had generations decodes with generation {@link Subscription#NO_GENERATION}. Never throws.
     */
    public Optional<Subscription> decodeSimplePush(EndpointToken token) {
        Optional<byte[]> raw = bytes(token.value());
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        boolean withGeneration = raw.get()[0] == FORMAT_SIMPLEPUSH;
        return open(withGeneration ? FORMAT_SIMPLEPUSH : FORMAT_V1, raw.get())
                .flatMap(plain -> unpack(plain, false, withGeneration));
    }

    /**
     * The token of a Web Push subscription (W4.2): over the UAID, the channel ID and the registration's generation,
     * and for a restricted subscription also the hash of its key, so that the key check needs no store read. Open and restricted tokens never decode
     * as each other, nor as SimplePush tokens or message ids.
     */
    public EndpointToken encode(Subscription subscription) {
        byte format = subscription.restricted() ? FORMAT_RESTRICTED : FORMAT_OPEN;
        return new EndpointToken(seal(format,
                pack(subscription.uaid(), subscription.channelId(), subscription.keyHash(),
                        OptionalLong.of(subscription.generation()))));
    }

    /**
     * The Web Push subscription a token stands for, {@code restricted} saying which path it came on
     * ({@code /wpush/v2/} or {@code /wpush/v1/}); empty if it does not decode as such a token. Never throws.
     */
    public Optional<Subscription> decodeSubscription(EndpointToken token, boolean restricted) {
        return open(restricted ? FORMAT_RESTRICTED : FORMAT_OPEN, token.value())
                .flatMap(plain -> unpack(plain, restricted, true));
    }

    /**
     * A fresh message id for a message of {@code subscription} (W5.2): unique (each sealing uses a new nonce) and
     * unforgeable; it decodes to the subscription's device and channel.
     */
    public MessageId newMessageId(Subscription subscription) {
        return new MessageId(seal(FORMAT_MESSAGE, pack(subscription.uaid(), subscription.channelId(),
                Optional.empty(), OptionalLong.empty())));
    }

    /** The device and channel of a message id (W6.8); empty if it does not decode as one. Never throws. */
    public Optional<Endpoint> decode(MessageId id) {
        return open(FORMAT_MESSAGE, id.value())
                .flatMap(plain -> unpack(plain, false, false))
                .map(sub -> new Endpoint(sub.uaid(), sub.channelId()));
    }

    private String seal(byte format, byte[] plain) {
        try {
            byte[] nonce = nonce();
            Cipher cipher = CIPHER.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(new byte[] {format});
            byte[] sealed = cipher.doFinal(plain);
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
            out.put(format).put(nonce).put(sealed);
            return ENCODER.encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt an endpoint token", e);
        }
    }

    /** A fresh nonce for a sealing under this instance's keys. */
    private byte[] nonce() throws GeneralSecurityException {
        byte[] block = ByteBuffer.allocate(16).putLong(nonceCounter.getAndIncrement()).array();
        Cipher cipher = BLOCK.get();
        cipher.init(Cipher.ENCRYPT_MODE, nonceKey);
        return java.util.Arrays.copyOf(cipher.doFinal(block), NONCE_BYTES);
    }

    private Optional<byte[]> open(byte format, String text) {
        return bytes(text).flatMap(raw -> open(format, raw));
    }

    /** The token's bytes; empty if it is not base64 or too short to be any token. */
    private static Optional<byte[]> bytes(String text) {
        byte[] raw;
        try {
            raw = DECODER.decode(text);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        return raw.length < 1 + NONCE_BYTES + TAG_BITS / 8 ? Optional.empty() : Optional.of(raw);
    }

    private Optional<byte[]> open(byte format, byte[] raw) {
        if (raw.length < 1 + NONCE_BYTES + TAG_BITS / 8 || raw[0] != format) {
            return Optional.empty();
        }
        GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, raw, 1, NONCE_BYTES);
        Cipher cipher = CIPHER.get();
        for (SecretKey key : keys) {
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, spec);
                cipher.updateAAD(new byte[] {format});
                return Optional.of(cipher.doFinal(raw, 1 + NONCE_BYTES, raw.length - 1 - NONCE_BYTES));
            } catch (GeneralSecurityException wrongKeyOrForged) {
                // try the next key
            }
        }
        return Optional.empty();
    }

    // uaid (16) | channel format (1) | channel (16, or its ASCII text) | key hash (32, restricted tokens only)
    // | generation (8, every token but FORMAT_V1 and message ids). What follows the channel has a fixed length, so a
    // verbatim channel still ends where it begins.
    private static byte[] pack(Uaid uaid, ChannelId channelId, Optional<String> keyHash, OptionalLong generation) {
        String channel = channelId.value();
        byte format = formatOf(channel);
        byte[] channelBytes = format == VERBATIM
                ? channel.getBytes(StandardCharsets.US_ASCII)
                : java.util.HexFormat.of().parseHex(channel.replace("-", ""));
        byte[] hash = keyHash.map(h -> Base64.getUrlDecoder().decode(h)).orElse(new byte[0]);
        if (keyHash.isPresent() && hash.length != KEY_HASH_BYTES) {
            throw new IllegalArgumentException("a key hash is " + KEY_HASH_BYTES + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate(16 + 1 + channelBytes.length + hash.length
                + (generation.isPresent() ? Long.BYTES : 0));
        buf.put(uaid.toBytes()).put(format).put(channelBytes).put(hash);
        generation.ifPresent(buf::putLong);
        return buf.array();
    }

    private static Optional<Subscription> unpack(byte[] plain, boolean withKeyHash, boolean withGeneration) {
        int generationAt = plain.length - (withGeneration ? Long.BYTES : 0);
        int end = generationAt - (withKeyHash ? KEY_HASH_BYTES : 0);
        if (end < 17) {
            return Optional.empty();
        }
        byte[] uaid = java.util.Arrays.copyOfRange(plain, 0, 16);
        byte format = plain[16];
        byte[] rest = java.util.Arrays.copyOfRange(plain, 17, end);
        String channel;
        if (format == VERBATIM) {
            channel = new String(rest, StandardCharsets.US_ASCII);
        } else if (format >= LOWER_DASHED && format <= UPPER_PLAIN && rest.length == 16) {
            String hex = java.util.HexFormat.of().formatHex(rest);
            if (format == LOWER_DASHED || format == UPPER_DASHED) {
                hex = hex.substring(0, 8) + '-' + hex.substring(8, 12) + '-' + hex.substring(12, 16) + '-'
                        + hex.substring(16, 20) + '-' + hex.substring(20);
            }
            channel = format >= UPPER_DASHED ? hex.toUpperCase(Locale.ROOT) : hex;
        } else {
            return Optional.empty();
        }
        Optional<String> keyHash = withKeyHash
                ? Optional.of(ENCODER.encodeToString(java.util.Arrays.copyOfRange(plain, end, generationAt)))
                : Optional.empty();
        long generation = withGeneration
                ? ByteBuffer.wrap(plain, generationAt, Long.BYTES).getLong()
                : Subscription.NO_GENERATION;
        return ChannelId.parse(channel).map(c -> new Subscription(Uaid.fromBytes(uaid), c, keyHash, generation));
    }

    private static byte formatOf(String channel) {
        boolean dashed = channel.length() == 36;
        if (channel.equals(channel.toLowerCase(Locale.ROOT))) {
            return dashed ? LOWER_DASHED : LOWER_PLAIN;
        }
        if (channel.equals(channel.toUpperCase(Locale.ROOT))) {
            return dashed ? UPPER_DASHED : UPPER_PLAIN;
        }
        return VERBATIM;
    }
}
