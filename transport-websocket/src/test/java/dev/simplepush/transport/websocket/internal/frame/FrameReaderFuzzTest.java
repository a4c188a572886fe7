package dev.simplepush.transport.websocket.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.simplepush.core.protocol.CloseCodes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Fuzzes {@link FrameReader} (RFC 6455 §5) with arbitrary bytes, with streams of client frames built from the
 * fuzzer's choices (masked or not, fragmented, control frames, reserved bits and opcodes, every length form, text
 * that is or is not UTF-8, messages around the limit), and with such streams corrupted afterwards.
 *
 * <p>For every input: nothing is thrown; every failure is 1002, 1007 or 1009 and nothing is reported after a 1002;
 * the same bytes give the same reports whole, in random pieces and one byte at a time; the reader never holds more
 * than the limit plus a control frame, and holds nothing after a protocol error. For streams of well-formed frames the
 * reports are also those that {@link Model}, RFC 6455 written out frame by frame, expects, and the reader holds
 * nothing once the last message ended.
 *
 * <p>The reader takes no pooled buffer (the device socket lends it one per read and takes it back itself, see
 * {@code PooledBuffersIT}); what it can keep is its own message array, checked through {@link FrameReader#heldBytes}.
 */
class FrameReaderFuzzTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int MAX_CONTROL_PAYLOAD = 125;

    @FuzzTest
    void anyBytesInAnyPiecesGetTheAnswersRfc6455Gives(FuzzedDataProvider data) {
        int limit = data.consumeInt(1, 300);
        long splitSeed = data.consumeLong();
        int shape = data.consumeInt(0, 2);
        byte[] bytes;
        List<String> expected = null;
        boolean endsBetweenMessages = false;
        if (shape == 0) {
            bytes = data.consumeRemainingAsBytes();
        } else {
            List<Frame> frames = frames(data, limit);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            frames.forEach(frame -> out.writeBytes(frame.bytes()));
            bytes = out.toByteArray();
            if (shape == 1) {
                Model model = new Model(limit);
                frames.forEach(model::frame);
                expected = model.events;
                endsBetweenMessages = model.betweenMessages();
            } else {
                bytes = corrupt(bytes, new SplittableRandom(splitSeed ^ 0x5DEECE66DL));
            }
        }

        Fed whole = feed(limit, bytes, new int[] {bytes.length});
        Fed pieces = feed(limit, bytes, pieces(bytes.length, new SplittableRandom(splitSeed)));
        Fed oneByOne = feed(limit, bytes, ones(bytes.length));

        assertConsistent(whole, limit);
        assertThat(pieces.events).as("reports when fed in pieces").isEqualTo(whole.events);
        assertThat(oneByOne.events).as("reports when fed one byte at a time").isEqualTo(whole.events);
        assertThat(pieces.failed).isEqualTo(whole.failed);
        assertThat(oneByOne.failed).isEqualTo(whole.failed);
        if (expected != null) {
            assertThat(whole.events).as("reports RFC 6455 gives for these frames").isEqualTo(expected);
            if (endsBetweenMessages || whole.failed) {
                assertThat(whole.heldBytes).as("bytes held after the last message").isZero();
            }
        }
    }

    // ---- feeding and the invariants of any input

    /** What one way of feeding the bytes gave. */
    private record Fed(List<String> events, boolean failed, int heldBytes) {
    }

    private static Fed feed(int limit, byte[] bytes, int[] pieces) {
        FrameReader reader = new FrameReader(limit);
        Recorder recorder = new Recorder();
        int offset = 0;
        for (int piece : pieces) {
            ByteBuffer input = ByteBuffer.wrap(bytes, offset, piece);
            reader.feed(input, recorder);
            if (!reader.failed()) {
                assertThat(input.hasRemaining()).as("every byte consumed until a protocol error").isFalse();
            }
            assertThat(reader.heldBytes()).as("bytes held").isLessThanOrEqualTo(limit + MAX_CONTROL_PAYLOAD);
            offset += piece;
        }
        return new Fed(recorder.events, reader.failed(), reader.heldBytes());
    }

    private static void assertConsistent(Fed fed, int limit) {
        List<String> events = fed.events;
        for (int i = 0; i < events.size(); i++) {
            String event = events.get(i);
            if (event.startsWith("fail ")) {
                int code = Integer.parseInt(event.substring(5));
                assertThat(code).as("close code of a failure").isIn(FrameReader.PROTOCOL_ERROR,
                        CloseCodes.INVALID_PAYLOAD, CloseCodes.MESSAGE_TOO_BIG);
                if (code == FrameReader.PROTOCOL_ERROR) {
                    assertThat(i).as("nothing reported after a protocol error").isEqualTo(events.size() - 1);
                }
            } else if (event.startsWith("text ")) {
                byte[] text = HEX.parseHex(event.substring(5));
                assertThat(text.length).as("message length").isLessThanOrEqualTo(limit);
                assertThat(isUtf8(text)).as("a reported message is UTF-8").isTrue();
            } else if (event.startsWith("ping ")) {
                assertThat(event.length() - 5).as("ping payload hex digits").isLessThanOrEqualTo(2 * 125);
            }
        }
        boolean protocolError = !events.isEmpty() && events.get(events.size() - 1).equals("fail 1002");
        assertThat(fed.failed).as("failed exactly after a protocol error").isEqualTo(protocolError);
        if (fed.failed) {
            assertThat(fed.heldBytes).as("bytes held after a protocol error").isZero();
        }
    }

    /** Notes every report as a line of text; payloads in hex. */
    private static final class Recorder implements FrameReader.Handler {
        final List<String> events = new ArrayList<>();

        @Override
        public void text(byte[] bytes, int length) {
            events.add("text " + HEX.formatHex(bytes, 0, length));
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
            events.add("fail " + code);
        }
    }

    private static int[] pieces(int length, SplittableRandom random) {
        List<Integer> pieces = new ArrayList<>();
        int left = length;
        while (left > 0) {
            int piece = 1 + random.nextInt(Math.min(left, random.nextBoolean() ? 3 : 64));
            pieces.add(piece);
            left -= piece;
        }
        return pieces.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] ones(int length) {
        int[] ones = new int[length];
        java.util.Arrays.fill(ones, 1);
        return ones;
    }

    private static byte[] corrupt(byte[] bytes, SplittableRandom random) {
        if (bytes.length == 0) {
            return bytes;
        }
        byte[] corrupted = bytes.clone();
        int at = random.nextInt(bytes.length);
        switch (random.nextInt(4)) {
            case 0 -> corrupted[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> corrupted[at] = (byte) random.nextInt(256);
            case 2 -> corrupted = java.util.Arrays.copyOf(corrupted, at);
            default -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(bytes, 0, at);
                out.write(random.nextInt(256));
                out.write(bytes, at, bytes.length - at);
                corrupted = out.toByteArray();
            }
        }
        return corrupted;
    }

    // ---- frames as the fuzzer chooses them

    /** How a frame's payload length is written (RFC 6455 §5.2): the shortest form, or a longer one. */
    private enum LengthForm { SHORTEST, BITS_16, BITS_64 }

    /** One client frame; {@link #bytes()} is the frame on the wire. */
    private record Frame(boolean fin, int rsv, int opcode, boolean masked, int maskKey, LengthForm form,
            byte[] payload) {

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
            out.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
            int maskBit = masked ? 0x80 : 0;
            LengthForm used = form;
            if (payload.length > 0xFFFF) {
                used = LengthForm.BITS_64;
            } else if (payload.length > 125 && used == LengthForm.SHORTEST) {
                used = LengthForm.BITS_16;
            }
            switch (used) {
                case SHORTEST -> out.write(maskBit | payload.length);
                case BITS_16 -> {
                    out.write(maskBit | 126);
                    out.writeBytes(ByteBuffer.allocate(2).putShort((short) payload.length).array());
                }
                default -> {
                    out.write(maskBit | 127);
                    out.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
                }
            }
            byte[] key = ByteBuffer.allocate(4).putInt(maskKey).array();
            if (masked) {
                out.writeBytes(key);
            }
            for (int i = 0; i < payload.length; i++) {
                out.write(masked ? payload[i] ^ key[i & 3] : payload[i]);
            }
            return out.toByteArray();
        }
    }

    private static final int[] OPCODES = {FrameReader.CONTINUATION, FrameReader.TEXT, FrameReader.BINARY,
        FrameReader.CLOSE, FrameReader.PING, FrameReader.PONG};

    private static List<Frame> frames(FuzzedDataProvider data, int limit) {
        List<Frame> frames = new ArrayList<>();
        int count = data.consumeInt(1, 8);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            int odd = data.consumeInt(0, 31);
            int opcode = odd == 0 ? data.consumeInt(0, 15) : data.pickValue(OPCODES);
            boolean fin = odd == 1 ? false : odd == 2 || data.consumeBoolean();
            int rsv = odd == 3 ? data.consumeInt(1, 7) : 0;
            boolean masked = odd != 4;
            LengthForm form = odd == 5 ? LengthForm.BITS_16 : odd == 6 ? LengthForm.BITS_64 : LengthForm.SHORTEST;
            frames.add(new Frame(fin, rsv, opcode, masked, data.consumeInt(), form, payload(data, opcode, limit)));
        }
        return frames;
    }

    private static byte[] payload(FuzzedDataProvider data, int opcode, int limit) {
        switch (data.consumeInt(0, 4)) {
            case 0:
                return data.consumeBytes(data.consumeInt(0, 140));
            case 1: {
                // Around the limit, or around the 125 bytes of a control frame.
                int size = opcode >= FrameReader.CLOSE ? data.consumeInt(120, 130)
                        : data.consumeInt(Math.max(0, limit - 3), limit + 3);
                byte[] filler = new byte[size];
                java.util.Arrays.fill(filler, (byte) data.consumeInt('a', 'z'));
                return filler;
            }
            case 2: {
                // A close frame's payload: a code, valid or not, and a reason.
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int code = data.consumeBoolean() ? data.pickValue(new int[] {1000, 1001, 1002, 1003, 1004, 1005,
                    1006, 1007, 1011, 1014, 1015, 2999, 3000, 4999, 5000}) : data.consumeInt(0, 0xFFFF);
                out.write(code >> 8);
                out.write(code & 0xFF);
                out.writeBytes(data.consumeString(40).getBytes(StandardCharsets.UTF_8));
                return out.toByteArray();
            }
            default:
                return data.consumeString(data.consumeInt(0, 100)).getBytes(StandardCharsets.UTF_8);
        }
    }

    // ---- RFC 6455 frame by frame

    /**
     * What a server must report for a stream of whole frames (RFC 6455 §5.2–§5.6, §7.4; P1.3 for the limit), written
     * from the RFC rather than from the reader: one frame at a time, with the message in progress as its only state.
     */
    private static final class Model {
        private static final Set<Integer> SENDABLE_CLOSE_CODES = Set.of(1000, 1001, 1002, 1003, 1007, 1008, 1009,
                1010, 1011, 1012, 1013, 1014);

        private enum Message { NONE, TEXT, SKIPPED }

        final List<String> events = new ArrayList<>();
        private final int limit;
        private Message message = Message.NONE;
        private final ByteArrayOutputStream text = new ByteArrayOutputStream();
        private boolean failed;

        Model(int limit) {
            this.limit = limit;
        }

        boolean betweenMessages() {
            return message == Message.NONE;
        }

        void frame(Frame frame) {
            if (failed) {
                return;
            }
            boolean control = frame.opcode >= 0x8;
            int length = frame.payload.length;
            if (frame.rsv != 0 // §5.2: no extension was negotiated
                    || (control && frame.opcode != FrameReader.CLOSE && frame.opcode != FrameReader.PING
                            && frame.opcode != FrameReader.PONG) // §5.2: reserved control opcodes
                    || (!control && frame.opcode > FrameReader.BINARY) // §5.2: reserved data opcodes
                    || (control && !frame.fin) // §5.5: control frames are not fragmented
                    || (frame.opcode == FrameReader.CONTINUATION && message == Message.NONE) // §5.4
                    || ((frame.opcode == FrameReader.TEXT || frame.opcode == FrameReader.BINARY)
                            && message != Message.NONE) // §5.4: messages are not interleaved
                    || !frame.masked // §5.1: a client masks every frame
                    || (control && length > MAX_CONTROL_PAYLOAD)) { // §5.5
                protocolError();
                return;
            }
            switch (frame.opcode) {
                case FrameReader.TEXT -> {
                    if (length > limit) {
                        tooBig();
                    } else {
                        message = Message.TEXT;
                        text.reset();
                        text.writeBytes(frame.payload);
                    }
                    if (frame.fin) {
                        messageEnds();
                    }
                }
                case FrameReader.BINARY -> {
                    events.add("binary");
                    message = frame.fin ? Message.NONE : Message.SKIPPED;
                }
                case FrameReader.CONTINUATION -> {
                    if (message == Message.TEXT) {
                        if (text.size() + length > limit) {
                            tooBig();
                        } else {
                            text.writeBytes(frame.payload);
                        }
                    }
                    if (frame.fin) {
                        messageEnds();
                    }
                }
                case FrameReader.PING -> events.add("ping " + HEX.formatHex(frame.payload));
                case FrameReader.PONG -> {
                    // §5.5.3: an unsolicited pong is allowed and answered by nothing.
                }
                default -> close(frame.payload);
            }
        }

        private void messageEnds() {
            if (message == Message.TEXT) {
                byte[] bytes = text.toByteArray();
                events.add(isUtf8(bytes) ? "text " + HEX.formatHex(bytes) : "fail " + CloseCodes.INVALID_PAYLOAD);
            }
            message = Message.NONE;
        }

        /** §7.4.1: 1009, and the rest of the message is read and dropped. */
        private void tooBig() {
            events.add("fail " + CloseCodes.MESSAGE_TOO_BIG);
            message = Message.SKIPPED;
        }

        /** §5.5.1, §7.4: a body is a 2-byte code that may be sent, then a UTF-8 reason. */
        private void close(byte[] payload) {
            if (payload.length == 0) {
                events.add("close " + FrameReader.NO_STATUS + " ");
                return;
            }
            int code = payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            if (!SENDABLE_CLOSE_CODES.contains(code) && !(code >= 3000 && code <= 4999)) {
                protocolError();
                return;
            }
            byte[] reason = java.util.Arrays.copyOfRange(payload, 2, payload.length);
            events.add(isUtf8(reason)
                    ? "close " + code + " " + new String(reason, StandardCharsets.UTF_8)
                    : "fail " + CloseCodes.INVALID_PAYLOAD);
        }

        /** §7.1.7: the connection fails and nothing more is read. */
        private void protocolError() {
            events.add("fail " + FrameReader.PROTOCOL_ERROR);
            failed = true;
            message = Message.NONE;
        }
    }

    /** Strict UTF-8 as the JDK decodes it: no overlong forms, no surrogates, nothing above U+10FFFF. */
    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
