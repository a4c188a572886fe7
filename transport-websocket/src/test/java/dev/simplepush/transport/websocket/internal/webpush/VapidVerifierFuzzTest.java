package dev.simplepush.transport.websocket.internal.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Fuzzes {@link VapidVerifier} (W7, RFC 8292) with arbitrary {@code Authorization} and {@code Crypto-Key} headers,
 * with tokens signed here whose header, claims and form the fuzzer chooses, and with such tokens changed by one
 * character.
 *
 * <p>For every input nothing is thrown; no header is {@link VapidVerifier.Absent} but a missing one; a refusal's
 * reason never repeats the token or the key (it goes into a 403 body); and a signed token is
 * {@link VapidVerifier.Valid}, with its own key, exactly when W7.2 says: {@code alg} ES256, {@code typ} JWT if any, no
 * {@code crit}, {@code exp} after now and at most 24 hours (and a minute of slack) ahead, {@code aud} the endpoint's
 * origin. A changed token is valid only if what it signs and its signature are still the same bytes.
 */
class VapidVerifierFuzzTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    private static final String AUDIENCE = "https://push.example.net";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final List<KeyPair> KEYS = List.of(keyPair(), keyPair());
    private static final String[] AUDIENCES = {AUDIENCE, AUDIENCE + "/", "HTTPS://Push.Example.NET:443",
        "https://push.example.net:8443", "http://push.example.net", AUDIENCE + "/update", AUDIENCE + "?q",
        "https://user@push.example.net", "push.example.net", ""};
    private static final int VALID_AUDIENCES = 3;

    @FuzzTest
    void onlyTimelyTokensSignedByTheirKeyAreValid(FuzzedDataProvider data) throws GeneralSecurityException, IOException {
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                String authorization = data.consumeBoolean() ? null : data.consumeString(400);
                String cryptoKey = data.consumeBoolean() ? null : data.consumeString(200);
                VapidVerifier.Result result = VapidVerifier.verify(authorization, cryptoKey, AUDIENCE, NOW);
                assertThat(result).as("Authorization %s", authorization).isInstanceOf(authorization == null
                        ? VapidVerifier.Absent.class : VapidVerifier.Invalid.class);
            }
            default -> signed(data, data.consumeBoolean());
        }
    }

    private static void signed(FuzzedDataProvider data, boolean changed) throws GeneralSecurityException, IOException {
        KeyPair keys = KEYS.get(data.consumeInt(0, KEYS.size() - 1));
        String key = publicKey(keys, data);

        ObjectNode header = JSON.createObjectNode();
        String alg = data.pickValue(new String[] {"ES256", "ES256", "ES256", "es256", "HS256", "none", "ES384"});
        header.put("alg", alg);
        String typ = data.pickValue(new String[] {null, "JWT", "jwt", "application/jwt", "JOSE", ""});
        if (typ != null) {
            header.put("typ", typ);
        }
        boolean crit = data.consumeInt(0, 9) == 0;
        if (crit) {
            header.putArray("crit").add("exp");
        }

        ObjectNode claims = JSON.createObjectNode();
        long lifetime = data.consumeLong(-120, 90_000);
        boolean fraction = data.consumeBoolean();
        double exp = NOW.getEpochSecond() + lifetime + (fraction ? 0.5 : 0);
        if (fraction) {
            claims.put("exp", exp);
        } else {
            claims.put("exp", (long) exp);
        }
        int audience = data.consumeInt(0, AUDIENCES.length);
        if (audience < AUDIENCES.length) {
            claims.put("aud", AUDIENCES[audience]);
        }
        if (data.consumeBoolean()) {
            claims.put("sub", data.consumeString(30));
        }

        String signedPart = BASE64URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + BASE64URL.encodeToString(JSON.writeValueAsBytes(claims));
        byte[] signature = sign(keys, signedPart);
        String token = signedPart + "." + BASE64URL.encodeToString(signature);
        boolean valid = alg.equals("ES256") && (typ == null || typ.equalsIgnoreCase("JWT")
                || typ.equalsIgnoreCase("application/jwt")) && !crit && exp > NOW.getEpochSecond()
                && exp <= NOW.getEpochSecond() + 86_400 + 60 && audience < VALID_AUDIENCES;

        if (changed && !token.isEmpty()) {
            String original = token;
            StringBuilder mutated = new StringBuilder(token);
            int at = data.consumeInt(0, token.length() - 1);
            mutated.setCharAt(at, data.pickValue("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "
                    .toCharArray()));
            token = mutated.toString();
            valid = valid && sameSignedBytes(original, token, signature);
        }

        String authorization;
        String cryptoKey = null;
        switch (data.consumeInt(0, 4)) {
            case 0 -> authorization = "vapid t=" + token + ", k=" + key;
            case 1 -> authorization = "Vapid k=\"" + key + "\" ,t=\"" + token + "\"";
            case 2 -> authorization = "VAPID   t=" + token + ",k=" + key + ", x=y";
            case 3 -> {
                authorization = "WebPush " + token;
                cryptoKey = "dh=BNoRDbb84JGm8g5Z5CFxurSqsXWJ11ItfXEWYVLE85Y7; p256ecdsa=" + key;
            }
            default -> {
                authorization = "Bearer " + token;
                cryptoKey = "p256ecdsa=\"" + key + "\"";
            }
        }
        VapidVerifier.Result result = VapidVerifier.verify(authorization, cryptoKey, AUDIENCE, NOW);
        String what = String.format("Authorization %s, Crypto-Key %s, header %s, claims %s", authorization, cryptoKey,
                header, claims);
        if (valid) {
            assertThat(result).as(what).isInstanceOf(VapidVerifier.Valid.class);
            assertThat(((VapidVerifier.Valid) result).key().publicKey().getW())
                    .isEqualTo(((ECPublicKey) keys.getPublic()).getW());
        } else {
            assertThat(result).as(what).isInstanceOf(VapidVerifier.Invalid.class);
            String reason = ((VapidVerifier.Invalid) result).reason();
            assertThat(reason).as("reason given for %s", what).doesNotContain(token).doesNotContain(key);
        }
    }

    /** Whether the changed token signs the same text with a signature that decodes to the same bytes. */
    private static boolean sameSignedBytes(String original, String changed, byte[] signature) {
        int dot = original.lastIndexOf('.');
        if (!changed.regionMatches(0, original, 0, dot + 1)) {
            return false;
        }
        String part = changed.substring(dot + 1);
        if (!part.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_')) {
            return false;
        }
        try {
            return Arrays.equals(Base64.getUrlDecoder().decode(part), signature);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /** The key as W7.1 lets an app server write it: base64url, sometimes padded or in the standard alphabet. */
    private static String publicKey(KeyPair keys, FuzzedDataProvider data) {
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        byte[] point = ByteBuffer.allocate(65).put((byte) 4).put(unsigned32(key.getW().getAffineX()))
                .put(unsigned32(key.getW().getAffineY())).array();
        return switch (data.consumeInt(0, 3)) {
            case 0 -> Base64.getUrlEncoder().encodeToString(point);
            case 1 -> Base64.getEncoder().withoutPadding().encodeToString(point);
            default -> BASE64URL.encodeToString(point);
        };
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }

    private static byte[] sign(KeyPair keys, String signedPart) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(keys.getPrivate());
        signer.update(signedPart.getBytes(StandardCharsets.US_ASCII));
        return signer.sign();
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
