package dev.simplepush.transport.websocket.internal.frame;

import static dev.simplepush.transport.websocket.RawWebSocket.concat;
import static dev.simplepush.transport.websocket.RawWebSocket.continuation;
import static dev.simplepush.transport.websocket.RawWebSocket.frame;
import static dev.simplepush.transport.websocket.RawWebSocket.ping;
import static dev.simplepush.transport.websocket.RawWebSocket.pong;
import static dev.simplepush.transport.websocket.RawWebSocket.text;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.BINARY;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.CLOSE;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.CONTINUATION;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.transport.websocket.RawWebSocket;
import dev.simplepush.transport.websocket.RawWebSocket.ClientFrame;
import dev.simplepush.transport.websocket.RawWebSocket.Length;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FrameReader} against RFC 6455 §5: frames are built byte for byte by {@link RawWebSocket.ClientFrame} (masked
 * with a random key, in the length form asked for) and fed whole or one byte at a time; a recording handler notes
 * what the reader reports.
 */
class FrameReaderTest {

    private static final int LIMIT = 100;
    private static final HexFormat HEX = HexFormat.of();

    /** How the bytes reach the reader. */
    enum Feeding {
        /** All bytes in one buffer. */
        WHOLE,
        /** Every byte in a buffer of its own. */
        BYTE_BY_BYTE;

        void feed(FrameReader reader, byte[] bytes, Recorder handler) {
            if (this == WHOLE) {
                reader.feed(ByteBuffer.wrap(bytes), handler);
                return;
            }
            for (byte b : bytes) {
                ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
                reader.feed(one, handler);
                if (!reader.failed()) {
                    assertThat(one.hasRemaining()).as("byte consumed").isFalse();
                }
            }
        }
    }

    /** Notes every callback as a line of text. */
    private static final class Recorder implements FrameReader.Handler {
        final List<String> events = new ArrayList<>();
        final List<byte[]> texts = new ArrayList<>();

