package dev.simplepush.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The SimplePush and Web Push messages of the load tool's own client, read and written as bytes without a JSON
 * library. It is tuned to the server's exact output (compact JSON as Jackson writes it, no whitespace, ASCII values):
 * {@code {"messageType":"hello","uaid":"...","status":200}} (Web Push: then {@code ,"use_webpush":true,...}),
 * {@code {"messageType":"register","channelID":"...","status":200,"pushEndpoint":"..."}},
 * {@code {"messageType":"notification","updates":[{"channelID":"...","version":N,"data":"..."},...]}} (SimplePush),
 * {@code {"messageType":"notification","channelID":"...","version":"<id>","ttl":T,"data":"...","headers":{...}}}
 * (Web Push, W5) and {@code {}}. Fields are found by index scans for {@code "name":}; a key pattern cannot match
 * inside a JSON string, where every quote is escaped. It is a load generator's parser, not a general one.
 */
final class PushJson {

    /** The message types the client tells apart. */
    static final int OTHER = 0;
    static final int HELLO = 1;
    static final int REGISTER = 2;
    static final int NOTIFICATION = 3;
    static final int EMPTY = 4;

    private static final byte[] MESSAGE_TYPE = ascii("\"messageType\":\"");
    private static final byte[] HELLO_TYPE = ascii("hello\"");
    private static final byte[] REGISTER_TYPE = ascii("register\"");
    private static final byte[] NOTIFICATION_TYPE = ascii("notification\"");
    static final byte[] UAID = ascii("\"uaid\":\"");
    static final byte[] STATUS = ascii("\"status\":");
    static final byte[] PUSH_ENDPOINT = ascii("\"pushEndpoint\":\"");
    static final byte[] CHANNEL_ID = ascii("\"channelID\":\"");
    static final byte[] VERSION = ascii("\"version\":");
    /** W1.2: a Web Push hello reply echoes it. */
    static final byte[] USE_WEBPUSH = ascii("\"use_webpush\":true");
    /** W5.2: a Web Push notification's version is the message id, a string. */
    static final byte[] MESSAGE_ID = ascii("\"version\":\"");
    static final byte[] DATA = ascii("\"data\":\"");
    /** W5.5: what accompanies the data of an {@code aes128gcm} message. */
    static final byte[] AES128GCM = ascii("\"headers\":{\"encoding\":\"aes128gcm\"}");

    private static final byte[] HELLO_NEW = ascii("{\"messageType\":\"hello\",\"channelIDs\":[]}");
    private static final byte[] HELLO_UAID = ascii("{\"messageType\":\"hello\",\"uaid\":\"");
    private static final byte[] HELLO_CHANNELS = ascii("\",\"channelIDs\":[\"");
    private static final byte[] HELLO_END = ascii("\"]}");
    private static final byte[] WEBPUSH_HELLO_NEW = ascii("{\"messageType\":\"hello\",\"use_webpush\":true,"
            + "\"broadcasts\":{}}");
    private static final byte[] WEBPUSH_HELLO_END = ascii("\",\"use_webpush\":true,\"broadcasts\":{}}");
    private static final byte[] REGISTER_START = ascii("{\"messageType\":\"register\",\"channelID\":\"");
    private static final byte[] REGISTER_END = ascii("\"}");
    private static final byte[] ACK_START = ascii("{\"messageType\":\"ack\",\"updates\":[");
    private static final byte[] ACK_UPDATE = ascii("{\"channelID\":\"");
    private static final byte[] ACK_VERSION = ascii("\",\"version\":");
    private static final byte[] ACK_END = ascii("]}");
    private static final byte[] ACK_MESSAGE_ID = ascii("\",\"version\":\"");
    private static final byte[] ACK_CODE = ascii("\",\"code\":");

    /** base64url digit values by byte value, -1 for anything else (padding included: W5.4 sends none). */
    private static final byte[] BASE64URL = new byte[256];

