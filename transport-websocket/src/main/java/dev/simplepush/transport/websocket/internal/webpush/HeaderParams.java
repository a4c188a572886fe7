package dev.simplepush.transport.websocket.internal.webpush;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code name=value} parameters of the {@code Crypto-Key} and {@code Encryption} headers (draft-ietf-webpush-
 * encryption-04 and its companions), separated by {@code ;} or {@code ,}. Values may be double-quoted; base64 values
 * never hold a separator, so no quoted-string escaping is interpreted.
 */
final class HeaderParams {

    private HeaderParams() {
    }

    /**
     * The value of the first parameter called {@code name} (case-insensitive), trimmed and without double quotes.
     *
     * @return the value, possibly empty; empty if the header is null or has no such parameter
     */
    static Optional<String> find(@Nullable String header, String name) {
        if (header == null) {
            return Optional.empty();
        }
        int start = 0;
        while (start <= header.length()) {
            int end = nextSeparator(header, start);
            int equals = header.indexOf('=', start);
            if (equals >= 0 && equals < end && header.substring(start, equals).trim().equalsIgnoreCase(name)) {
                return Optional.of(header.substring(equals + 1, end).replace("\"", "").trim());
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    /**
     * The header as it goes into a notification's {@code headers} (W5.5): double quotes removed, and the base64
     * {@code =} padding at the end of each parameter's value removed. Separators, names and everything else are
     * kept as they are.
     */
    static String clean(String header) {
        String unquoted = header.replace("\"", "");
        StringBuilder cleaned = new StringBuilder(unquoted.length());
        int start = 0;
        while (start <= unquoted.length()) {
            int end = nextSeparator(unquoted, start);
            int equals = unquoted.indexOf('=', start);
            int valueEnd = end;
            while (valueEnd > start && Character.isWhitespace(unquoted.charAt(valueEnd - 1))) {
                valueEnd--;
            }
            int padding = valueEnd;
            if (equals >= 0 && equals < end) {
                while (padding > equals + 1 && unquoted.charAt(padding - 1) == '=') {
                    padding--;
                }
            }
            cleaned.append(unquoted, start, padding).append(unquoted, valueEnd, end);
            if (end < unquoted.length()) {
                cleaned.append(unquoted.charAt(end));
            }
            start = end + 1;
        }
        return cleaned.toString();
    }

    /** The index of the next {@code ;} or {@code ,} at or after {@code from}, or the length. */
    private static int nextSeparator(String header, int from) {
        for (int i = from; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == ';' || c == ',') {
                return i;
            }
        }
        return header.length();
    }
}
