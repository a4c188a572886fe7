package dev.simplepush.transport.websocket.internal.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the frames a server sends (RFC 6455 §5.2): text, pong and close. The writing half of {@link FrameReader}:
 * a server's frames are never masked, and each is encoded whole into a fresh heap buffer, ready to be written.
 *
 * <p>Stateless and thread-safe.
 */
public final class FrameWriter {

    /** A close frame's payload is at most 125 bytes, two of them the code (RFC 6455 §5.5). */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private FrameWriter() {
    }

    /** A final text frame carrying {@code payload}, which must be valid UTF-8. */
    public static ByteBuffer text(byte[] payload) {
        return frame(FrameReader.TEXT, payload);
    }

    /** The pong answering a ping with {@code payload} (RFC 6455 §5.5.3). */
    public static ByteBuffer pong(byte[] payload) {
        return frame(FrameReader.PONG, payload);
    }

    /**
     * A close frame with {@code code} and {@code reason}, cut to the 123 bytes a close frame can carry; without a
     * payload when {@code code} is {@link FrameReader#NO_STATUS}, which is never sent on the wire (RFC 6455 §7.1.5).
     */
    public static ByteBuffer close(int code, String reason) {
        if (code == FrameReader.NO_STATUS) {
            return frame(FrameReader.CLOSE, new byte[0]);
        }
        byte[] text = truncated(reason).getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return frame(FrameReader.CLOSE, payload);
    }

    /** A final frame of {@code opcode} carrying {@code payload}. */
    public static ByteBuffer frame(int opcode, byte[] payload) {
        return open(opcode, payload.length).put(payload).flip();
    }

    /**
     * A final text frame whose payload of {@code length} bytes the caller writes: the header is written, and the
     * buffer is positioned at the payload with exactly {@code length} bytes left. Flip it once written.
     */
    public static ByteBuffer text(int length) {
        return open(FrameReader.TEXT, length);
    }

    private static ByteBuffer open(int opcode, int length) {
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + length);
        frame.put((byte) (0x80 | opcode));
        if (length <= 125) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame;
    }

    private static String truncated(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        String cut = new String(utf8, 0, MAX_CLOSE_REASON_BYTES, StandardCharsets.UTF_8);
        // A code point split by the cut decodes as U+FFFD: drop it.
        while (cut.endsWith("\uFFFD")) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }
}
