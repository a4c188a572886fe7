package dev.simplepush.core.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** ES256 JWTs and P-256 keys made with the JDK, for tests of VAPID (RFC 8292) anywhere. */
public final class Es256 {

    /** A key made by npm web-push 3.6.7 ({@code generateVAPIDKeys}) and SHA-256 of its bytes as Node computed it. */
    public static final String WEB_PUSH_KEY =
            "BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX-jU6c";
    /** SHA-256 of {@link #WEB_PUSH_KEY}'s bytes in base64url, as Node computed it. */
    public static final String WEB_PUSH_KEY_HASH = "HLT03fTVc53_jWND3eS8kMhAQUnXxAKZ607ZHEutDxU";

    private Es256() {
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The uncompressed point 0x04 ‖ X ‖ Y. */
    public static byte[] raw(ECPublicKey key) {
        byte[] raw = new byte[65];
        raw[0] = 0x04;
        copy(key.getW().getAffineX(), raw, 1);
        copy(key.getW().getAffineY(), raw, 33);
        return raw;
    }

    /** The point in base64url without padding, as an app server sends {@code k}. */
    public static String encoded(KeyPair keys) {
        return b64(raw((ECPublicKey) keys.getPublic()));
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A JWS compact serialization of the two JSON texts, signed ES256 (raw r ‖ s). */
    public static String jwt(String header, String claims, PrivateKey key) {
        String signed = b64(header) + "." + b64(claims);
        return signed + "." + b64(sign(signed, key));
    }

    /** ES256 signature (raw r ‖ s, 64 bytes) of the ASCII text. */
    public static byte[] sign(String text, PrivateKey key) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(key);
            signature.update(text.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static void copy(BigInteger coordinate, byte[] into, int offset) {
        byte[] bytes = coordinate.toByteArray();
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, into, offset + 32 - length, length);
    }
}
