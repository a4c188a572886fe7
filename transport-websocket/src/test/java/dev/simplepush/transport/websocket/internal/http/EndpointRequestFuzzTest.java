package dev.simplepush.transport.websocket.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.simplepush.core.NotifyOutcome;
import dev.simplepush.core.Version;
import dev.simplepush.transport.websocket.internal.webpush.PushHeaders;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes what the endpoint reads of a request before anything is stored: the form of a SimplePush update
 * ({@link FormFields}, P4.1, P4.2) and the headers of a Web Push message ({@link PushHeaders}, W6.2–W6.5), with
 * arbitrary text and with values built from the fuzzer's choices around the valid ones.
 *
 * <p>For every input nothing but the documented refusal is thrown, and every refusal is the rule's: a malformed
 * percent-escape, and only that, makes a form 400 errno 100; a version that {@link Version#parse} refuses is 400 errno
 * 101; the first failing header check, in W6.9's order, gives its errno (111, 112, 113, 110), each a 400. What is
 * accepted carries exactly the values sent. Neither parser takes a buffer: they read strings.
 */
class EndpointRequestFuzzTest {

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9_-]+=*");
    private static final Pattern HEX_ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");
    private static final String BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @FuzzTest
    void requestsAreReadOrRefusedWithTheRulesErrno(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 4)) {
            case 0 -> judgeForm(data.consumeRemainingAsString());
            case 4 -> judgeForm(formLike(data));
            case 1 -> formOfValues(data);
            case 2 -> judgeHeaders(nullable(data, 60), nullable(data, 60), nullable(data, 20), nullable(data, 20),
                    nullable(data, 80), nullable(data, 80), data.consumeInt(0, 5000));
            default -> judgeHeaders(ttl(data), topic(data), nullable(data, 10), encoding(data),
                    params(data, "salt"), params(data, "dh"), data.consumeBoolean() ? 0 : data.consumeInt(1, 4096));
        }
    }

    // ---- the form

    private static void judgeForm(String form) {
        FormFields fields;
        try {
            fields = FormFields.parse(form);
        } catch (IllegalArgumentException malformed) {
            assertThat(malformedEscape(form)).as("%s refused as a malformed form", form).isTrue();
            assertRefusal(HttpError.MALFORMED_FORM, 100);
            return;
        }
        assertThat(malformedEscape(form)).as("%s accepted as a form", form).isFalse();
        assertThat(fields.data()).as("data is absent rather than empty").isNotEqualTo(Optional.of(""));
        if (fields.version().isPresent() && !fields.version().get().isEmpty()
                && Version.parse(fields.version().get()).isEmpty()) {
            // P4.2: the service answers BAD_VERSION, which the endpoint sends as 400 errno 101.
            assertRefusal(HttpError.of(NotifyOutcome.BAD_VERSION), 101);
        }
    }

    /** Text of the characters that mean something in a form, and a few others. */
    private static String formLike(FuzzedDataProvider data) {
        char[] alphabet = "%+-&=0123456789aAfFgzv ".toCharArray();
        StringBuilder form = new StringBuilder();
        int length = data.consumeInt(0, 24);
        for (int i = 0; i < length; i++) {
            form.append(data.pickValue(alphabet));
        }
        return form.toString();
    }

    /** Whether a name or value (the text between {@code &}s, split at its first {@code =}) has a bad escape. */
    private static boolean malformedEscape(String form) {
        for (String field : form.split("&", -1)) {
            int equals = field.indexOf('=');
            List<String> parts = equals < 0 ? List.of(field)
                    : List.of(field.substring(0, equals), field.substring(equals + 1));
            for (String part : parts) {
                String withoutEscapes = HEX_ESCAPE.matcher(part).replaceAll("");
                if (withoutEscapes.indexOf('%') >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Fields encoded as a browser or an HTTP client encodes them, in any order, read back as they were. */
    private static void formOfValues(FuzzedDataProvider data) {
        List<String> encoded = new ArrayList<>();
        Optional<String> version = Optional.empty();
        Optional<String> dataField = Optional.empty();
        int count = data.consumeInt(0, 5);
        for (int i = 0; i < count; i++) {
            String name = switch (data.consumeInt(0, 3)) {
                case 0 -> "version";
                case 1 -> "data";
                default -> wellFormed(data.consumeString(10));
            };
            boolean withValue = data.consumeInt(0, 5) > 0;
            String value = withValue ? data.consumeBoolean() ? Long.toString(data.consumeLong(0, Long.MAX_VALUE))
                    : wellFormed(data.consumeString(30)) : "";
            if (name.equals("version") && version.isEmpty()) {
                version = Optional.of(value);
            } else if (name.equals("data") && dataField.isEmpty()) {
                dataField = Optional.of(value);
            }
            encoded.add(URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + (withValue ? "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) : ""));
            if (data.consumeInt(0, 7) == 0) {
                encoded.add("");
            }
        }
        String form = String.join("&", encoded);
        FormFields fields = FormFields.parse(form);
        assertThat(fields.version()).as("version of %s", form).isEqualTo(version);
        assertThat(fields.data()).as("data of %s", form).isEqualTo(dataField.filter(d -> !d.isEmpty()));
    }

    /** The text as UTF-8 can carry it: an unpaired surrogate becomes {@code ?}, as in any encoder. */
    private static String wellFormed(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    // ---- the Web Push headers

    private static void judgeHeaders(@Nullable String ttl, @Nullable String topic, @Nullable String urgency,
            @Nullable String contentEncoding, @Nullable String encryption, @Nullable String cryptoKey, int length) {
        PushHeaders.Result result = PushHeaders.parse(ttl, topic, urgency, contentEncoding, encryption, cryptoKey,
                length);
        int expectedErrno = expectedErrno(ttl, topic, contentEncoding, encryption, cryptoKey, length);
        String what = String.format("TTL %s, Topic %s, Content-Encoding %s, Encryption %s, Crypto-Key %s, %d bytes",
                ttl, topic, contentEncoding, encryption, cryptoKey, length);
        if (expectedErrno != 0) {
            assertThat(result).as(what).isInstanceOf(PushHeaders.Refused.class);
            int errno = ((PushHeaders.Refused) result).errno();
            assertThat(errno).as("errno for %s", what).isEqualTo(expectedErrno);
            assertThat(Arrays.stream(HttpError.values()).filter(error -> error.errno() == errno))
                    .as("the endpoint's answer to errno %d", errno)
                    .isNotEmpty()
                    .allSatisfy(error -> assertThat(error.status()).isEqualTo(400));
            return;
        }
        assertThat(result).as(what).isInstanceOf(PushHeaders.Accepted.class);
        PushHeaders.Accepted accepted = (PushHeaders.Accepted) result;
        BigInteger seconds = new BigInteger(ttl.trim());
        assertThat(accepted.ttlSeconds()).as("TTL applied for %s", what)
                .isEqualTo(seconds.min(BigInteger.valueOf(PushHeaders.MAX_TTL)).intValueExact());
        assertThat(accepted.topic()).isEqualTo(Optional.ofNullable(topic).map(String::trim));
        if (length == 0) {
            assertThat(accepted.encoding()).as("an empty body has no encoding (W6.4)").isEmpty();
            return;
        }
        String name = contentEncoding.trim().toLowerCase(Locale.ROOT);
        assertThat(accepted.encoding()).isPresent();
        PushHeaders.Encoding encoding = accepted.encoding().get();
        assertThat(encoding.name()).isEqualTo(name);
        if (name.equals("aesgcm")) {
            assertThat(encoding.encryption()).isPresent().get().asString().doesNotContain("\"");
            assertThat(encoding.cryptoKey()).isPresent().get().asString().doesNotContain("\"");
        } else {
            assertThat(encoding).isEqualTo(PushHeaders.Encoding.AES128GCM);
        }
    }

    /** W6.2, W6.5, W6.4 in W6.9's order: the errno of the first check that fails, 0 if none does. */
    private static int expectedErrno(@Nullable String ttl, @Nullable String topic, @Nullable String contentEncoding,
            @Nullable String encryption, @Nullable String cryptoKey, int length) {
        if (ttl == null) {
            return 111;
        }
        if (!DIGITS.matcher(ttl.trim()).matches()) {
            return 112;
        }
        if (topic != null && !TOPIC.matcher(topic.trim()).matches()) {
            return 113;
        }
        if (length == 0) {
            return 0;
        }
        String name = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "aes128gcm" -> param(encryption, "salt").isPresent() || param(cryptoKey, "dh").isPresent() ? 110 : 0;
            case "aesgcm" -> param(encryption, "salt").filter(v -> BASE64.matcher(v).matches()).isPresent()
                    && param(cryptoKey, "dh").filter(v -> BASE64.matcher(v).matches()).isPresent() ? 0 : 110;
            default -> 110;
        };
    }

    /** The first {@code name=value} among the {@code ;}- or {@code ,}-separated parameters, quotes dropped. */
    private static Optional<String> param(@Nullable String header, String name) {
        if (header == null) {
            return Optional.empty();
        }
        for (String parameter : header.split("[;,]", -1)) {
            int equals = parameter.indexOf('=');
            if (equals >= 0 && parameter.substring(0, equals).trim().equalsIgnoreCase(name)) {
                return Optional.of(parameter.substring(equals + 1).replace("\"", "").trim());
            }
        }
        return Optional.empty();
    }

    private static void assertRefusal(HttpError error, int errno) {
        assertThat(error.status()).as("status of %s", error).isEqualTo(400);
        assertThat(error.errno()).as("errno of %s", error).isEqualTo(errno);
    }

    private static @Nullable String nullable(FuzzedDataProvider data, int maxLength) {
        return data.consumeInt(0, 5) == 0 ? null : data.consumeString(maxLength);
    }

    private static @Nullable String ttl(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> null;
            case 1 -> data.consumeString(12);
            case 2 -> " ".repeat(data.consumeInt(0, 2)) + "0".repeat(data.consumeInt(0, 30))
                    + Long.toUnsignedString(data.consumeLong()) + "\t".repeat(data.consumeInt(0, 2));
            default -> Integer.toString(data.consumeInt(-10, 3_000_000));
        };
    }

    private static @Nullable String topic(FuzzedDataProvider data) {
        if (data.consumeInt(0, 3) == 0) {
            return null;
        }
        StringBuilder topic = new StringBuilder();
        int length = data.consumeInt(0, 40);
        for (int i = 0; i < length; i++) {
            topic.append(data.consumeInt(0, 30) == 0 ? data.consumeChar() : data.pickValue(BASE64_ALPHABET.toCharArray()));
        }
        return data.consumeBoolean() ? " " + topic + " " : topic.toString();
    }

    private static @Nullable String encoding(FuzzedDataProvider data) {
        return data.pickValue(new String[] {"aes128gcm", "aesgcm", " AESGCM ", "Aes128Gcm", "gzip", "", "aesgcm128",
            "aes128gcm, aesgcm", "\taesgcm"});
    }

    /** An Encryption or Crypto-Key header around {@code name=<base64>}, or something else. */
    private static @Nullable String params(FuzzedDataProvider data, String name) {
        switch (data.consumeInt(0, 5)) {
            case 0:
                return null;
            case 1:
                return data.consumeString(40);
            default:
                StringBuilder header = new StringBuilder();
                if (data.consumeBoolean()) {
                    header.append("keyid=p256dh").append(data.consumeBoolean() ? ";" : ", ");
                }
                header.append(data.consumeBoolean() ? name : name.toUpperCase(Locale.ROOT)).append(" = ");
                boolean quoted = data.consumeBoolean();
                header.append(quoted ? "\"" : "");
                int length = data.consumeInt(0, 30);
                for (int i = 0; i < length; i++) {
                    header.append(data.consumeInt(0, 40) == 0 ? data.consumeChar()
                            : data.pickValue(BASE64_ALPHABET.toCharArray()));
                }
                header.append("=".repeat(data.consumeInt(0, 2))).append(quoted ? "\"" : "");
                if (data.consumeBoolean()) {
                    header.append(";p256ecdsa=BCDE");
                }
                return header.toString();
        }
    }
}
