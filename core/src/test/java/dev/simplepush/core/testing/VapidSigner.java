package dev.simplepush.core.testing;

import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * An application server's VAPID key pair (RFC 8292), as a test fixture: signs ES256 JWTs and writes the
 * {@code Authorization} headers of W7.1, on the primitives of {@link Es256}. The public key is the 65-byte
 * uncompressed P-256 point a page passes as {@code applicationServerKey} and a device sends in register's
 * {@code key} (W3.2).
 *
 * <p>Immutable and thread-safe.
 */
public final class VapidSigner {

    /** The JWT header of RFC 8292 §2: ES256. */
    public static final String ES256_HEADER = "{\"typ\":\"JWT\",\"alg\":\"ES256\"}";
    /** The {@code sub} claim the signer puts in its tokens (W7.2: a {@code mailto:} URI). */
    public static final String SUBJECT = "mailto:push-test@example.com";

    private final KeyPair keys;
    private final byte[] publicKey;

    private VapidSigner(KeyPair keys) {
        this.keys = keys;
        this.publicKey = Es256.raw((ECPublicKey) keys.getPublic());
    }

    /** A fresh key pair on P-256 (secp256r1). */
    public static VapidSigner generate() {
        return new VapidSigner(Es256.newKeyPair());
    }

    /** The public key, the 65 bytes of the uncompressed point ({@code 0x04 ‖ x ‖ y}). */
    public byte[] publicKeyBytes() {
        return publicKey.clone();
    }

    /** The public key as URL-safe base64 without padding, as app servers send {@code k} (W7.1). */
    public String publicKey() {
        return Es256.b64(publicKey);
    }

    /** The public key as Firefox sends it in register: URL-safe base64 with {@code =} padding (W3.2). */
    public String publicKeyPadded() {
        return Base64.getUrlEncoder().encodeToString(publicKey);
    }

    /** The public key in the standard base64 alphabet ({@code +/}), padded (W3.2: tolerated). */
    public String publicKeyStandard() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    /**
     * A signed ES256 JWT with the claims {@code aud}, {@code exp} and {@code sub} ({@link #SUBJECT}).
     *
     * @param audience the {@code aud} claim: the origin of the endpoint, {@code scheme://host[:port]} (W7.2)
     * @param expiry the {@code exp} claim, in whole seconds
     */
    public String jwt(String audience, Instant expiry) {
        return sign(ES256_HEADER, "{\"aud\":\"" + json(audience) + "\",\"exp\":" + expiry.getEpochSecond()
                + ",\"sub\":\"" + SUBJECT + "\"}");
    }

    /**
     * A JWT of this header and these claims, signed with this key whatever the header says: for tokens W7.2
     * refuses (another {@code alg}, no {@code exp}).
     *
     * @param headerJson the JWT header, JSON
     * @param claimsJson the claims, JSON
     */
    public String sign(String headerJson, String claimsJson) {
        return Es256.jwt(headerJson, claimsJson, keys.getPrivate());
    }

    /** {@code vapid t=<jwt>, k=<key>} (RFC 8292 §3, W7.1) for {@code audience} and {@code expiry}. */
    public String authorization(String audience, Instant expiry) {
        return "vapid t=" + jwt(audience, expiry) + ", k=" + publicKey();
    }

    /** The VAPID {@code aud} for an endpoint: its origin, {@code scheme://host:port} (W7.2). */
    public static String audience(URI endpoint) {
        Objects.requireNonNull(endpoint.getScheme(), "an endpoint URL is absolute");
        return endpoint.getScheme() + "://" + endpoint.getRawAuthority();
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
