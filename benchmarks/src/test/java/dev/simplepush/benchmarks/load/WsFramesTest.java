package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WsFramesTest {

    record Frame(boolean fin, int opcode, String payload) {
    }

    private static final class Collect implements WsFrames.Sink {
        final List<Frame> frames = new ArrayList<>();

        @Override
        public boolean frame(boolean fin, int opcode, byte[] bytes, int offset, int length) {
            frames.add(new Frame(fin, opcode, new String(bytes, offset, length, StandardCharsets.ISO_8859_1)));
            return true;
        }
    }

    /** A server (unmasked) frame. */
    static byte[] serverFrame(boolean fin, int opcode, byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] out = new byte[header + n];
        out[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        if (n < 126) {
            out[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            out[1] = 126;
            out[2] = (byte) (n >>> 8);
            out[3] = (byte) n;
        } else {
            out[1] = 127;
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, out, header, n);
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aClientFrameIsMaskedWithItsKeyAndUnmasksToThePayload() throws Exception {
        for (int length : new int[] {0, 1, 5, 125, 126, 300, 65535, 65536}) {
            byte[] payload = new byte[length];
            new Random(length).nextBytes(payload);
            byte[] out = new byte[WsFrames.headerLength(length) + length];
            int key = 0x1234ABCD;
            int end = WsFrames.encode(out, 0, WsFrames.TEXT, payload, 0, length, key);
            assertThat(end).isEqualTo(out.length);
            assertThat(out[0] & 0xFF).isEqualTo(0x81);
            assertThat(out[1] & 0x80).as("mask bit").isEqualTo(0x80);
            Collect sink = new Collect();
            // The decoder unmasks a masked frame in place: the round trip gives the payload back.
            assertThat(WsFrames.decode(out.clone(), 0, end, 1 << 20, sinkOf(sink))).isEqualTo(end);
            assertThat(sink.frames).hasSize(1);
            assertThat(sink.frames.get(0).payload().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(payload);
            if (length > 0) {
                int maskAt = WsFrames.headerLength(length) - 4;
                assertThat(out[maskAt]).isEqualTo((byte) 0x12);
                assertThat(out[maskAt + 4]).isEqualTo((byte) (payload[0] ^ 0x12));
            }
        }
    }

    private static WsFrames.Sink sinkOf(Collect c) {
        return c;
    }

    @Test
    void framesAreHandedOverOnlyWhenCompleteWhateverTheSplit() throws Exception {
        byte[] text = serverFrame(true, WsFrames.TEXT, ascii("{\"messageType\":\"hello\"}"));
        byte[] big = serverFrame(true, WsFrames.TEXT, ascii("x".repeat(70_000)));
        byte[] ping = serverFrame(true, WsFrames.PING, ascii("p"));
        byte[] stream = concat(text, big, ping);
        for (int split = 0; split <= stream.length; split += split < 40 ? 1 : 997) {
            Collect sink = new Collect();
            byte[] first = Arrays.copyOf(stream, split);
            int consumed = WsFrames.decode(first, 0, first.length, 1 << 20, sink);
            // What was not consumed is kept and the rest of the stream appended, as the client does.
            byte[] rest = concat(Arrays.copyOfRange(first, consumed, first.length),
                    Arrays.copyOfRange(stream, split, stream.length));
            assertThat(WsFrames.decode(rest, 0, rest.length, 1 << 20, sink)).isEqualTo(rest.length);
            assertThat(sink.frames).extracting(Frame::opcode)
                    .containsExactly(WsFrames.TEXT, WsFrames.TEXT, WsFrames.PING);
            assertThat(sink.frames.get(1).payload()).hasSize(70_000);
        }
    }

    @Test
    void fragmentsAndCloseFramesAreReported() throws Exception {
        byte[] stream = concat(serverFrame(false, WsFrames.TEXT, ascii("{\"a\":")),
                serverFrame(true, WsFrames.CONTINUATION, ascii("1}")),
                serverFrame(true, WsFrames.CLOSE, new byte[] {0x03, (byte) 0xE9, 'b', 'y', 'e'}));
        Collect sink = new Collect();
        WsFrames.decode(stream, 0, stream.length, 1024, sink);
        assertThat(sink.frames).containsExactly(new Frame(false, WsFrames.TEXT, "{\"a\":"),
                new Frame(true, WsFrames.CONTINUATION, "1}"), new Frame(true, WsFrames.CLOSE, "\u0003\u00e9bye"));
        byte[] close = sink.frames.get(2).payload().getBytes(StandardCharsets.ISO_8859_1);
        assertThat(WsFrames.closeCode(close, 0, close.length)).isEqualTo(1001);
        assertThat(WsFrames.closeCode(close, 0, 0)).isEqualTo(1005);
    }

    @Test
    void theSinkCanStopDecoding() throws Exception {
        byte[] stream = concat(serverFrame(true, WsFrames.TEXT, ascii("a")), serverFrame(true, WsFrames.TEXT,
                ascii("b")));
        int[] seen = {0};
        int consumed = WsFrames.decode(stream, 0, stream.length, 1024, (fin, op, b, off, len) -> ++seen[0] < 1);
        assertThat(seen[0]).isEqualTo(1);
        assertThat(consumed).isEqualTo(3);
    }

    @Test
    void badFramesAreRefused() {
        Collect sink = new Collect();
        assertThatThrownBy(() -> WsFrames.decode(new byte[] {(byte) 0xC1, 0}, 0, 2, 1024, sink))
                .isInstanceOf(WsFrames.ProtocolException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> WsFrames.decode(new byte[] {(byte) 0x83, 0}, 0, 2, 1024, sink))
                .hasMessageContaining("opcode");
        assertThatThrownBy(() -> WsFrames.decode(new byte[] {(byte) 0x09, 0}, 0, 2, 1024, sink))
                .hasMessageContaining("control");
        byte[] tooBig = serverFrame(true, WsFrames.TEXT, new byte[2000]);
        assertThatThrownBy(() -> WsFrames.decode(tooBig, 0, 4, 1024, sink)).hasMessageContaining("2000");
    }

    @Test
    void theUpgradeRequestCarriesItsKeyAndTheAnswerIsChecked() throws Exception {
        WsFrames.UpgradeTemplate template = WsFrames.UpgradeTemplate.of("127.0.0.1:8090", "/");
        byte[] key = WsFrames.newKey(new Random(1));
        String request = new String(template.request(key), StandardCharsets.US_ASCII);
        assertThat(request).startsWith("GET / HTTP/1.1\r\nHost: 127.0.0.1:8090\r\n")
                .contains("Sec-WebSocket-Key: " + new String(key, StandardCharsets.US_ASCII) + "\r\n")
                .contains("Sec-WebSocket-Version: 13\r\n").endsWith("\r\n\r\n");
        // RFC 6455 section 1.3's example.
        byte[] accept = WsFrames.acceptFor(ascii("dGhlIHNhbXBsZSBub25jZQ=="), WsFrames.sha1());
        assertThat(new String(accept, StandardCharsets.US_ASCII)).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        byte[] answer = ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\u0081\u0002{}");
        assertThat(WsFrames.upgradeAnswer(answer, answer.length - 5, accept)).isEqualTo(-1);
        assertThat(WsFrames.upgradeAnswer(answer, answer.length, accept)).isEqualTo(answer.length - 4);
        byte[] wrong = WsFrames.acceptFor(ascii("AAAAAAAAAAAAAAAAAAAAAA=="), WsFrames.sha1());
        assertThatThrownBy(() -> WsFrames.upgradeAnswer(answer, answer.length, wrong))
                .hasMessageContaining("wrong Sec-WebSocket-Accept");
        byte[] refused = ascii("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> WsFrames.upgradeAnswer(refused, refused.length, accept))
                .hasMessageContaining("refused");
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
