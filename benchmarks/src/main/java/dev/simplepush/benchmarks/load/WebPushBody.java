package dev.simplepush.benchmarks.load;

import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

/**
 * The bodies of one Web Push device's messages: one random template, drawn once, whose first
 * {@link ChannelLedger#VERSION_BYTES} bytes are replaced by each message's version, big-endian. Different devices
 * draw different templates, so a body delivered to the wrong device does not match its own.
 *
 * <p>A message arrives as the unpadded base64url text of its body (W5.4), which is canonical: the text equals the
 * expected text exactly when the decoded bytes equal the body. The text of the template past the first
 * {@link #HEAD_BYTES} bytes (a multiple of 3, so it starts on a base64 group) is kept, and a notification is checked
 * by reading the version from its first {@link #HEAD_CHARS} characters and comparing the rest as text, without
 * decoding it. Immutable.
 */
final class WebPushBody {

    /** The bytes of a body whose text depends on the version: the version and the template's next byte. */
    static final int HEAD_BYTES = ChannelLedger.VERSION_BYTES + 1;
    /** The base64 characters of the first {@link #HEAD_BYTES} bytes: three whole groups. */
    static final int HEAD_CHARS = HEAD_BYTES / 3 * 4;

    private final byte[] template;
    /**
     * The unpadded base64url text of {@code template[HEAD_BYTES, length)}; null for a body of
     * {@link ChannelLedger#VERSION_BYTES} bytes, whose text has no whole head group and is only checked decoded.
     */
    private final byte[] tailText;

    private WebPushBody(byte[] template) {
        this.template = template;
        this.tailText = template.length < HEAD_BYTES ? null
                : Base64.getUrlEncoder().withoutPadding().encode(Arrays.copyOfRange(template, HEAD_BYTES,
                        template.length));
    }

    /** Bodies of {@code bytes} bytes (at least {@link ChannelLedger#VERSION_BYTES}) after a template drawn now. */
    static WebPushBody random(int bytes, Random random) {
        if (bytes < ChannelLedger.VERSION_BYTES) {
            throw new IllegalArgumentException(bytes + " bytes leave no room for the version");
        }
        byte[] template = new byte[bytes];
        random.nextBytes(template);
        return new WebPushBody(template);
    }

    /** The length of every body. */
    int length() {
        return template.length;
    }

    /** Writes the body of {@code version} at {@code out[p]}; returns the end. */
    int write(byte[] out, int p, long version) {
        System.arraycopy(template, 0, out, p, template.length);
        for (int i = 0; i < ChannelLedger.VERSION_BYTES; i++) {
            out[p + i] = (byte) (version >>> (8 * (ChannelLedger.VERSION_BYTES - 1 - i)));
        }
        return p + template.length;
    }

    /** The body of {@code version}, in a new array. */
    byte[] body(long version) {
        byte[] body = new byte[template.length];
        write(body, 0, version);
        return body;
    }

    /** Whether {@code data[from, to)} is byte for byte the body of {@code version}. */
    boolean isBody(long version, byte[] data, int from, int to) {
        return to - from == template.length && ChannelLedger.versionOf(data, from) == version
                && Arrays.equals(template, ChannelLedger.VERSION_BYTES, template.length,
                        data, from + ChannelLedger.VERSION_BYTES, to);
    }

    /**
     * The index of the closing quote when the JSON string starting at {@code b[at]} (before {@code to}) is the
     * base64url text of this template's body for some version, which {@link #version} then reads; else -1, also
     * when the text may still be a body but is not in the form this check knows (then decode it).
     */
    int textEnd(byte[] b, int at, int to) {
        if (tailText == null) {
            return -1;
        }
        int end = at + HEAD_CHARS + tailText.length;
        if (end >= to || b[end] != '"') {
            return -1;
        }
        int last = PushJson.base64UrlGroup(b, at + 8);
        if (PushJson.base64UrlGroup(b, at) < 0 || PushJson.base64UrlGroup(b, at + 4) < 0 || last < 0
                || (byte) last != template[ChannelLedger.VERSION_BYTES]) {
            return -1;
        }
        return Arrays.equals(b, at + HEAD_CHARS, end, tailText, 0, tailText.length) ? end : -1;
    }

    /** The version in the first {@link #HEAD_CHARS} characters of a body's text at {@code b[at]}, once checked. */
    static long version(byte[] b, int at) {
        return (long) PushJson.base64UrlGroup(b, at) << 40 | (long) PushJson.base64UrlGroup(b, at + 4) << 16
                | PushJson.base64UrlGroup(b, at + 8) >>> 8;
    }
}
