package dev.simplepush.core;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * A subscription's application server key (W3.2), the key its VAPID tokens are signed with (W7): an uncompressed
 * P-256 point, 65 bytes {@code 0x04 ‖ X ‖ Y}, checked to lie on the curve.
 *
 * <p>Uses the JDK alone, so that the core can parse the {@code key} of a register message with the same class.
 * Immutable and thread-safe; equal when the points are.
 */
public final class VapidKey {

    /** The length in bytes of an uncompressed P-256 point. */
    public static final int LENGTH = 65;

    private static final int COORDINATE = 32;
    /** 65 bytes in base64 without padding; one {@code =} pads it to 88. */
    private static final int UNPADDED_LENGTH = 87;
    private static final ECParameterSpec P256 = p256();
    private static final byte[] NOTHING = new byte[0];
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final byte[] bytes;
    private final ECPublicKey publicKey;
    private final String hash;

    private VapidKey(byte[] bytes, ECPublicKey publicKey) {
        this.bytes = bytes;
        this.publicKey = publicKey;
        this.hash = BASE64URL.encodeToString(sha256(bytes));
    }

    /**
     * Reads a key as the UA (W3.2) or an app server (W7.1) sends it: base64url of the 65-byte point, with or without
     * its {@code =} padding, the standard alphabet's {@code +} and {@code /} tolerated. No surrounding whitespace.
     *
     * @param text the encoded key
     * @return the key, or empty if the text is not base64 of 65 bytes starting with {@code 0x04}, or the point is not
     *         on P-256
     */
    public static Optional<VapidKey> parse(String text) {
        byte[] raw = decode(text);
        if (raw.length != LENGTH || raw[0] != 0x04) {
            return Optional.empty();
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + COORDINATE));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(raw, 1 + COORDINATE, LENGTH));
        if (!onCurve(x, y)) {
            return Optional.empty();
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            ECPublicKey key = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
            return Optional.of(new VapidKey(raw, key));
        } catch (InvalidKeySpecException refused) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java 17 runtime has an EC key factory", impossible);
        }
    }

    /** The 65 bytes of the point, {@code 0x04 ‖ X ‖ Y}: a copy. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Base64url without padding of SHA-256 of the 65 bytes: what a restricted endpoint's token seals (W4.2), so that
     * the key of a VAPID token can be checked against it without a store lookup (W7.3).
     */
    public String hash() {
        return hash;
    }

    /** The key as a JDK public key on P-256, for verifying signatures. */
    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** Equal when the points are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof VapidKey key && Arrays.equals(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The key in base64url without padding (a public key: nothing secret). */
    @Override
    public String toString() {
        return "VapidKey[" + BASE64URL.encodeToString(bytes) + "]";
    }

    /** The bytes of base64 text of a 65-byte value in either alphabet, padded or not; no bytes if it is not that. */
    private static byte[] decode(String text) {
        int length = text.length();
        if (length == UNPADDED_LENGTH + 1 && text.charAt(UNPADDED_LENGTH) == '=') {
            length = UNPADDED_LENGTH;
        }
        if (length != UNPADDED_LENGTH) {
            return NOTHING;
        }
        byte[] ascii = new byte[length];
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '+') {
                c = '-';
            } else if (c == '/') {
                c = '_';
            } else if (!isBase64Url(c)) {
                return NOTHING;
            }
            ascii[i] = (byte) c;
        }
        return Base64.getUrlDecoder().decode(ascii);
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** Whether (x, y) satisfies y² = x³ + ax + b over P-256's prime field, both coordinates reduced. */
    private static boolean onCurve(BigInteger x, BigInteger y) {
        EllipticCurve curve = P256.getCurve();
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.multiply(x).add(curve.getA()).multiply(x).add(curve.getB()).mod(p);
        return left.equals(right);
    }

    /** SHA-256 of {@code bytes}; also names credentials in logs ({@link LogIds}). */
    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every Java 17 runtime knows the curve secp256r1", impossible);
        }
    }
}
