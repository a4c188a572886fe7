package dev.simplepush.core;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * An application server's public key (W3.2, RFC 8292): an uncompressed point on P-256, 65 bytes starting with
 * {@code 0x04}. A subscription registered with one is restricted: only the holder of the matching private key may
 * send to it (W7.3).
 *
 * <p>Immutable and thread-safe.
 */
public final class VapidKey {

    /** The length of an uncompressed P-256 point. */
    public static final int LENGTH = 65;

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final ECParameterSpec P256 = p256();
    private static final BigInteger P = new BigInteger(
            "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger A = P.subtract(BigInteger.valueOf(3));
    private static final BigInteger B = new BigInteger(
            "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);

    private final byte[] point;
    private final String hash;

    private VapidKey(byte[] point) {
        this.point = point;
        this.hash = URL.encodeToString(sha256(point));
    }

    /**
     * Reads a key as pages and app servers send it: base64url with or without {@code =} padding (Firefox pads),
     * the standard alphabet ({@code +/}) tolerated. Empty if the text is not base64, not 65 bytes, does not start
     * with {@code 0x04}, or is not a point on P-256.
     */
    public static Optional<VapidKey> parse(String text) {
        String normalized = text.trim().replace('+', '-').replace('/', '_');
        int end = normalized.length();
        while (end > 0 && normalized.charAt(end - 1) == '=') {
            end--;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(normalized.substring(0, end));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        return of(bytes);
    }

    /** The key of these 65 raw bytes; empty unless they are an uncompressed point on P-256. */
    public static Optional<VapidKey> of(byte[] bytes) {
        if (bytes.length != LENGTH || bytes[0] != 0x04) {
            return Optional.empty();
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(bytes, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(bytes, 33, 65));
        if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            return Optional.empty();
        }
        // y² = x³ + ax + b (mod p): a point off the curve is refused here, never by a crypto provider later.
        BigInteger left = y.modPow(BigInteger.TWO, P);
        BigInteger right = x.modPow(BigInteger.valueOf(3), P).add(A.multiply(x)).add(B).mod(P);
        if (!left.equals(right)) {
            return Optional.empty();
        }
        return Optional.of(new VapidKey(bytes.clone()));
    }

    /** The 65 raw bytes. */
    public byte[] bytes() {
        return point.clone();
    }

    /**
     * URL-safe base64, without padding, of the SHA-256 of the 65 raw bytes: what a restricted endpoint seals
     * (W4.2) and the store keeps, so that a key check needs neither the key nor a store read.
     */
    public String hash() {
        return hash;
    }

    /** The key for signature checks ({@code SHA256withECDSAinP1363Format}). */
    public PublicKey publicKey() {
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 33, 65));
        try {
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC keys are not available in this JVM", e);
        }
    }

    /** The key as URL-safe base64 without padding. */
    @Override
    public String toString() {
        return URL.encodeToString(point);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VapidKey key && Arrays.equals(point, key.point);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(point);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is not available in this JVM", e);
        }
    }
}
