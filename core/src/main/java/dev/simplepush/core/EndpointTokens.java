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
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, unforgeable endpoint tokens (P4.5): AES-GCM over (UAID, channelID) under a key ring, URL-safe base64
 * without padding. The first key encrypts; every key decrypts, so keys can be rotated by prepending a new one.
 * A token reveals neither the UAID nor the channelID, and each encoding uses a fresh random nonce.
 *
 * <p>Thread-safe.
 */
public final class EndpointTokens {

    private static final byte FORMAT_V1 = 1;
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
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    });

    private final List<SecretKey> keys;

    private EndpointTokens(List<SecretKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one token key is needed");
        }
        this.keys = List.copyOf(keys);
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

    /** The token for {@code endpoint}. */
    public EndpointToken encode(Endpoint endpoint) {
        byte[] plain = pack(endpoint);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = CIPHER.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(new byte[] {FORMAT_V1});
            byte[] sealed = cipher.doFinal(plain);
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
            out.put(FORMAT_V1).put(nonce).put(sealed);
            return new EndpointToken(ENCODER.encodeToString(out.array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt an endpoint token", e);
        }
    }

    /**
     * The endpoint a token stands for; empty if the token is malformed, was forged or corrupted, or was made
     * under a key this server does not have (P4.3 404). Never throws.
     */
    public Optional<Endpoint> decode(EndpointToken token) {
        byte[] raw;
        try {
            raw = DECODER.decode(token.value());
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (raw.length < 1 + NONCE_BYTES + TAG_BITS / 8 || raw[0] != FORMAT_V1) {
            return Optional.empty();
        }
        GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, raw, 1, NONCE_BYTES);
        Cipher cipher = CIPHER.get();
        for (SecretKey key : keys) {
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, spec);
                cipher.updateAAD(new byte[] {FORMAT_V1});
                byte[] plain = cipher.doFinal(raw, 1 + NONCE_BYTES, raw.length - 1 - NONCE_BYTES);
                return unpack(plain);
            } catch (GeneralSecurityException wrongKeyOrForged) {
                // try the next key
            }
        }
        return Optional.empty();
    }

    private static byte[] pack(Endpoint endpoint) {
        String channel = endpoint.channelId().value();
        byte format = formatOf(channel);
        byte[] channelBytes = format == VERBATIM
                ? channel.getBytes(StandardCharsets.US_ASCII)
                : java.util.HexFormat.of().parseHex(channel.replace("-", ""));
        ByteBuffer buf = ByteBuffer.allocate(16 + 1 + channelBytes.length);
        buf.put(endpoint.uaid().toBytes()).put(format).put(channelBytes);
        return buf.array();
    }

    private static Optional<Endpoint> unpack(byte[] plain) {
        if (plain.length < 17) {
            return Optional.empty();
        }
        byte[] uaid = java.util.Arrays.copyOfRange(plain, 0, 16);
        byte format = plain[16];
        byte[] rest = java.util.Arrays.copyOfRange(plain, 17, plain.length);
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
        return ChannelId.parse(channel).map(c -> new Endpoint(Uaid.fromBytes(uaid), c));
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
