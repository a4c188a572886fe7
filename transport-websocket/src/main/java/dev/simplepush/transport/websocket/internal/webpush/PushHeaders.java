package dev.simplepush.transport.websocket.internal.webpush;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The headers of a Web Push message (W6.2–W6.6), judged from their plain values: {@code TTL}, {@code Topic},
 * {@code Urgency}, and the encryption headers {@code Content-Encoding}, {@code Encryption} and {@code Crypto-Key}
 * against the body's length.
 *
 * <p>These checks come after VAPID and the body's size (W6.9). Among themselves the first failing one, in this
 * order, is the refusal: {@code TTL} (errno 111, 112), then {@code Topic} (113), then the encryption headers (110).
 * Every value is first trimmed of surrounding whitespace (HTTP's optional whitespace).
 *
 * <p>Stateless and thread-safe.
 */
public final class PushHeaders {

    /** The longest TTL applied, 30 days (W6.2); a longer one is lowered to it. */
    public static final int MAX_TTL = 2_592_000;

    /** errno: a body without acceptable encryption headers (W6.4). */
    public static final int ERRNO_BAD_ENCRYPTION = 110;
    /** errno: no {@code TTL} header (W6.2). */
    public static final int ERRNO_MISSING_TTL = 111;
    /** errno: a {@code TTL} that is not a decimal integer ≥ 0 (W6.2). */
    public static final int ERRNO_BAD_TTL = 112;
    /** errno: a {@code Topic} that is not 1–32 characters of the base64url alphabet (W6.5). */
    public static final int ERRNO_BAD_TOPIC = 113;

    private static final int MAX_TOPIC_LENGTH = 32;
    /** Digits of {@link #MAX_TTL}: a TTL with more significant digits is above it. */
    private static final int MAX_TTL_DIGITS = 7;

    private PushHeaders() {
    }

    /** What {@link #parse} found. */
    public sealed interface Result permits Accepted, Refused {
    }

    /**
     * The headers are acceptable.
     *
     * @param ttlSeconds the TTL to apply, 0 to {@link #MAX_TTL}
     * @param topic the {@code Topic}, if given (W6.5)
     * @param encoding the encryption of a non-empty body; empty for an empty body, which carries no data and no
     *        {@code headers} (W5.4)
     */
    public record Accepted(int ttlSeconds, Optional<String> topic, Optional<Encoding> encoding) implements Result {
    }

    /**
     * The headers are refused: 400 with this errno.
     *
     * @param errno 110, 111, 112 or 113
     * @param message why, safe to show the app server
     */
    public record Refused(int errno, String message) implements Result {
    }

    /**
     * How a body is encrypted, and what goes with its data in a notification's {@code headers} (W5.5).
     *
     * @param name {@code aes128gcm} or {@code aesgcm}
     * @param encryption for {@code aesgcm}, the {@code Encryption} header without double quotes and base64 padding
     * @param cryptoKey for {@code aesgcm}, the {@code Crypto-Key} header without double quotes and base64 padding
     */
    public record Encoding(String name, Optional<String> encryption, Optional<String> cryptoKey) {

        /** RFC 8291's encoding: salt and key are inside the body. */
        public static final Encoding AES128GCM = new Encoding("aes128gcm", Optional.empty(), Optional.empty());

        /**
         * The notification's {@code headers}, in this order: {@code encoding}, then for {@code aesgcm}
         * {@code encryption} and {@code crypto_key}. Unmodifiable.
         */
        public Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("encoding", name);
            encryption.ifPresent(value -> headers.put("encryption", value));
            cryptoKey.ifPresent(value -> headers.put("crypto_key", value));
            return Collections.unmodifiableMap(headers);
        }
    }

    /**
     * Judges a message's headers.
     *
     * <p>{@code Urgency} (W6.6) is accepted whatever its value, known ({@code very-low}, {@code low},
     * {@code normal}, {@code high}), unknown or absent, and ignored: this server delivers at once to a connected UA
     * and stores for the others.
     *
     * <p>{@code TTL} is decimal digits only (no sign, no fraction), of any length: a value above {@link #MAX_TTL},
     * however many digits it has, is lowered to it (W6.2), never refused or overflowed.
     *
     * <p>An empty body needs no encryption headers, and any it has are not judged (W6.4).
     *
     * <p>The SimplePush form of W6.10 ({@code version=N}, {@code TTL} optional) is not judged here.
     *
     * @param ttl the {@code TTL} header, null if absent
     * @param topic the {@code Topic} header, null if absent
     * @param urgency the {@code Urgency} header, null if absent; never a reason to refuse
     * @param contentEncoding the {@code Content-Encoding} header, null if absent
     * @param encryption the {@code Encryption} header, null if absent
     * @param cryptoKey the {@code Crypto-Key} header, null if absent
     * @param bodyLength the length of the body in bytes
     * @return {@link Accepted} or {@link Refused}
     * @throws IllegalArgumentException if {@code bodyLength} is negative
     */
    public static Result parse(@Nullable String ttl, @Nullable String topic, @Nullable String urgency,
            @Nullable String contentEncoding, @Nullable String encryption, @Nullable String cryptoKey,
            int bodyLength) {
        if (bodyLength < 0) {
            throw new IllegalArgumentException("negative body length " + bodyLength);
        }
        if (ttl == null) {
            return new Refused(ERRNO_MISSING_TTL, "the TTL header is required");
        }
        int ttlSeconds = ttlSeconds(ttl.trim());
        if (ttlSeconds < 0) {
            return new Refused(ERRNO_BAD_TTL, "TTL must be a whole number of seconds, 0 or more");
        }
        Optional<String> topicValue = Optional.ofNullable(topic).map(String::trim);
        if (topicValue.isPresent() && !validTopic(topicValue.get())) {
            return new Refused(ERRNO_BAD_TOPIC, "Topic must be 1 to 32 characters of the base64url alphabet");
        }
        if (bodyLength == 0) {
            return new Accepted(ttlSeconds, topicValue, Optional.empty());
        }
        String encodingName = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        @Nullable Refused badEncoding = encodingRefusal(encodingName, encryption, cryptoKey);
        if (badEncoding != null) {
            return badEncoding;
        }
        // aesgcm passed only with both headers present
        Encoding encoding = encodingName.equals(Encoding.AES128GCM.name())
                ? Encoding.AES128GCM
                : new Encoding(encodingName, Optional.of(HeaderParams.clean(Objects.requireNonNull(encryption).trim())),
                        Optional.of(HeaderParams.clean(Objects.requireNonNull(cryptoKey).trim())));
        return new Accepted(ttlSeconds, topicValue, Optional.of(encoding));
    }

    /** The TTL to apply, capped at {@link #MAX_TTL}; -1 unless the text is decimal digits. */
    private static int ttlSeconds(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        int significant = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (significant < 0 && c != '0') {
                significant = i;
            }
        }
        if (significant < 0) {
            return 0;
        }
        if (text.length() - significant > MAX_TTL_DIGITS) {
            return MAX_TTL;
        }
        return Math.min(Integer.parseInt(text, significant, text.length(), 10), MAX_TTL);
    }

    private static boolean validTopic(String topic) {
        if (topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            if (!isBase64Url(topic.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Why the encryption headers of a non-empty body are refused (W6.4); null if they are acceptable. */
    private static @Nullable Refused encodingRefusal(String name, @Nullable String encryption,
            @Nullable String cryptoKey) {
        switch (name) {
            case "":
                return new Refused(ERRNO_BAD_ENCRYPTION, "a body needs Content-Encoding aes128gcm or aesgcm");
            case "aes128gcm":
                if (HeaderParams.find(encryption, "salt").isPresent()) {
                    return new Refused(ERRNO_BAD_ENCRYPTION, "aes128gcm takes no salt in an Encryption header");
                }
                if (HeaderParams.find(cryptoKey, "dh").isPresent()) {
                    return new Refused(ERRNO_BAD_ENCRYPTION, "aes128gcm takes no dh in a Crypto-Key header");
                }
                return null;
            case "aesgcm":
                if (HeaderParams.find(encryption, "salt").filter(PushHeaders::isBase64).isEmpty()) {
                    return new Refused(ERRNO_BAD_ENCRYPTION, "aesgcm needs an Encryption header with a base64url salt");
                }
                if (HeaderParams.find(cryptoKey, "dh").filter(PushHeaders::isBase64).isEmpty()) {
                    return new Refused(ERRNO_BAD_ENCRYPTION, "aesgcm needs a Crypto-Key header with a base64url dh");
                }
                return null;
            default:
                return new Refused(ERRNO_BAD_ENCRYPTION, "Content-Encoding must be aes128gcm or aesgcm");
        }
    }

    /** Non-empty base64url, optionally padded with {@code =}. */
    private static boolean isBase64(String value) {
        int end = value.length();
        while (end > 0 && value.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            if (!isBase64Url(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