        @Override
        public void text(byte[] bytes, int length) {
            texts.add(bytes);
            events.add("text " + new String(bytes, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void binary() {
            events.add("binary");
        }

        @Override
        public void ping(byte[] payload) {
            events.add("ping " + HEX.formatHex(payload));
        }

        @Override
        public void closeReceived(int code, String reason) {
            events.add("close " + code + " " + reason);
        }

        @Override
        public void fail(int code, String reason) {
            assertThat(reason).as("reason of fail %s", code).isNotBlank();
            events.add("fail " + code);
        }
    }

    private final FrameReader reader = new FrameReader(LIMIT);
    private final Recorder handler = new Recorder();

    private List<String> read(Feeding feeding, byte[]... frames) {
        feeding.feed(reader, concat(frames), handler);
        return handler.events;
    }

    // --- Data frames ------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void unfragmentedTextFrameIsOneMessage(Feeding feeding) {
        assertThat(read(feeding, text("{\"messageType\":\"hello\"}").bytes()))
                .containsExactly("text {\"messageType\":\"hello\"}");
        assertThat(reader.failed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void emptyTextFrameIsAnEmptyMessage(Feeding feeding) {
        assertThat(read(feeding, text("").bytes())).containsExactly("text ");
    }

    @ParameterizedTest
    @MethodSource("lengthForms")
    void everyLengthFormIsRead(Feeding feeding, Length form, int size) {
        // RFC 6455 §5.2: 7-bit lengths up to 125, else 126 and 16 bits, else 127 and 64 bits; a longer form than
        // needed is read as well.
        FrameReader large = new FrameReader(100_000);
        String payload = pattern(size);
        feeding.feed(large, concat(text(payload).length(form).bytes(), text("next").bytes()), handler);
        assertThat(handler.events).containsExactly("text " + payload, "text next");
    }

    static Stream<Arguments> lengthForms() {
        List<Arguments> cases = new ArrayList<>();
        for (Feeding feeding : Feeding.values()) {
            cases.add(Arguments.of(feeding, Length.BITS_7, 125));
            cases.add(Arguments.of(feeding, Length.BITS_16, 126));
            cases.add(Arguments.of(feeding, Length.BITS_16, 0xFFFF));
            cases.add(Arguments.of(feeding, Length.BITS_64, 0x10000));
            cases.add(Arguments.of(feeding, Length.BITS_64, 5));
            cases.add(Arguments.of(feeding, Length.BITS_16, 5));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void textAndContinuationsAreReassembledIntoOneMessage(Feeding feeding) {
        // RFC 6455 §5.4: text (FIN=0), continuations (FIN=0), a continuation with FIN=1 make one message.
        assertThat(read(feeding,
                text("{\"messageTy").fin(false).bytes(),
                continuation("").fin(false).bytes(),
                continuation("pe\":\"hel").fin(false).length(Length.BITS_16).bytes(),
                continuation("lo\"}").bytes()))
                .containsExactly("text {\"messageType\":\"hello\"}");
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void fragmentsOfUpToTheLimitTogetherAreOneMessage(Feeding feeding) {
        String first = pattern(LIMIT - 1);
        assertThat(read(feeding, text(first).fin(false).bytes(), continuation("!").bytes()))
                .containsExactly("text " + first + "!");
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void manyFragmentsOfAMessageLargerThanTheFirstAreReassembledInOrder(Feeding feeding) {
        // The message grows as its fragments arrive, far past what its first fragment suggested.
        FrameReader large = new FrameReader(10_000);
        String message = pattern(7_001);
        List<byte[]> frames = new ArrayList<>();
        frames.add(text(message.substring(0, 3)).fin(false).bytes());
        int at = 3;
        for (int size = 1; at < message.length(); size *= 3) {
            int end = Math.min(message.length(), at + size);
            frames.add(continuation(message.substring(at, end)).fin(end == message.length()).bytes());
            at = end;
        }
        feeding.feed(large, concat(frames.toArray(byte[][]::new)), handler);
        assertThat(handler.events).containsExactly("text " + message);
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void controlFramesBetweenFragmentsAreReportedAndTheMessageStillAssembled(Feeding feeding) {
        // RFC 6455 §5.4: control frames may come between the fragments of a message.
        assertThat(read(feeding,
                text("{\"message").fin(false).bytes(),
                ping(new byte[] {1, 2}).bytes(),
                pong(new byte[] {3}).bytes(),
                continuation("Type\":\"hello\"}").bytes()))
                .containsExactly("ping 0102", "text {\"messageType\":\"hello\"}");
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void utf8CharacterSplitAcrossFragmentsIsValid(Feeding feeding) {
        // RFC 6455 §5.6: the message as a whole is UTF-8, not each fragment.
        byte[] euro = utf8("\u20AC"); // E2 82 AC
        assertThat(read(feeding,
                frame(TEXT).fin(false).payload(Arrays.copyOf(euro, 1)).bytes(),
                frame(CONTINUATION).payload(Arrays.copyOfRange(euro, 1, 3)).bytes()))
                .containsExactly("text \u20AC");
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void messagesAreReportedInOrderAndEachArrayIsTheHandlers(Feeding feeding) {
        assertThat(read(feeding, text("first").bytes(), text("second").bytes()))
                .containsExactly("text first", "text second");
        assertThat(handler.texts.get(0)).as("first message's array, after the second arrived")
                .startsWith(utf8("first"))
                .isNotSameAs(handler.texts.get(1));
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void binaryFrameIsReportedAndItsPayloadSkipped(Feeding feeding) {
        // The payload is never read: a following frame is seen as it was sent.
        assertThat(read(feeding, frame(BINARY).payload(new byte[300]).bytes(), text("after").bytes()))
                .containsExactly("binary", "text after");
        assertThat(reader.failed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void fragmentedBinaryMessageIsReportedOnceAndSkippedWhole(Feeding feeding) {
        assertThat(read(feeding,
                frame(BINARY).fin(false).payload(new byte[] {1, 2}).bytes(),
                ping(new byte[0]).bytes(),
                frame(CONTINUATION).payload(new byte[LIMIT * 2]).bytes(),
                text("after").bytes()))
                .containsExactly("binary", "ping ", "text after");
    }

    // --- Control frames ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void pingIsReportedWithItsPayload(Feeding feeding) {
        byte[] payload = new byte[125];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (0x80 + 7 * i);
        }
        assertThat(read(feeding, ping(payload).bytes(), ping(new byte[0]).bytes()))
                .containsExactly("ping " + HEX.formatHex(payload), "ping ");
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void pongIsReadAndIgnored(Feeding feeding) {
        // RFC 6455 §5.5.3: an unsolicited pong expects no response; the handler has nothing to do with one.
        assertThat(read(feeding, pong(utf8("unsolicited")).bytes(), text("after").bytes()))
                .containsExactly("text after");
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void closeFrameIsReportedWithItsCodeAndReason(Feeding feeding) {
        assertThat(read(feeding, RawWebSocket.close(1000, "bye \u00E9").bytes(),
                RawWebSocket.close(4999, "").bytes(), RawWebSocket.close(3000, "").bytes()))
                .containsExactly("close 1000 bye \u00E9", "close 4999 ", "close 3000 ");
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void emptyCloseFrameIsReportedAsNoStatus(Feeding feeding) {
        // RFC 6455 §7.1.5: a close frame without a status code stands for 1005.
        assertThat(read(feeding, frame(CLOSE).bytes())).containsExactly("close " + FrameReader.NO_STATUS + " ");
        assertThat(FrameReader.NO_STATUS).isEqualTo(1005);
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void closeReasonThatIsNotUtf8Fails1007(Feeding feeding) {
        byte[] payload = {0x03, (byte) 0xE8, (byte) 0xC3, 0x28};
        assertThat(read(feeding, frame(CLOSE).payload(payload).bytes())).containsExactly("fail 1007");
        assertThat(reader.failed()).isFalse();
    }

    @Test
    void closeCodesThatMayBeSentAreValid() {
        // RFC 6455 §7.4.1 and the IANA registry: 1000-1003, 1007-1014, and 3000-4999 for libraries and applications.
        assertThat(List.of(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999))
                .allMatch(FrameReader::isValidCloseCode);
        assertThat(List.of(0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535))
                .noneMatch(FrameReader::isValidCloseCode);
    }

    // --- Protocol errors: 1002, and nothing read afterwards ---------------------------------------------------------

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("protocolErrors")
    void protocolErrorFails1002AndNothingIsReadAfterwards(Feeding feeding, String rule, byte[] bytes,
            List<String> before) {
        // RFC 6455 §7.1.7: after failing the connection the endpoint must not process any more data from it.
        List<String> expected = new ArrayList<>(before);
        expected.add("fail " + FrameReader.PROTOCOL_ERROR);
        byte[] after = concat(text("after").bytes(), ping(new byte[] {1}).bytes(), frame(CLOSE).bytes());
        assertThat(read(feeding, bytes, after)).as(rule).containsExactlyElementsOf(expected);
        assertThat(reader.failed()).isTrue();
        feeding.feed(reader, after, handler);
        assertThat(handler.events).as("events after more bytes").containsExactlyElementsOf(expected);
        assertThat(reader.failed()).isTrue();
    }

    static Stream<Arguments> protocolErrors() {
        List<Arguments> errors = List.of(
                // RFC 6455 §5.1
                error("an unmasked client frame", text("hi").unmasked()),
                // RFC 6455 §5.2
                error("RSV1 without an extension", text("hi").rsv(4)),
                error("RSV2 without an extension", text("hi").rsv(2)),
                error("RSV3 without an extension", text("hi").rsv(1)),
                error("RSV bits on a control frame", ping(new byte[0]).rsv(7)),
                error("reserved data opcode 0x3", frame(0x3).payload("hi")),
                error("reserved data opcode 0x7", frame(0x7)),
                error("reserved control opcode 0xB", frame(0xB).payload("hi")),
                error("reserved control opcode 0xF", frame(0xF)),
                error("a payload length with the most significant bit set",
                        new byte[] {(byte) 0x81, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}),
                // RFC 6455 §5.5
                error("a fragmented ping", ping(new byte[] {1}).fin(false)),
                error("a fragmented close", frame(CLOSE).fin(false)),
                error("a ping with 126 bytes", ping(new byte[126])),
                error("a close with 126 bytes", frame(CLOSE).payload(new byte[126])),
                error("a pong with 126 bytes in the 64-bit form", pong(new byte[126]).length(Length.BITS_64)),
                // RFC 6455 §5.5.1
                error("a close frame with a 1-byte payload", frame(CLOSE).payload(new byte[] {0x03})),
                error("close code 999", RawWebSocket.close(999, "")),
                error("close code 1005", RawWebSocket.close(1005, "")),
                error("close code 1006", RawWebSocket.close(1006, "")),
                error("close code 1015", RawWebSocket.close(1015, "")),
                error("close code 5000", RawWebSocket.close(5000, "")),
                // RFC 6455 §5.4
                error("a continuation without a message", continuation("hi")),
                error("a text frame while a text message is open",
                        concat(text("a").fin(false).bytes(), text("b").bytes())),
                error("a binary frame while a text message is open",
                        concat(text("a").fin(false).bytes(), frame(BINARY).bytes())),
                error("a text frame while a binary message is open",
                        concat(frame(BINARY).fin(false).bytes(), text("b").bytes()), "binary"),
                error("a continuation after the message ended",
                        concat(text("a").fin(false).bytes(), continuation("b").bytes(), continuation("c").bytes()),
                        "text ab"));
        return Stream.of(Feeding.values()).flatMap(feeding -> errors.stream()
                .map(error -> Arguments.of(feeding, error.get()[0], error.get()[1], error.get()[2])));
    }

    private static Arguments error(String rule, ClientFrame frame) {
        return error(rule, frame.bytes());
    }

    /** A protocol error in {@code bytes}, after the events {@code before} of the frames ahead of it. */
    private static Arguments error(String rule, byte[] bytes, String... before) {
        return Arguments.of(rule, bytes, List.of(before));
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void messagesBeforeAProtocolErrorAreReported(Feeding feeding) {
        assertThat(read(feeding, text("before").bytes(), ping(new byte[] {9}).bytes(), text("x").unmasked().bytes(),
                text("after").bytes()))
                .containsExactly("text before", "ping 09", "fail 1002");
    }

    // --- The message limit: 1009 ------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void messageOverTheLimitFails1009BeforeItsPayloadArrivesAndIsSkipped(Feeding feeding) {
        byte[] tooBig = text(pattern(LIMIT + 1)).bytes();
        int header = tooBig.length - (LIMIT + 1);
        feeding.feed(reader, Arrays.copyOf(tooBig, header), handler);
        assertThat(handler.events).as("events once the frame header is read").containsExactly("fail 1009");

        feeding.feed(reader, concat(Arrays.copyOfRange(tooBig, header, tooBig.length),
                RawWebSocket.close(1009, "").bytes()), handler);
        assertThat(handler.events).containsExactly("fail 1009", "close 1009 ");
        assertThat(reader.failed()).as("failed: reads nothing more").isFalse();
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void hugeDeclaredLengthFails1009AtOnce(Feeding feeding) {
        // A 64-bit length of 1 TiB: refused from the header alone, nothing is allocated for it.
        byte[] header = {(byte) 0x81, (byte) 0xFF, 0, 0, 1, 0, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44};
        assertThat(read(feeding, header, new byte[1000])).containsExactly("fail 1009");
        assertThat(reader.failed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void fragmentedMessageOverTheLimitFails1009AtTheFragmentThatExceedsIt(Feeding feeding) {
        // The limit is for the message, not for each fragment.
        byte[] exceeding = continuation(pattern(LIMIT / 2 + 1)).fin(false).bytes();
        int header = exceeding.length - (LIMIT / 2 + 1);
        feeding.feed(reader, concat(text(pattern(LIMIT / 2)).fin(false).bytes(), Arrays.copyOf(exceeding, header)),
                handler);
        assertThat(handler.events).as("events once the exceeding fragment's header is read")
                .containsExactly("fail 1009");

        assertThat(read(feeding,
                Arrays.copyOfRange(exceeding, header, exceeding.length),
                ping(new byte[] {7}).bytes(),
                continuation(pattern(LIMIT)).bytes(),
                RawWebSocket.close(1000, "").bytes()))
                .containsExactly("fail 1009", "ping 07", "close 1000 ");
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void messageOfExactlyTheLimitIsAccepted(Feeding feeding) {
        String payload = pattern(LIMIT);
        assertThat(read(feeding, text(payload).bytes())).containsExactly("text " + payload);
    }

    // --- UTF-8: 1007 ------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void textMessageThatIsNotUtf8Fails1007AndReadingGoesOn(Feeding feeding) {
        // RFC 6455 §8.1: invalid UTF-8 in a text message fails the connection with 1007; the frames were well formed,
        // so the client's close frame can still be seen.
        assertThat(read(feeding,
                frame(TEXT).payload(new byte[] {'a', (byte) 0xC3, 0x28}).bytes(),
                RawWebSocket.close(1000, "").bytes()))
                .containsExactly("fail 1007", "close 1000 ");
        assertThat(reader.failed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Feeding.class)
    void messageEndingInATruncatedCharacterFails1007(Feeding feeding) {
        byte[] euro = utf8("\u20AC");
        assertThat(read(feeding,
                frame(TEXT).fin(false).payload(utf8("price ")).bytes(),
                frame(CONTINUATION).payload(Arrays.copyOf(euro, 2)).bytes()))
                .containsExactly("fail 1007");
    }

    // --- Construction -----------------------------------------------------------------------------------------------

    @Test
    void limitBelowOneIsRefused() {
        assertThatThrownBy(() -> new FrameReader(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failedIsFalseForANewReader() {
        assertThat(reader.failed()).isFalse();
    }

    // --- Helpers ----------------------------------------------------------------------------------------------------

    /** {@code size} ASCII characters, the numbers 0, 1, 2... in a row, so that a misplaced or lost byte shows. */
    private static String pattern(int size) {
        StringBuilder text = new StringBuilder(size + 8);
        for (int i = 0; text.length() < size; i++) {
            text.append(i).append(',');
        }
        text.setLength(size);
        return text.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
