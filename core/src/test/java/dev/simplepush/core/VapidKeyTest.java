package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.simplepush.core.testing.Es256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.EllipticCurve;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VapidKeyTest {

    private static final String WEB_PUSH_KEY = Es256.WEB_PUSH_KEY;
    private static final String WEB_PUSH_KEY_HASH = Es256.WEB_PUSH_KEY_HASH;

    @Test
    @DisplayName("W3.2 base64url without padding, as app servers send it, is a key; W4.2 its hash is SHA-256 in base64url")
    void unpaddedKeyAndItsHash() {
        VapidKey key = VapidKey.parse(WEB_PUSH_KEY).orElseThrow();

        assertThat(key.bytes()).hasSize(65).startsWith((byte) 0x04)
                .isEqualTo(Base64.getUrlDecoder().decode(WEB_PUSH_KEY));
        assertThat(key.hash()).isEqualTo(WEB_PUSH_KEY_HASH);
    }

    @Test
    @DisplayName("W3.2 the padded form Firefox sends in register is the same key")
    void paddedKeyAsFirefoxSendsIt() {
        String padded = Base64.getUrlEncoder().encodeToString(Base64.getUrlDecoder().decode(WEB_PUSH_KEY));
        assertThat(padded).endsWith("=").hasSize(88);

        assertThat(VapidKey.parse(padded)).contains(VapidKey.parse(WEB_PUSH_KEY).orElseThrow());
        assertThat(VapidKey.parse(padded).orElseThrow().hash()).isEqualTo(WEB_PUSH_KEY_HASH);
    }

    @Test
    @DisplayName("W3.2 the standard alphabet (+ and /) is tolerated, padded or not")
    void standardAlphabetIsTolerated() {
        byte[] raw = Base64.getUrlDecoder().decode(WEB_PUSH_KEY);
        String standard = Base64.getEncoder().encodeToString(raw);
        assertThat(standard).contains("+");

        assertThat(VapidKey.parse(standard)).contains(VapidKey.parse(WEB_PUSH_KEY).orElseThrow());
        assertThat(VapidKey.parse(standard.substring(0, 87))).contains(VapidKey.parse(WEB_PUSH_KEY).orElseThrow());
    }

    @Test
    @DisplayName("W3.2 keys made by the JDK parse to the same point, and their public key verifies their signatures")
    void jdkKeysRoundTrip() throws Exception {
        for (int i = 0; i < 20; i++) {
            KeyPair keys = Es256.newKeyPair();
            byte[] raw = Es256.raw((ECPublicKey) keys.getPublic());

            VapidKey key = VapidKey.parse(Es256.b64(raw)).orElseThrow();

            assertThat(key.bytes()).isEqualTo(raw);
            assertThat(key.publicKey().getW()).isEqualTo(((ECPublicKey) keys.getPublic()).getW());
            assertThat(key.hash()).isEqualTo(Es256.b64(MessageDigest.getInstance("SHA-256").digest(raw)));
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key.publicKey());
            verifier.update("text".getBytes(StandardCharsets.US_ASCII));
            assertThat(verifier.verify(Es256.sign("text", keys.getPrivate()))).isTrue();
        }
    }

    @Test
    void bytesAreACopyAndEqualityIsOnThePoint() {
        VapidKey key = VapidKey.parse(WEB_PUSH_KEY).orElseThrow();
        key.bytes()[1] ^= 1;

        assertThat(key.bytes()).isEqualTo(Base64.getUrlDecoder().decode(WEB_PUSH_KEY));
        assertThat(key).isEqualTo(VapidKey.parse(WEB_PUSH_KEY + "=").orElseThrow())
                .hasSameHashCodeAs(VapidKey.parse(WEB_PUSH_KEY + "=").orElseThrow())
                .isNotEqualTo(VapidKey.parse(Es256.encoded(Es256.newKeyPair())).orElseThrow());
        assertThat(key.toString()).contains(WEB_PUSH_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "BIFw1Yd9",
        // one character short, one too many, double padding, padding inside
        "BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX-jU6",
        "BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX-jU6cA",
        "BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX-jU6c==",
        "BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX-jU=c",
        // whitespace, characters outside both alphabets
        " BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX-jU6c",
        "BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX-jU6c\n",
        "BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX.jU6c",
        "BIFw1Yd9kyW9IYNr2TB9hRIGQN5Vo14hdHh2DqXgZuTDW51IrWakvqo1GiOnLigdO67ITaEjRCLP4OAzLX\u00e9jU6c",
    })
    @DisplayName("W3.2 text that is not base64 of 65 bytes is no key")
    void notBase64Of65Bytes(String text) {
        assertThat(VapidKey.parse(text)).isEmpty();
    }

    @Test
    @DisplayName("W3.2 65 bytes not starting with 0x04 (compressed, hybrid, zero) are no key")
    void notUncompressed() {
        byte[] raw = Base64.getUrlDecoder().decode(WEB_PUSH_KEY);
        for (byte prefix : new byte[] {0x00, 0x02, 0x03, 0x06, 0x07}) {
            raw[0] = prefix;
            assertThat(VapidKey.parse(Es256.b64(raw))).as("prefix %d", prefix).isEmpty();
        }
    }

    @Test
    @DisplayName("W3.2 64- and 66-byte values are no key, even starting with 0x04")
    void wrongLength() {
        byte[] raw = Base64.getUrlDecoder().decode(WEB_PUSH_KEY);
        assertThat(VapidKey.parse(Es256.b64(Arrays.copyOf(raw, 64)))).isEmpty();
        assertThat(VapidKey.parse(Es256.b64(Arrays.copyOf(raw, 66)))).isEmpty();
        assertThat(VapidKey.parse(Base64.getUrlEncoder().encodeToString(Arrays.copyOf(raw, 66)))).isEmpty();
    }

    @Test
    @DisplayName("W3.2 a point off the curve is cleanly refused (one bit of Y flipped; all zeros)")
    void pointOffTheCurve() {
        byte[] raw = Base64.getUrlDecoder().decode(WEB_PUSH_KEY);
        raw[64] ^= 1;
        assertThat(VapidKey.parse(Es256.b64(raw))).isEmpty();

        byte[] zeros = new byte[65];
        zeros[0] = 0x04;
        assertThat(VapidKey.parse(Es256.b64(zeros))).isEmpty();
    }

    @Test
    @DisplayName("W3.2 a coordinate not reduced modulo p is refused, though the equation holds modulo p")
    void coordinateNotReduced() {
        EllipticCurve curve = VapidKey.parse(WEB_PUSH_KEY).orElseThrow().publicKey().getParams().getCurve();
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        BigInteger x = BigInteger.ZERO;
        BigInteger y;
        while (true) {
            BigInteger rhs = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
            y = rhs.modPow(p.add(BigInteger.ONE).shiftRight(2), p); // p = 3 mod 4
            if (y.multiply(y).mod(p).equals(rhs)) {
                break;
            }
            x = x.add(BigInteger.ONE);
        }
        assertThat(VapidKey.parse(Es256.b64(point(x, y)))).as("the reduced point").isPresent();
        assertThat(VapidKey.parse(Es256.b64(point(x.add(p), y)))).isEmpty();
    }

    @Test
    @DisplayName("W3.2 random text and random 0x04 points never throw: every refusal is an empty result")
    void randomTextNeverThrows() {
        Random random = new Random(8030);
        for (int i = 0; i < 2000; i++) {
            byte[] raw = new byte[65];
            random.nextBytes(raw);
            raw[0] = 0x04;
            assertThat(VapidKey.parse(Es256.b64(raw))).isEmpty(); // a random point is on the curve with odds 2^-128
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=";
        for (int i = 0; i < 2000; i++) {
            StringBuilder text = new StringBuilder();
            int length = 84 + random.nextInt(6);
            for (int j = 0; j < length; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextBoolean()) {
                text.setCharAt(0, 'B');
            }
            assertThatCode(() -> VapidKey.parse(text.toString())).doesNotThrowAnyException();
        }
    }

    private static byte[] point(BigInteger x, BigInteger y) {
        byte[] raw = new byte[65];
        raw[0] = 0x04;
        byte[] xs = x.toByteArray();
        byte[] ys = y.toByteArray();
        int xl = Math.min(xs.length, 32);
        int yl = Math.min(ys.length, 32);
        System.arraycopy(xs, xs.length - xl, raw, 33 - xl, xl);
        System.arraycopy(ys, ys.length - yl, raw, 65 - yl, yl);
        return raw;
    }
}