    static {
        Arrays.fill(BASE64URL, (byte) -1);
        String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < digits.length(); i++) {
            BASE64URL[digits.charAt(i)] = (byte) i;
        }
    }

    private PushJson() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The message type of {@code b[from, to)}: one of the constants above. */
    static int type(byte[] b, int from, int to) {
        if (to - from == 2 && b[from] == '{' && b[from + 1] == '}') {
            return EMPTY;
        }
        // The server writes messageType first: look there before scanning.
        int at = startsWith(b, from + 1, to, MESSAGE_TYPE) ? from + 1 + MESSAGE_TYPE.length
                : after(b, from, to, MESSAGE_TYPE);
        if (at < 0) {
            return OTHER;
        }
        if (startsWith(b, at, to, NOTIFICATION_TYPE)) {
            return NOTIFICATION;
        }
        if (startsWith(b, at, to, HELLO_TYPE)) {
            return HELLO;
        }
        if (startsWith(b, at, to, REGISTER_TYPE)) {
            return REGISTER;
        }
        return OTHER;
    }

    /**
     * Where the first update of a notification (a Web Push notification's fields) starts scanning: just past
     * {@code "notification",} when the server wrote the type first, else {@code from}.
     */
    static int updatesFrom(byte[] b, int from, int to) {
        int at = from + 1 + MESSAGE_TYPE.length;
        return startsWith(b, from + 1, to, MESSAGE_TYPE) && startsWith(b, at, to, NOTIFICATION_TYPE)
                ? at + NOTIFICATION_TYPE.length : from;
    }

    /** The index just past the first {@code pattern} in {@code b[from, to)}, or -1. */
    static int after(byte[] b, int from, int to, byte[] pattern) {
        int at = WsFrames.indexOf(b, from, to, pattern);
        return at < 0 ? -1 : at + pattern.length;
    }

    static boolean startsWith(byte[] b, int at, int to, byte[] prefix) {
        if (to - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The end (closing quote) of the string value starting at {@code at}, or -1. Escapes are skipped over. */
    static int stringEnd(byte[] b, int at, int to) {
        for (int i = at; i < to; i++) {
            if (b[i] == '"') {
                return i;
            }
            if (b[i] == '\\') {
                i++;
            }
        }
        return -1;
    }

    /** The string value of field {@code key} (a {@code "name":"} pattern), ASCII without escapes, or null. */
    static String string(byte[] b, int from, int to, byte[] key) {
        int at = after(b, from, to, key);
        if (at < 0) {
            return null;
        }
        int end = stringEnd(b, at, to);
        return end < 0 ? null : new String(b, at, end - at, StandardCharsets.ISO_8859_1);
    }

    /** The non-negative integer value of field {@code key} (a {@code "name":} pattern), or -1. */
    static long number(byte[] b, int from, int to, byte[] key) {
        int at = after(b, from, to, key);
        return at < 0 ? -1 : digits(b, at, to);
    }

    /** The non-negative decimal integer at {@code at}, or -1 if there is none. */
    static long digits(byte[] b, int at, int to) {
        long value = 0;
        int i = at;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            value = value * 10 + d;
        }
        return i == at ? -1 : value;
    }

    /** Writes the hello (with the UAID and channel when the device has them) at {@code p}; returns the end. */
    static int hello(byte[] out, int p, String uaid, byte[] channelId) {
        if (uaid == null) {
            return put(out, p, HELLO_NEW);
        }
        p = put(out, p, HELLO_UAID);
        p = putAscii(out, p, uaid);
        p = put(out, p, HELLO_CHANNELS);
        p = put(out, p, channelId);
        return put(out, p, HELLO_END);
    }

    /**
     * Writes a Web Push hello (W1.1) as Firefox sends it: with the UAID once the device has one, never with
     * channelIDs (W1.3), and an empty {@code broadcasts} (W2.1). Returns the end.
     */
    static int webPushHello(byte[] out, int p, String uaid) {
        if (uaid == null) {
            return put(out, p, WEBPUSH_HELLO_NEW);
        }
        p = put(out, p, HELLO_UAID);
        p = putAscii(out, p, uaid);
        return put(out, p, WEBPUSH_HELLO_END);
    }

    static int register(byte[] out, int p, byte[] channelId) {
        p = put(out, p, REGISTER_START);
        p = put(out, p, channelId);
        return put(out, p, REGISTER_END);
    }

    static int ackStart(byte[] out, int p) {
        return put(out, p, ACK_START);
    }

    /** One {@code {"channelID":"..","version":N}}, preceded by a comma unless it is the first. */
    static int ackUpdate(byte[] out, int p, boolean first, byte[] channelId, long version) {
        if (!first) {
            out[p++] = ',';
        }
        p = put(out, p, ACK_UPDATE);
        p = put(out, p, channelId);
        p = put(out, p, ACK_VERSION);
        p = putDigits(out, p, version);
        out[p++] = '}';
        return p;
    }

    static int ackEnd(byte[] out, int p) {
        return put(out, p, ACK_END);
    }

    /**
     * Writes the ack of one Web Push message (W8.1), its id being {@code b[idFrom, idTo)}:
     * {@code {"messageType":"ack","updates":[{"channelID":"..","version":"<id>","code":N}]}}. Returns the end.
     */
    static int webPushAck(byte[] out, int p, byte[] channelId, byte[] b, int idFrom, int idTo, int code) {
        p = put(out, p, ACK_START);
        p = put(out, p, ACK_UPDATE);
        p = put(out, p, channelId);
        p = put(out, p, ACK_MESSAGE_ID);
        System.arraycopy(b, idFrom, out, p, idTo - idFrom);
        p += idTo - idFrom;
        p = put(out, p, ACK_CODE);
        p = putDigits(out, p, code);
        out[p++] = '}';
        return put(out, p, ACK_END);
    }

    /** The longest {@link #webPushAck} with a channel ID and a message id of these lengths. */
    static int maxWebPushAck(int channelIdLength, int idLength) {
        return ACK_START.length + ACK_UPDATE.length + channelIdLength + ACK_MESSAGE_ID.length + idLength
                + ACK_CODE.length + 3 + 1 + ACK_END.length;
    }

    /**
     * Decodes unpadded base64url {@code b[from, to)} into {@code out} from 0 ({@code out} holds at least
     * {@code (to - from) * 3 / 4} bytes); returns the decoded length, or -1 if the text is not unpadded base64url.
     */
    static int base64Url(byte[] b, int from, int to, byte[] out) {
        int tail = (to - from) % 4;
        if (tail == 1) {
            return -1;
        }
        int n = 0;
        int i = from;
        for (int full = to - tail; i < full; i += 4) {
            int group = base64UrlGroup(b, i);
            if (group < 0) {
                return -1;
            }
            out[n++] = (byte) (group >> 16);
            out[n++] = (byte) (group >> 8);
            out[n++] = (byte) group;
        }
        if (tail > 0) {
            int group = BASE64URL[b[i] & 0xFF] << 18 | BASE64URL[b[i + 1] & 0xFF] << 12
                    | (tail == 3 ? BASE64URL[b[i + 2] & 0xFF] << 6 : 0);
            if (group < 0) {
                return -1;
            }
            out[n++] = (byte) (group >> 16);
            if (tail == 3) {
                out[n++] = (byte) (group >> 8);
            }
        }
        return n;
    }

    /** The 3 bytes of the 4 base64url digits at {@code b[at]}, as a 24-bit value; negative if one is not a digit. */
    static int base64UrlGroup(byte[] b, int at) {
        // A digit that is not base64url is -1, which makes the whole group negative.
        return BASE64URL[b[at] & 0xFF] << 18 | BASE64URL[b[at + 1] & 0xFF] << 12 | BASE64URL[b[at + 2] & 0xFF] << 6
                | BASE64URL[b[at + 3] & 0xFF];
    }

    /** The longest {@link #ackUpdate} with a channel ID of {@code channelIdLength} bytes. */
    static int maxAckUpdate(int channelIdLength) {
        return 1 + ACK_UPDATE.length + channelIdLength + ACK_VERSION.length + 20 + 1;
    }

    static int put(byte[] out, int p, byte[] bytes) {
        System.arraycopy(bytes, 0, out, p, bytes.length);
        return p + bytes.length;
    }

    static int putAscii(byte[] out, int p, String s) {
        for (int i = 0; i < s.length(); i++) {
            out[p++] = (byte) s.charAt(i);
        }
        return p;
    }

    static int putDigits(byte[] out, int p, long value) {
        if (value < 0) {
            out[p++] = '-';
            value = -value;
        }
        int n = 1;
        for (long v = value; v >= 10; v /= 10) {
            n++;
        }
        for (int i = p + n - 1; i >= p; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return p + n;
    }
}
