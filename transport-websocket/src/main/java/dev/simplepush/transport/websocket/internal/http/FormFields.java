package dev.simplepush.transport.websocket.internal.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The two fields of an endpoint update, {@code version} and {@code data} (P4.1), read from
 * {@code application/x-www-form-urlencoded} text (a body or a query string). The first occurrence of a field wins;
 * other fields are ignored.
 *
 * @param version the {@code version} text, possibly empty (which means "now", P4.2)
 * @param data the {@code data} text; empty when absent or empty
 */
record FormFields(Optional<String> version, Optional<String> data) {

    /** No fields. */
    static final FormFields NONE = new FormFields(Optional.empty(), Optional.empty());

    /**
     * Parses form-encoded text.
     *
     * @throws IllegalArgumentException if a name or value has a malformed percent-escape
     */
    static FormFields parse(String form) {
        Optional<String> version = Optional.empty();
        Optional<String> data = Optional.empty();
        int start = 0;
        while (start <= form.length()) {
            int end = form.indexOf('&', start);
            if (end < 0) {
                end = form.length();
            }
            if (end > start) {
                int equals = form.indexOf('=', start);
                boolean hasValue = equals >= 0 && equals < end;
                String name = decode(form.substring(start, hasValue ? equals : end));
                String value = hasValue ? decode(form.substring(equals + 1, end)) : "";
                if (name.equals("version") && version.isEmpty()) {
                    version = Optional.of(value);
                } else if (name.equals("data") && data.isEmpty()) {
                    data = Optional.of(value);
                }
            }
            start = end + 1;
        }
        return new FormFields(version, data.filter(d -> !d.isEmpty()));
    }

    private static String decode(String text) {
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
            return text;
        }
        // URLDecoder reads the two characters after '%' with Integer.parseInt, which also takes a sign and the digits
        // of other scripts ("%+4", "%4\u0661"): only two ASCII hex digits make an escape.
        for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 3)) {
            if (i + 2 >= text.length() || !isHexDigit(text.charAt(i + 1)) || !isHexDigit(text.charAt(i + 2))) {
                throw new IllegalArgumentException("malformed percent-escape at index " + i);
            }
        }
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
