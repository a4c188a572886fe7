package dev.simplepush.transport.websocket.internal.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.VapidKey;
import dev.simplepush.core.testing.Es256;
import dev.simplepush.transport.websocket.internal.webpush.PushHeaders.Accepted;
import dev.simplepush.transport.websocket.internal.webpush.PushHeaders.Encoding;
import dev.simplepush.transport.websocket.internal.webpush.PushHeaders.Refused;
import dev.simplepush.transport.websocket.internal.webpush.PushHeaders.Result;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PushHeadersTest {

    static final String SALT = "salt=e2oh-VfJ6LJocVxxyAGYZw";
    static final String DH = "dh=BCETyvA7VhlsvukYfyj58UBdarOeOVsioXzZDnCzvxl4VYe6p0qNGr5YRPwlDtt-k-LCX0fyqsuDpokeG9_GhpE";

    static Result ttl(@Nullable String ttl) {
        return PushHeaders.parse(ttl, null, null, null, null, null, 0);
    }

    static Result topic(@Nullable String topic) {
        return PushHeaders.parse("60", topic, null, null, null, null, 0);
    }

    static Result body(@Nullable String contentEncoding, @Nullable String encryption, @Nullable String cryptoKey) {
        return PushHeaders.parse("60", null, null, contentEncoding, encryption, cryptoKey, 100);
    }

    static Refused refused(int errno, String message) {
        return new Refused(errno, message);
    }

    @Nested
    class Ttl {

        @ParameterizedTest
        @CsvSource({"0,0", "60,60", "007,7", "' 60 ',60", "2592000,2592000", "2592001,2592000", "9999999,2592000",
            "10000000,2592000", "2147483648,2592000", "99999999999999999999999,2592000", "0000000000000000000042,42"})
        @DisplayName("W6.2 TTL is decimal seconds, lowered to 2592000")
        void accepted(String ttl, int applied) {
            assertThat(ttl(ttl)).isEqualTo(new Accepted(applied, Optional.empty(), Optional.empty()));
        }

        @Test
        @DisplayName("W6.2 an absurdly long TTL is lowered, never parsed into an overflow")
        void absurdlyLong() {
            assertThat(ttl("9".repeat(100_000))).isEqualTo(new Accepted(2592000, Optional.empty(), Optional.empty()));
            assertThat(ttl("0".repeat(100_000) + "5")).isEqualTo(new Accepted(5, Optional.empty(), Optional.empty()));
        }

        @Test
        @DisplayName("W6.2 TTL missing: errno 111")
        void missing() {
            assertThat(ttl(null)).isEqualTo(refused(111, "the TTL header is required"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "-1", "+5", "1.5", "1e3", "abc", "60s", "0x10", "6 0", "\u0666\u0660", "-0"})
        @DisplayName("W6.2 TTL not a decimal integer >= 0: errno 112")
        void notDecimal(String ttl) {
            assertThat(ttl(ttl)).isEqualTo(refused(112, "TTL must be a whole number of seconds, 0 or more"));
        }
    }

    @Nested
    class Topic {

        @ParameterizedTest
        @ValueSource(strings = {"a", "news", "a-test-topic-which-is-just-right", "ABC_xyz-019"})
        @DisplayName("W6.5 Topic of 1 to 32 base64url characters is kept")
        void accepted(String topic) {
            assertThat(topic(topic)).isEqualTo(new Accepted(60, Optional.of(topic), Optional.empty()));
        }

        @Test
        @DisplayName("W6.5 no Topic: none")
        void absent() {
            assertThat(topic(null)).isEqualTo(new Accepted(60, Optional.empty(), Optional.empty()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "test-topic-which-is-too-long-1234", "a b", "a.b", "a/b", "a+b", "abc=",
            "caf\u00e9", "a\tb"})
        @DisplayName("W6.5 Topic empty, over 32 characters or outside base64url: errno 113")
        void refusedTopic(String topic) {
            assertThat(topic(topic))
                    .isEqualTo(refused(113, "Topic must be 1 to 32 characters of the base64url alphabet"));
        }
    }

    @Nested
    class Urgency {

        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"very-low", "low", "normal", "high", "HIGH", "urgent", "", "\u00e9"})
        @DisplayName("W6.6 Urgency, known, unknown or absent, is never a reason to refuse")
        void neverRefused(@Nullable String urgency) {
            assertThat(PushHeaders.parse("10", "t", urgency, "aes128gcm", null, null, 10))
                    .isEqualTo(new Accepted(10, Optional.of("t"), Optional.of(Encoding.AES128GCM)));
        }
    }

    @Nested
    class EncryptionHeaders {

        @Test
        @DisplayName("W6.4/W5.4 an empty body needs no encryption headers and gets none, whatever they say")
        void emptyBody() {
            Accepted none = new Accepted(60, Optional.empty(), Optional.empty());
            assertThat(PushHeaders.parse("60", null, null, null, null, null, 0)).isEqualTo(none);
            assertThat(PushHeaders.parse("60", null, null, "aes128gcm", null, null, 0)).isEqualTo(none);
            assertThat(PushHeaders.parse("60", null, null, "gzip", "salt=x", "dh=y", 0)).isEqualTo(none);
            assertThat(PushHeaders.parse("60", null, null, "aesgcm", null, null, 0)).isEqualTo(none);
        }

        @ParameterizedTest
        @ValueSource(strings = {"aes128gcm", "AES128GCM", " aes128gcm "})
        @DisplayName("W6.4/W5.5 aes128gcm: headers are {\"encoding\":\"aes128gcm\"} alone")
        void aes128gcm(String contentEncoding) {
            Result result = body(contentEncoding, null, null);

            assertThat(result).isEqualTo(new Accepted(60, Optional.empty(), Optional.of(Encoding.AES128GCM)));
            assertThat(((Accepted) result).encoding().orElseThrow().headers())
                    .containsExactly(Map.entry("encoding", "aes128gcm"));
        }

        @Test
        @DisplayName("W6.4 aes128gcm with the VAPID draft's Crypto-Key p256ecdsa, or other parameters, is fine")
        void aes128gcmWithoutSaltOrDh() {
            Accepted expected = new Accepted(60, Optional.empty(), Optional.of(Encoding.AES128GCM));
            assertThat(body("aes128gcm", null, "p256ecdsa=" + Es256.WEB_PUSH_KEY)).isEqualTo(expected);
            assertThat(body("aes128gcm", "rs=4096", "keyid=a")).isEqualTo(expected);
            assertThat(body("aes128gcm", "", "")).isEqualTo(expected);
        }

        @ParameterizedTest
        @ValueSource(strings = {SALT, "keyid=p256dh;salt=abc", "rs=4096, SALT=\"abc\"", "salt="})
        @DisplayName("W6.4 aes128gcm with salt in Encryption: errno 110")
        void aes128gcmWithSalt(String encryption) {
            assertThat(body("aes128gcm", encryption, null))
                    .isEqualTo(refused(110, "aes128gcm takes no salt in an Encryption header"));
        }

        @ParameterizedTest
        @ValueSource(strings = {DH, "p256ecdsa=x;dh=y", "p256ecdsa=x, DH=y"})
        @DisplayName("W6.4 aes128gcm with dh in Crypto-Key: errno 110")
        void aes128gcmWithDh(String cryptoKey) {
            assertThat(body("aes128gcm", null, cryptoKey))
                    .isEqualTo(refused(110, "aes128gcm takes no dh in a Crypto-Key header"));
        }

        @Test
        @DisplayName("W6.4/W5.5 aesgcm as web-push sends it: encoding, encryption, crypto_key in that order")
        void aesgcmFromWebPush() {
            String cryptoKey = DH + ";p256ecdsa=" + Es256.WEB_PUSH_KEY;
            Result result = body("aesgcm", SALT, cryptoKey);

            Encoding encoding = new Encoding("aesgcm", Optional.of(SALT), Optional.of(cryptoKey));
            assertThat(result).isEqualTo(new Accepted(60, Optional.empty(), Optional.of(encoding)));
            assertThat(encoding.headers()).containsExactly(Map.entry("encoding", "aesgcm"),
                    Map.entry("encryption", SALT), Map.entry("crypto_key", cryptoKey));
        }

        @Test
        @DisplayName("W5.5 aesgcm header values lose their double quotes and base64 = padding")
        void aesgcmCleaned() {
            Result result = body("AESGCM", "keyid=\"p256dh\";salt=\"c2FsdA==\"", "keyid=\"p256dh\";dh=\"BCET=\"");

            assertThat(result).isEqualTo(new Accepted(60, Optional.empty(), Optional.of(new Encoding("aesgcm",
                    Optional.of("keyid=p256dh;salt=c2FsdA"), Optional.of("keyid=p256dh;dh=BCET")))));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL                  | dh=BCET",
            "''                    | dh=BCET",
            "rs=4096               | dh=BCET",
            "salt=                 | dh=BCET",
            "salt=\"\"             | dh=BCET",
            "salt=a b              | dh=BCET",
            "salt=a+b/             | dh=BCET",
            "salt===               | dh=BCET",
        })
        @DisplayName("W6.4 aesgcm without a base64url salt in Encryption: errno 110")
        void aesgcmWithoutSalt(@Nullable String encryption, String cryptoKey) {
            assertThat(body("aesgcm", encryption, cryptoKey))
                    .isEqualTo(refused(110, "aesgcm needs an Encryption header with a base64url salt"));
        }

        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", "p256ecdsa=BIFw", "dh=", "dh=*", "keyid=dh"})
        @DisplayName("W6.4 aesgcm without a base64url dh in Crypto-Key: errno 110")
        void aesgcmWithoutDh(@Nullable String cryptoKey) {
            assertThat(body("aesgcm", "salt=abc", cryptoKey))
                    .isEqualTo(refused(110, "aesgcm needs a Crypto-Key header with a base64url dh"));
        }

        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", "  "})
        @DisplayName("W6.4 a body without Content-Encoding: errno 110")
        void bodyWithoutContentEncoding(@Nullable String contentEncoding) {
            assertThat(body(contentEncoding, SALT, DH))
                    .isEqualTo(refused(110, "a body needs Content-Encoding aes128gcm or aesgcm"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"gzip", "identity", "aes128gcm, gzip", "aesgcm128", "br"})
        @DisplayName("W6.4 a body with another Content-Encoding: errno 110")
        void otherContentEncoding(String contentEncoding) {
            assertThat(body(contentEncoding, SALT, DH))
                    .isEqualTo(refused(110, "Content-Encoding must be aes128gcm or aesgcm"));
        }

        @Test
        void headersMapIsUnmodifiable() {
            Map<String, String> headers = Encoding.AES128GCM.headers();
            assertThatThrownBy(() -> headers.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    @DisplayName("W6.9 order among the headers: TTL, then Topic, then encryption")
    void checkOrder() {
        assertThat(errno(PushHeaders.parse(null, "bad topic", null, "gzip", null, null, 10))).isEqualTo(111);
        assertThat(errno(PushHeaders.parse("x", "bad topic", null, "gzip", null, null, 10))).isEqualTo(112);
        assertThat(errno(PushHeaders.parse("1", "bad topic", null, "gzip", null, null, 10))).isEqualTo(113);
        assertThat(errno(PushHeaders.parse("1", "topic", null, "gzip", null, null, 10))).isEqualTo(110);
    }

    private static int errno(Result result) {
        assertThat(result).isInstanceOf(Refused.class);
        return ((Refused) result).errno();
    }

    @Test
    @DisplayName("W6.2-W6.5 all together, as web-push sends them with aesgcm")
    void everything() {
        assertThat(PushHeaders.parse("60", "news", "low", "aesgcm", SALT, DH, 23)).isEqualTo(new Accepted(60,
                Optional.of("news"), Optional.of(new Encoding("aesgcm", Optional.of(SALT), Optional.of(DH)))));
    }

    @Test
    void negativeBodyLengthIsAProgrammingError() {
        assertThatThrownBy(() -> PushHeaders.parse("60", null, null, null, null, null, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
