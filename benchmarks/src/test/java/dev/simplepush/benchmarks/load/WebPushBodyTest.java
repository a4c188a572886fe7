package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WebPushBodyTest {

    private static final String DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final long[] VERSIONS = {1, 255, 256, 65_536, 0x0123_4567_89AB_CDEFL, 1L << 56, Long.MAX_VALUE,
        Long.MIN_VALUE, -1};

    /** The text of a notification's data and what follows it, the data starting at {@link #AT}. */
    private static byte[] frame(String text) {
        return ("\"data\":\"" + text + "\",\"headers\":{\"encoding\":\"aes128gcm\"}}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static final int AT = "\"data\":\"".length();

    private static String text(byte[] body) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body);
    }

    @Test
    void aBodyIsTheTemplateWithTheVersionBigEndianInFront() {
        WebPushBody bodies = WebPushBody.random(32, new Random(1));
        byte[] one = bodies.body(1);
        byte[] big = bodies.body(0x0102_0304_0506_0708L);

        assertThat(Arrays.copyOf(one, 8)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(Arrays.copyOf(big, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(Arrays.copyOfRange(one, 8, 32)).isEqualTo(Arrays.copyOfRange(big, 8, 32));
        assertThat(ChannelLedger.versionOf(big, 0)).isEqualTo(0x0102_0304_0506_0708L);
        byte[] out = new byte[40];
        assertThat(bodies.write(out, 3, 1)).isEqualTo(35);
        assertThat(Arrays.copyOfRange(out, 3, 35)).isEqualTo(one);
        assertThat(Arrays.copyOfRange(WebPushBody.random(32, new Random(2)).body(1), 8, 32))
                .as("another device's template").isNotEqualTo(Arrays.copyOfRange(one, 8, 32));
    }

    @Test
    void theTextOfABodyIsRecognisedAndItsVersionReadFromItsFirstTwelveCharacters() {
        for (int length : new int[] {9, 10, 11, 12, 13, 2048, 4096}) {
            WebPushBody bodies = WebPushBody.random(length, new Random(length));
            for (long version : VERSIONS) {
                String text = text(bodies.body(version));
                byte[] b = frame(text);
                assertThat(bodies.textEnd(b, AT, b.length)).as("%d bytes, version %d", length, version)
                        .isEqualTo(AT + text.length());
                assertThat(WebPushBody.version(b, AT)).as("%d bytes", length).isEqualTo(version);
            }
        }
    }

    @Test
    void anyOtherTextIsNotRecognised() {
        WebPushBody bodies = WebPushBody.random(64, new Random(1));
        String text = text(bodies.body(5));
        // Past the version's characters every one counts: the 11th and 12th carry the template's 9th byte.
        for (int i = 10; i < text.length(); i++) {
            char c = text.charAt(i);
            String changed = text.substring(0, i) + DIGITS.charAt((DIGITS.indexOf(c) + 1) % 64)
                    + text.substring(i + 1);
            byte[] b = frame(changed);
            assertThat(bodies.textEnd(b, AT, b.length)).as("character %d", i).isEqualTo(-1);
        }
        for (String wrong : new String[] {text.substring(0, text.length() - 1), text.substring(0, text.length() - 4),
            text + "A", text + "AAAA", "!" + text.substring(1), text.substring(0, 5) + "=" + text.substring(6),
            text(WebPushBody.random(64, new Random(2)).body(5)), ""}) {
            byte[] b = frame(wrong);
            assertThat(bodies.textEnd(b, AT, b.length)).as(wrong).isEqualTo(-1);
        }
        byte[] b = frame(text);
        assertThat(bodies.textEnd(b, AT, AT + text.length())).as("no closing quote before the end").isEqualTo(-1);
        assertThat(bodies.textEnd(b, AT, AT + text.length() + 1)).isEqualTo(AT + text.length());
    }

    @Test
    void aBodyWithoutATemplateByteIsOnlyCheckedDecoded() {
        WebPushBody bodies = WebPushBody.random(8, new Random(1));
        byte[] body = bodies.body(3);
        byte[] b = frame(text(body));

        assertThat(bodies.textEnd(b, AT, b.length)).isEqualTo(-1);
        assertThat(bodies.isBody(3, body, 0, 8)).isTrue();
        assertThat(bodies.isBody(4, body, 0, 8)).isFalse();
    }

    @Test
    void aDecodedBodyIsCheckedByteForByte() {
        WebPushBody bodies = WebPushBody.random(2048, new Random(1));
        byte[] body = bodies.body(7);
        byte[] framed = new byte[body.length + 2];
        System.arraycopy(body, 0, framed, 1, body.length);

        assertThat(bodies.isBody(7, framed, 1, 1 + body.length)).isTrue();
        assertThat(bodies.isBody(8, framed, 1, 1 + body.length)).isFalse();
        assertThat(bodies.isBody(7, framed, 1, body.length)).as("truncated").isFalse();
        assertThat(bodies.isBody(7, framed, 1, 2 + body.length)).as("overlong").isFalse();
        for (int i : new int[] {8, 1024, 2047}) {
            byte[] altered = body.clone();
            altered[i] ^= 0x40;
            assertThat(bodies.isBody(7, altered, 0, altered.length)).as("byte %d", i).isFalse();
        }
    }
}
