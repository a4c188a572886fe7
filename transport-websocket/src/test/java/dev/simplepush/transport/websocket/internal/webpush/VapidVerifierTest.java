package dev.simplepush.transport.websocket.internal.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.simplepush.core.VapidKey;
import dev.simplepush.core.testing.Es256;
import dev.simplepush.transport.websocket.internal.webpush.VapidVerifier.Absent;
import dev.simplepush.transport.websocket.internal.webpush.VapidVerifier.Invalid;
import dev.simplepush.transport.websocket.internal.webpush.VapidVerifier.Result;
import dev.simplepush.transport.websocket.internal.webpush.VapidVerifier.Valid;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VapidVerifierTest {

    static final String AUDIENCE = "https://push.example.com";
    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    static final long EXP = NOW.getEpochSecond() + 12 * 3600;
    static final String HEADER = "{\"typ\":\"JWT\",\"alg\":\"ES256\"}";
    static final String SUBJECT = "mailto:ops@example.com";

    static final KeyPair KEYS = Es256.newKeyPair();
    static final String KEY = Es256.encoded(KEYS);
    static final VapidKey VAPID_KEY = VapidKey.parse(KEY).orElseThrow();

    static String claims(String aud, Object exp) {
        return "{\"aud\":\"" + aud + "\",\"exp\":" + exp + ",\"sub\":\"" + SUBJECT + "\"}";
    }

    static String token(String claims) {
        return Es256.jwt(HEADER, claims, KEYS.getPrivate());
    }

    static final String TOKEN = token(claims(AUDIENCE, EXP));

    static Result verify(@Nullable String authorization) {
        return verify(authorization, null);
    }

    static Result verify(@Nullable String authorization, @Nullable String cryptoKey) {
        return VapidVerifier.verify(authorization, cryptoKey, AUDIENCE, NOW);
    }

    static Result vapid(String token) {
        return verify("vapid t=" + token + ", k=" + KEY);
    }

    static void assertValid(Result result) {
        assertThat(result).isEqualTo(new Valid(VAPID_KEY, Optional.of(SUBJECT)));
    }

    /** Asserts an Invalid with this reason, which echoes neither the token nor the key. */
    static void assertInvalid(Result result, String reason) {
        assertThat(result).isInstanceOf(Invalid.class);
        String actual = ((Invalid) result).reason();
        assertThat(actual).isEqualTo(reason).doesNotContain(KEY).doesNotContain(TOKEN.substring(0, 20));
    }

    @Nested
    class AcceptedForms {

        @Test
        @DisplayName("W7.1 vapid t=<JWT>, k=<key>: valid, with the key and the sub")
        void rfc8292Form() {
            assertValid(verify("vapid t=" + TOKEN + ", k=" + KEY));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "vapid k=%2$s, t=%1$s",
            "vapid t=%1$s,k=%2$s",
            "vapid t=%1$s ,k=%2$s",
            "vapid   t = %1$s  ,  k = %2$s  ",
            "  vapid t=%1$s, k=%2$s",
            "VAPID t=%1$s, k=%2$s",
            "Vapid T=%1$s, K=%2$s",
            "vapid\tt=%1$s, k=%2$s",
            "vapid t=\"%1$s\", k=\"%2$s\"",
            "vapid t=%1$s, k=%2$s=",
            "vapid t=%1$s, other=1, k=%2$s, ",
        })
        @DisplayName("W7.1 vapid parameters in any order, spaces around commas, any case, quoted, padded key")
        void rfc8292Variants(String form) {
            assertValid(verify(String.format(form, TOKEN, KEY)));
        }

        @Test
        @DisplayName("W7.1 vapid k in the standard alphabet is tolerated")
        void standardAlphabetKey() {
            String standard = Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(KEY));
            assertValid(verify("vapid t=" + TOKEN + ", k=" + standard));
        }

        @ParameterizedTest
        @ValueSource(strings = {"WebPush", "webpush", "WEBPUSH", "Bearer", "bearer"})
        @DisplayName("W7.1 draft form: WebPush or Bearer <JWT>, key in Crypto-Key p256ecdsa")
        void draftForm(String scheme) {
            assertValid(verify(scheme + " " + TOKEN, "p256ecdsa=" + KEY));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "dh=BCETyvA7VhlsvukYfyj58UBdarOeOVsioXzZDnCzvxl4;p256ecdsa=%s",
            "dh=BCETyvA7VhlsvukYfyj58UBdarOeOVsioXzZDnCzvxl4, p256ecdsa=%s",
            "keyid=p256dh; dh=\"BCET\"; p256ecdsa=\"%s\"",
            "P256ECDSA=%s=",
            "p256ecdsa=%s;dh=BCET",
        })
        @DisplayName("W7.1 draft form: Crypto-Key with several ; or , separated parameters")
        void draftFormWithSeveralCryptoKeyParameters(String cryptoKey) {
            assertValid(verify("WebPush " + TOKEN, String.format(cryptoKey, KEY)));
        }

        @Test
        @DisplayName("W7.1 vapid form ignores Crypto-Key")
        void vapidFormIgnoresCryptoKey() {
            assertValid(verify("vapid t=" + TOKEN + ", k=" + KEY, "p256ecdsa=" + Es256.encoded(Es256.newKeyPair())));
        }

        @Test
        @DisplayName("W7.2 sub is returned but not enforced: absent, not a string, not a URI")
        void subjectIsNotEnforced() {
            String noSub = "{\"aud\":\"" + AUDIENCE + "\",\"exp\":" + EXP + "}";
            assertThat(vapid(token(noSub))).isEqualTo(new Valid(VAPID_KEY, Optional.empty()));

            String numberSub = "{\"aud\":\"" + AUDIENCE + "\",\"exp\":" + EXP + ",\"sub\":42}";
            assertThat(vapid(token(numberSub))).isEqualTo(new Valid(VAPID_KEY, Optional.empty()));

            String oddSub = "{\"aud\":\"" + AUDIENCE + "\",\"exp\":" + EXP + ",\"sub\":\"someone\"}";
            assertThat(vapid(token(oddSub))).isEqualTo(new Valid(VAPID_KEY, Optional.of("someone")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"alg\":\"ES256\"}", "{\"alg\":\"ES256\",\"typ\":\"jwt\"}",
            "{\"alg\":\"ES256\",\"typ\":\"application/JWT\"}", "{\"alg\":\"ES256\",\"kid\":\"x\",\"x\":{\"y\":[1]}}"})
        @DisplayName("W7.2 header typ is optional, any case; other header fields are ignored")
        void headerVariants(String header) {
            assertValid(vapid(Es256.jwt(header, claims(AUDIENCE, EXP), KEYS.getPrivate())));
        }

        @Test
        @DisplayName("W7.2 other claims, nested or not, are ignored")
        void otherClaimsIgnored() {
            String extra = "{\"jti\":\"x\",\"aud\":\"" + AUDIENCE + "\",\"nested\":{\"aud\":1,\"exp\":\"x\"},"
                    + "\"list\":[{\"exp\":0}],\"exp\":" + EXP + ",\"sub\":\"" + SUBJECT + "\",\"iat\":1.5}";
            assertValid(vapid(token(extra)));
        }

        @Test
        @DisplayName("W7.2 exp up to 24 hours ahead plus 60 s of clock slack; a fraction of a second is a number too")
        void expiryBounds() {
            long limit = NOW.getEpochSecond() + 24 * 3600 + 60;
            assertValid(vapid(token(claims(AUDIENCE, limit))));
            assertValid(vapid(token(claims(AUDIENCE, NOW.getEpochSecond() + 1))));
            assertValid(vapid(token(claims(AUDIENCE, NOW.getEpochSecond() + ".5"))));
            assertValid(vapid(token(claims(AUDIENCE, EXP + ".0"))));
            assertValid(vapid(token(claims(AUDIENCE, "1.8000432E9"))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://push.example.com/", "HTTPS://Push.Example.COM", "https://push.example.com:443"})
        @DisplayName("W7.2 aud is compared as an origin: case of scheme and host, default port, a bare /")
        void audienceComparedAsOrigin(String aud) {
            assertValid(vapid(token(claims(aud, EXP))));
        }

        @Test
        @DisplayName("W7.2 the expected audience is normalized too, and a port is part of the origin")
        void expectedAudienceNormalized() {
            String token = token(claims("https://push.example.com:8443", EXP));
            String header = "vapid t=" + token + ", k=" + KEY;

            assertThat(VapidVerifier.verify(header, null, "https://PUSH.example.com:8443", NOW))
                    .isInstanceOf(Valid.class);
            assertThat(VapidVerifier.verify(header, null, "https://push.example.com", NOW))
                    .isEqualTo(new Invalid("the token's aud must be https://push.example.com"));
        }
    }

    @Nested
    class WebPushLibrary {

        // Made by npm web-push 3.6.7: getVapidHeaders('https://push.example.com:8443', 'mailto:ops@example.com',
        // Es256.WEB_PUSH_KEY, <its private key>, 'aes128gcm' and 'aesgcm', 1796454080); the aesgcm request
        // of generateRequestDetails (exp 1796454084) for the Crypto-Key with dh and p256ecdsa.
        static final String AUDIENCE = "https://push.example.com:8443";
        static final Instant BEFORE_EXP = Instant.ofEpochSecond(1796454080L - 3600);
        static final String VAPID = "vapid t=eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhh"
                + "bXBsZS5jb206ODQ0MyIsImV4cCI6MTc5NjQ1NDA4MCwic3ViIjoibWFpbHRvOm9wc0BleGFtcGxlLmNvbSJ9.agu4C0vG0CyrTV"
                + "YRXFloKUCn1sFHliisNbMdACYwO6X_I-Iu0hBSNg7ByrCOwxVResiNXJs3NsWtOsJM7J_XsA, k=BIFw1Yd9kyW9IYNr2TB9hRIG"
                + "QN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX-jU6c";
        static final String WEBPUSH = "WebPush eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZX"
                + "hhbXBsZS5jb206ODQ0MyIsImV4cCI6MTc5NjQ1NDA4MCwic3ViIjoibWFpbHRvOm9wc0BleGFtcGxlLmNvbSJ9.qkn63fo4oaSkZ"
                + "nCU6g1Al1jXq3pTK5fPE1BhQHhopOYlb3wX0iQrjdzf4kZrcIm6K1shVICx-k_My1JYq_ABvw";
        static final String WEBPUSH_CRYPTO_KEY = "p256ecdsa=" + Es256.WEB_PUSH_KEY;
        static final String REQUEST_AUTHORIZATION = "WebPush eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwcz"
                + "ovL3B1c2guZXhhbXBsZS5jb206ODQ0MyIsImV4cCI6MTc5NjQ1NDA4NCwic3ViIjoibWFpbHRvOm9wc0BleGFtcGxlLmNvbSJ9."
                + "AQMhXkJi6EFqE552byRqOaTD5If53_GhSGtB-YpemZGl-NxCLpS815lCdl2WySgvlXqXv-hOMfk5xvhWsbA39g";
        static final String REQUEST_CRYPTO_KEY = "dh=BCETyvA7VhlsvukYfyj58UBdarOeOVsioXzZDnCzvxl4VYe6p0qNGr5YRPwlDtt-k"
                + "-LCX0fyqsuDpokeG9_GhpE;p256ecdsa=" + Es256.WEB_PUSH_KEY;

        final Valid expected = new Valid(VapidKey.parse(Es256.WEB_PUSH_KEY).orElseThrow(),
                Optional.of("mailto:ops@example.com"));

        @Test
        @DisplayName("W7.1 web-push's vapid header (aes128gcm) is valid before its exp, for its audience")
        void vapidHeader() {
            assertThat(VapidVerifier.verify(VAPID, null, AUDIENCE, BEFORE_EXP)).isEqualTo(expected);
            assertThat(((Valid) VapidVerifier.verify(VAPID, null, AUDIENCE, BEFORE_EXP)).key().hash())
                    .isEqualTo(Es256.WEB_PUSH_KEY_HASH);
        }

        @Test
        @DisplayName("W7.1 web-push's draft headers (aesgcm): WebPush with Crypto-Key p256ecdsa, alone or after dh")
        void draftHeaders() {
            assertThat(VapidVerifier.verify(WEBPUSH, WEBPUSH_CRYPTO_KEY, AUDIENCE, BEFORE_EXP)).isEqualTo(expected);
            assertThat(VapidVerifier.verify(REQUEST_AUTHORIZATION, REQUEST_CRYPTO_KEY, AUDIENCE, BEFORE_EXP))
                    .isEqualTo(expected);
        }

        @Test
        @DisplayName("W7.2 web-push's headers are refused after their exp, or for another audience")
        void refusedAfterExpiryOrElsewhere() {
            assertThat(VapidVerifier.verify(VAPID, null, AUDIENCE, Instant.ofEpochSecond(1796454080L)))
                    .isEqualTo(new Invalid("the token has expired"));
            assertThat(VapidVerifier.verify(VAPID, null, "https://push.example.com", BEFORE_EXP))
                    .isEqualTo(new Invalid("the token's aud must be https://push.example.com"));
            assertThat(VapidVerifier.verify(VAPID, null, AUDIENCE, Instant.ofEpochSecond(1796454080L - 25 * 3600)))
                    .isEqualTo(new Invalid("the token's exp is more than 24 hours ahead"));
        }
    }

    @Nested
    class Refusals {

        @Test
        @DisplayName("W7.3 no Authorization header is Absent, whatever Crypto-Key says")
        void absent() {
            assertThat(verify(null)).isEqualTo(new Absent());
            assertThat(verify(null, "p256ecdsa=" + KEY)).isEqualTo(new Absent());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   "})
        @DisplayName("W7.2 an empty Authorization header is present but unusable")
        void emptyHeader(String header) {
            assertInvalid(verify(header), "the Authorization header is empty");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Basic dXNlcjpwYXNz", "vapidx t=a, k=b", "Bearer-ish x", "t=x, k=y"})
        @DisplayName("W7.2 another scheme is refused")
        void otherScheme(String header) {
            assertInvalid(verify(header), "the Authorization scheme must be vapid");
        }

        @Test
        @DisplayName("W7.2 vapid without t, with an empty t, or with t twice")
        void vapidT() {
            assertInvalid(verify("vapid k=" + KEY), "the vapid parameter t is missing");
            assertInvalid(verify("vapid"), "the vapid parameter t is missing");
            assertInvalid(verify("vapid t=, k=" + KEY), "the vapid parameter t is missing");
            assertInvalid(verify("vapid t=" + TOKEN + ", t=" + TOKEN + ", k=" + KEY),
                    "the vapid parameter t is repeated");
        }

        @Test
        @DisplayName("W7.2 vapid without k, with an empty k, or with k twice")
        void vapidK() {
            assertInvalid(verify("vapid t=" + TOKEN), "the vapid parameter k is missing");
            assertInvalid(verify("vapid t=" + TOKEN + ", k="), "the vapid parameter k is missing");
            assertInvalid(verify("vapid t=" + TOKEN + ", k=" + KEY + ", k=" + KEY),
                    "the vapid parameter k is repeated");
        }

        @Test
        @DisplayName("W7.2 a vapid parameter without = is malformed; the t of the draft form in vapid is too")
        void vapidMalformedParameter() {
            assertInvalid(verify("vapid " + TOKEN + ", k=" + KEY), "malformed vapid parameter: name=value expected");
            assertInvalid(verify("vapid t=" + TOKEN + "; k=" + KEY), "the vapid parameter k is missing");
        }

        @Test
        @DisplayName("W7.2 draft form without a token, without Crypto-Key, or without p256ecdsa in it")
        void draftFormMissingParts() {
            assertInvalid(verify("WebPush", "p256ecdsa=" + KEY), "the Authorization header has no token");
            assertInvalid(verify("Bearer   ", "p256ecdsa=" + KEY), "the Authorization header has no token");
            assertInvalid(verify("WebPush " + TOKEN, null), "the Crypto-Key header has no p256ecdsa key");
            assertInvalid(verify("WebPush " + TOKEN, "dh=BCET"), "the Crypto-Key header has no p256ecdsa key");
            assertInvalid(verify("WebPush " + TOKEN, "p256ecdsa"), "the Crypto-Key header has no p256ecdsa key");
            assertInvalid(verify("WebPush " + TOKEN, "p256ecdsa="), "the VAPID key is not a P-256 public key");
        }

        @Test
        @DisplayName("W7.2 the JWT must be three non-empty base64url parts without padding")
        void notThreeBase64UrlParts() {
            String[] parts = TOKEN.split("\\.");
            String reason = "the token is not a JWT of three base64url parts";
            assertInvalid(vapid(parts[0] + "." + parts[1]), reason);
            assertInvalid(vapid(TOKEN + "." + parts[2]), reason);
            assertInvalid(vapid(TOKEN + "."), reason);
            assertInvalid(vapid("." + parts[1] + "." + parts[2]), reason);
            assertInvalid(vapid(parts[0] + ".." + parts[2]), reason);
            assertInvalid(vapid(parts[0] + "." + parts[1] + "."), reason);
            assertInvalid(vapid(parts[0] + "=." + parts[1] + "." + parts[2]), reason);
            assertInvalid(vapid(parts[0] + "." + parts[1] + "." + parts[2] + "=="), reason);
            assertInvalid(vapid(parts[0] + "." + parts[1].replace('-', '+') + "+." + parts[2]), reason);
            assertInvalid(vapid(parts[0] + "." + parts[1] + "." + parts[2] + "AAA"), reason); // 4n+1 characters
            assertInvalid(verify("WebPush " + parts[0] + " . " + parts[1] + "." + parts[2], "p256ecdsa=" + KEY),
                    reason);
            assertInvalid(vapid("not-a-jwt"), reason);
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "\"ES256\"", "{\"alg\":\"ES256\"", "{\"alg\":\"ES256\"}{}", "{\"alg\":\"ES256\"}x",
            "{\"alg\":\"ES256\",\"alg\":\"ES256\"}", "{alg:\"ES256\"}"})
        @DisplayName("W7.2 a header that is not one JSON object (or repeats a field) is refused")
        void headerNotJson(String header) {
            assertInvalid(vapid(Es256.jwt(header, claims(AUDIENCE, EXP), KEYS.getPrivate())),
                    "the token's header is not a JSON object");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "{\"typ\":\"JWT\"}", "{\"alg\":\"none\"}", "{\"alg\":\"HS256\"}",
            "{\"alg\":\"es256\"}", "{\"alg\":\"ES384\"}", "{\"alg\":[\"ES256\"]}", "{\"alg\":null}"})
        @DisplayName("W7.2 header alg must be ES256")
        void algNotEs256(String header) {
            assertInvalid(vapid(Es256.jwt(header, claims(AUDIENCE, EXP), KEYS.getPrivate())),
                    "the token's alg must be ES256");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"alg\":\"ES256\",\"typ\":\"JWS\"}", "{\"alg\":\"ES256\",\"typ\":\"\"}",
            "{\"alg\":\"ES256\",\"typ\":1}"})
        @DisplayName("W7.2 header typ, when present, must be JWT")
        void typNotJwt(String header) {
            assertInvalid(vapid(Es256.jwt(header, claims(AUDIENCE, EXP), KEYS.getPrivate())),
                    "the token's typ must be JWT");
        }

        @Test
        @DisplayName("W7.2 a header with crit names extensions this server does not understand (RFC 7515 4.1.11)")
        void crit() {
            assertInvalid(vapid(Es256.jwt("{\"alg\":\"ES256\",\"crit\":[\"b64\"],\"b64\":false}",
                    claims(AUDIENCE, EXP), KEYS.getPrivate())), "the token's crit header is not supported");
        }

        @ParameterizedTest
        @ValueSource(strings = {"x", "BIFw1Yd9", "AAAA"})
        @DisplayName("W7.2 k that is not a P-256 point is refused, in either form")
        void keyNotAPoint(String key) {
            assertInvalid(verify("vapid t=" + TOKEN + ", k=" + key), "the VAPID key is not a P-256 public key");
            assertInvalid(verify("WebPush " + TOKEN, "p256ecdsa=" + key), "the VAPID key is not a P-256 public key");
        }

        @Test
        @DisplayName("W7.2 k off the curve is a clean refusal")
        void keyOffTheCurve() {
            byte[] raw = Base64.getUrlDecoder().decode(KEY);
            raw[64] ^= 1;
            assertInvalid(verify("vapid t=" + TOKEN + ", k=" + Es256.b64(raw)),
                    "the VAPID key is not a P-256 public key");
        }

        @Test
        @DisplayName("W7.2 a signature by another key is invalid under k")
        void signedByAnotherKey() {
            String other = Es256.jwt(HEADER, claims(AUDIENCE, EXP), Es256.newKeyPair().getPrivate());
            assertInvalid(vapid(other), "the token's signature is not valid under the VAPID key");
        }

        @Test
        @DisplayName("W7.2 claims or header changed after signing are caught by the signature")
        void tampered() {
            String[] parts = TOKEN.split("\\.");
            String otherClaims = Es256.b64(claims("https://evil.example", EXP));
            assertInvalid(vapid(parts[0] + "." + otherClaims + "." + parts[2]),
                    "the token's signature is not valid under the VAPID key");
            String otherHeader = Es256.b64("{\"alg\":\"ES256\"}");
            assertInvalid(vapid(otherHeader + "." + parts[1] + "." + parts[2]),
                    "the token's signature is not valid under the VAPID key");
        }

        @Test
        @DisplayName("W7.2 the signature must be raw r||s of 64 bytes: a bit flipped, DER, short, long")
        void malformedSignatures() throws Exception {
            String[] parts = TOKEN.split("\\.");
            String signed = parts[0] + "." + parts[1];
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            String reason = "the token's signature is not valid under the VAPID key";

            byte[] flipped = signature.clone();
            flipped[40] ^= 1;
            assertInvalid(vapid(signed + "." + Es256.b64(flipped)), reason);

            Signature der = Signature.getInstance("SHA256withECDSA");
            der.initSign(KEYS.getPrivate());
            der.update(signed.getBytes(StandardCharsets.US_ASCII));
            assertInvalid(vapid(signed + "." + Es256.b64(der.sign())), reason);

            assertInvalid(vapid(signed + "." + Es256.b64(Arrays.copyOf(signature, 63))), reason);
            assertInvalid(vapid(signed + "." + Es256.b64(Arrays.copyOf(signature, 65))), reason);
        }

        @Test
        @DisplayName("W7.2 r or s of zero, or not below the curve order, is refused before the JDK sees it")
        void signatureOutOfRange() {
            String[] parts = TOKEN.split("\\.");
            String signed = parts[0] + "." + parts[1];
            byte[] good = Base64.getUrlDecoder().decode(parts[2]);
            BigInteger order = VAPID_KEY.publicKey().getParams().getOrder();
            String reason = "the token's signature is not valid under the VAPID key";

            assertInvalid(vapid(signed + "." + Es256.b64(new byte[64])), reason);
            byte[] zeroS = Arrays.copyOf(good, 64);
            Arrays.fill(zeroS, 32, 64, (byte) 0);
            assertInvalid(vapid(signed + "." + Es256.b64(zeroS)), reason);

            // r + n is the same r modulo n: a lax verifier would accept it
            BigInteger r = new BigInteger(1, Arrays.copyOfRange(good, 0, 32));
            BigInteger shifted = r.add(order);
            if (shifted.bitLength() <= 256) {
                byte[] big = good.clone();
                byte[] rBytes = shifted.toByteArray();
                System.arraycopy(rBytes, rBytes.length - 32, big, 0, 32);
                assertInvalid(vapid(signed + "." + Es256.b64(big)), reason);
            }
            byte[] orderBytes = order.toByteArray();
            byte[] rIsN = good.clone();
            System.arraycopy(orderBytes, orderBytes.length - 32, rIsN, 0, 32);
            assertInvalid(vapid(signed + "." + Es256.b64(rIsN)), reason);
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "null", "\"claims\"", "{\"exp\":1", "{\"aud\":\"x\",\"aud\":\"y\",\"exp\":1}",
            "{}{}", "{\"exp\":1}x"})
        @DisplayName("W7.2 signed claims that are not one JSON object (or repeat a claim) are refused")
        void claimsNotJson(String claims) {
            assertInvalid(vapid(token(claims)), "the token's claims are not a JSON object");
        }

        @Test
        @DisplayName("W7.2 exp missing")
        void expMissing() {
            assertInvalid(vapid(token("{\"aud\":\"" + AUDIENCE + "\"}")), "the token has no exp claim");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"1800043200\"", "null", "true", "[1800043200]", "{\"n\":1800043200}"})
        @DisplayName("W7.2 exp not a number")
        void expNotANumber(String exp) {
            assertInvalid(vapid(token(claims(AUDIENCE, exp))), "the token's exp claim is not a number");
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -1, -3600, -1_800_000_000L})
        @DisplayName("W7.2 exp at or before now has expired (no slack on this side)")
        void expired(long offset) {
            assertInvalid(vapid(token(claims(AUDIENCE, NOW.getEpochSecond() + offset))), "the token has expired");
            assertInvalid(VapidVerifier.verify("vapid t=" + token(claims(AUDIENCE, NOW.getEpochSecond() + offset))
                    + ", k=" + KEY, null, AUDIENCE, NOW.plusMillis(1)), "the token has expired");
        }

        @Test
        @DisplayName("W7.2 exp more than 24 hours (plus 60 s of slack) ahead is refused, however large")
        void expTooFarAhead() {
            String reason = "the token's exp is more than 24 hours ahead";
            long limit = NOW.getEpochSecond() + 24 * 3600 + 60;
            assertInvalid(vapid(token(claims(AUDIENCE, limit + 1))), reason);
            assertInvalid(vapid(token(claims(AUDIENCE, limit + ".001"))), reason);
            assertInvalid(vapid(token(claims(AUDIENCE, Long.MAX_VALUE))), reason);
            assertInvalid(vapid(token(claims(AUDIENCE, "123456789012345678901234567890"))), reason);
            assertInvalid(vapid(token(claims(AUDIENCE, "1e300"))), reason);
            assertInvalid(vapid(token(claims(AUDIENCE, "1e999999"))), reason);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"exp\":1800043200}", "{\"exp\":1800043200,\"aud\":null}",
            "{\"exp\":1800043200,\"aud\":[\"https://push.example.com\"]}", "{\"exp\":1800043200,\"aud\":7}"})
        @DisplayName("W7.2 aud missing or not a string")
        void audMissing(String claims) {
            assertInvalid(vapid(token(claims)), "the token has no aud claim");
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://other.example.com", "http://push.example.com", "https://push.example.com:444",
            "https://push.example.com/wpush", "https://push.example.com/?x", "https://push.example.com/#x",
            "https://user@push.example.com", "wss://push.example.com", "push.example.com", "", "https://push.example.com.",
            "mailto:ops@example.com", "https://push.example.com:8443", "::"})
        @DisplayName("W7.2 aud not the origin of the endpoint")
        void audMismatch(String aud) {
            assertInvalid(vapid(token(claims(aud, EXP))), "the token's aud must be https://push.example.com");
        }

        @Test
        @DisplayName("W7.2 a token longer than any VAPID JWT is refused before it is decoded")
        void tooLong() {
            String padding = "x".repeat(VapidVerifier.MAX_TOKEN_LENGTH);
            String big = "{\"aud\":\"" + AUDIENCE + "\",\"exp\":" + EXP + ",\"pad\":\"" + padding + "\"}";
            assertInvalid(vapid(token(big)), "the token is too long");
        }

        @Test
        @DisplayName("W7.2 the checks run in order: the signature before the claims")
        void signatureBeforeClaims() {
            String expiredByOtherKey = Es256.jwt(HEADER, claims("https://evil.example", 1), Es256.newKeyPair()
                    .getPrivate());
            assertInvalid(vapid(expiredByOtherKey), "the token's signature is not valid under the VAPID key");
        }

        @Test
        @DisplayName("W7.2 random Authorization and Crypto-Key values never throw")
        void randomInputNeverThrows() {
            Random random = new Random(8292);
            String[] pieces = {"vapid", "WebPush", "Bearer", " ", ",", ";", "=", "t=", "k=", "\"", ".", "p256ecdsa=",
                TOKEN, KEY, TOKEN.substring(0, 30), "eyJ", "\u00e9", "\t", "AAAA"};
            for (int i = 0; i < 2000; i++) {
                StringBuilder authorization = new StringBuilder();
                StringBuilder cryptoKey = new StringBuilder();
                for (int j = random.nextInt(8); j > 0; j--) {
                    authorization.append(pieces[random.nextInt(pieces.length)]);
                    cryptoKey.append(pieces[random.nextInt(pieces.length)]);
                }
                assertThatCode(() -> VapidVerifier.verify(authorization.toString(), cryptoKey.toString(), AUDIENCE,
                        NOW)).doesNotThrowAnyException();
            }
            byte[] noise = new byte[300];
            for (int i = 0; i < 500; i++) {
                random.nextBytes(noise);
                String garbage = new String(noise, StandardCharsets.ISO_8859_1);
                assertThatCode(() -> VapidVerifier.verify(garbage, garbage, AUDIENCE, NOW)).doesNotThrowAnyException();
                String json = Es256.jwt(HEADER, garbage, KEYS.getPrivate());
                assertThatCode(() -> vapid(json)).doesNotThrowAnyException();
            }
        }
    }

    @Test
    @DisplayName("W7.2 originOf: the origin of a base or endpoint URL, as browsers serialize it")
    void originOf() {
        assertThat(VapidVerifier.originOf("https://push.example.com/wpush/v2/abc")).contains("https://push.example.com");
        assertThat(VapidVerifier.originOf("HTTP://Push.Example.com:80/")).contains("http://push.example.com");
        assertThat(VapidVerifier.originOf("http://localhost:8080")).contains("http://localhost:8080");
        assertThat(VapidVerifier.originOf("https://[::1]:8443/x")).contains("https://[::1]:8443");
        assertThat(VapidVerifier.originOf("wss://push.example.com")).isEmpty();
        assertThat(VapidVerifier.originOf("/wpush/v1/abc")).isEmpty();
        assertThat(VapidVerifier.originOf("https://u:p@push.example.com")).isEmpty();
        assertThat(VapidVerifier.originOf("not a url")).isEmpty();
    }
}
