package dev.simplepush.transport.websocket.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Utf8} against RFC 3629: exactly the well-formed byte sequences of its §4 table are valid. */
class Utf8Test {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    @Test
    void emptyInputIsValid() {
        assertThat(Utf8.isValid(new byte[0], 0, 0)).isTrue();
    }

    @Test
    void asciiIsValid() {
        byte[] ascii = new byte[128];
        for (int i = 0; i < ascii.length; i++) {
            ascii[i] = (byte) i;
        }
        assertThat(Utf8.isValid(ascii, 0, ascii.length)).isTrue();
        assertThat(valid("{\"messageType\":\"hello\"}")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "caf\u00E9", // 2 bytes: C3 A9
        "\u20AC 5", // 3 bytes: E2 82 AC
        "\uD83D\uDE00", // 4 bytes: F0 9F 98 80
        "a\u00E9\u20AC\uD83D\uDE00z", // all lengths in a row
    })
    void multiByteSequencesAreValid(String text) {
        assertThat(valid(text)).isTrue();
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(ints = {0x0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF})
    void boundaryCodePointsAreValid(int codePoint) {
        byte[] bytes = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.isValid(bytes, 0, bytes.length)).as("U+%04X as %s", codePoint, HEX.formatHex(bytes)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "7F", "C2 80", "DF BF", "E0 A0 80", "EF BF BF", "ED 9F BF", "EE 80 80", "F0 90 80 80", "F4 8F BF BF",
    })
    void boundarySequencesAreValid(String hex) {
        assertThat(isValid(hex)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "80", // lone continuation byte
        "BF",
        "41 80 41", // continuation byte between ASCII
        "C3 A9 A9", // one continuation byte too many
        "C0 80", // overlong U+0000
        "C1 BF", // overlong U+007F
        "E0 80 80", // overlong U+0000
        "E0 9F BF", // overlong U+07FF
        "F0 80 80 80", // overlong U+0000
        "F0 8F BF BF", // overlong U+FFFF
        "ED A0 80", // surrogate U+D800
        "ED BF BF", // surrogate U+DFFF
        "ED A0 BD ED B8 80", // a surrogate pair, as CESU-8 writes U+1F600
        "F4 90 80 80", // U+110000, above the last code point
        "F7 BF BF BF", // U+1FFFFF
        "C3", // truncated at the end
        "E2 82", // truncated at the end
        "F0 9F 98", // truncated at the end
        "41 F0", // truncated at the end
        "C3 41", // continuation byte missing
        "E2 41 AC",
        "F0 9F 41 80",
        "F5 80 80 80", // F5..FF never occur
        "F8 88 80 80 80",
        "FC 84 80 80 80 80",
        "FE",
        "FF",
    })
    void illFormedSequencesAreInvalid(String hex) {
        assertThat(isValid(hex)).isFalse();
    }

    @Test
    void everyByteFromF5OnIsInvalidAnywhere() {
        for (int b = 0xF5; b <= 0xFF; b++) {
            byte[] bytes = {'a', (byte) b, (byte) 0x80, (byte) 0x80, (byte) 0x80};
            assertThat(Utf8.isValid(bytes, 0, bytes.length)).as("byte %02X", b).isFalse();
        }
    }

    @Test
    void onlyTheBytesFromOffsetForLengthAreChecked() {
        byte[] bytes = HEX.parseHex("FF 41 E2 82 AC 42 FF");
        assertThat(Utf8.isValid(bytes, 1, 5)).as("41 E2 82 AC 42").isTrue();
        assertThat(Utf8.isValid(bytes, 2, 3)).as("E2 82 AC").isTrue();
        assertThat(Utf8.isValid(bytes, 1, 0)).as("nothing").isTrue();
        assertThat(Utf8.isValid(bytes, 0, 2)).as("FF 41").isFalse();
        assertThat(Utf8.isValid(bytes, 1, 6)).as("41 E2 82 AC 42 FF").isFalse();
    }

    @Test
    void sequenceCutByTheLengthIsTruncatedEvenIfTheArrayGoesOn() {
        byte[] bytes = HEX.parseHex("41 E2 82 AC");
        assertThat(Utf8.isValid(bytes, 0, 3)).as("41 E2 82").isFalse();
        assertThat(Utf8.isValid(bytes, 0, 2)).as("41 E2").isFalse();
        assertThat(Utf8.isValid(bytes, 2, 2)).as("82 AC").isFalse();
    }

    @Test
    void agreesWithTheJdkDecoderOnEveryTwoByteSequence() {
        // A cross-check over a whole space: the JDK's strict decoder refuses exactly the ill-formed sequences.
        for (int first = 0; first <= 0xFF; first++) {
            for (int second = 0; second <= 0xFF; second++) {
                byte[] bytes = {(byte) first, (byte) second};
                assertThat(Utf8.isValid(bytes, 0, 2)).as("%02X %02X", first, second).isEqualTo(jdkAccepts(bytes));
            }
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnEveryThreeByteSequenceFromE0() {
        for (int first = 0xE0; first <= 0xF4; first++) {
            for (int second = 0x70; second <= 0xC0; second++) {
                for (int third = 0x70; third <= 0xC0; third++) {
                    byte[] bytes = {(byte) first, (byte) second, (byte) third};
                    assertThat(Utf8.isValid(bytes, 0, 3)).as("%02X %02X %02X", first, second, third)
                            .isEqualTo(jdkAccepts(bytes));
                }
            }
        }
    }

    private static boolean valid(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Utf8.isValid(bytes, 0, bytes.length);
    }

    private static boolean isValid(String hex) {
        byte[] bytes = HEX.parseHex(hex);
        return Utf8.isValid(bytes, 0, bytes.length);
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
