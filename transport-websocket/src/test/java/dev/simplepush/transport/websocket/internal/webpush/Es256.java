package dev.simplepush.transport.websocket.internal.webpush;

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

/** ES256 JWTs and P-256 keys made with the JDK, for the tests. */
final class Es256 {

    private Es256() {
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The uncompressed point 0x04 ‖ X ‖ Y. */
    static byte[] raw(ECPublicKey key) {
        byte[] raw = new byte[65];
        raw[0] = 0x04;
        copy(key.getW().getAffineX(), raw, 1);
        copy(key.getW().getAffineY(), raw, 33);
        return raw;
    }

    /** The point in base64url without padding, as an app server sends {@code k}. */
    static String encoded(KeyPair keys) {
        return b64(raw((ECPublicKey) keys.getPublic()));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A JWS compact serialization of the two JSON texts, signed ES256 (raw r ‖ s). */
    static String jwt(String header, String claims, PrivateKey key) {
        String signed = b64(header) + "." + b64(claims);
        return signed + "." + b64(sign(signed, key));
    }

    /** ES256 signature (raw r ‖ s, 64 bytes) of the ASCII text. */
    static byte[] sign(String text, PrivateKey key) {
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
