package dev.simplepush.transport.websocket.internal.frame;

import dev.simplepush.core.protocol.CloseCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads the frames a WebSocket client sends (RFC 6455 §5), incrementally: bytes may arrive one at a time or many
 * frames at once. Hands complete text messages, pings, pongs and close frames to a {@link Handler}. The writing half
 * is {@link FrameWriter}.
 *
 * <p>Lean by design, since one exists per device socket: between messages it holds no buffer at all, only a few
 * scalar fields. The bytes of a text message are kept only while it arrives, never more than the limit; a message
 * over the limit is reported before its payload is read, and its bytes are then skipped.
 *
 * <p>Not thread-safe: one I/O thread feeds it.
 */
public final class FrameReader {

    /** What the reader found; called on the feeding thread. */
    public interface Handler {

        /** A complete text message of valid UTF-8, in {@code bytes[0..length)}; the array is the handler's. */
        void text(byte[] bytes, int length);

        /** A binary data frame started; its payload is skipped. */
        void binary();

        /** A ping; {@code payload} is at most 125 bytes and the handler's. */
        void ping(byte[] payload);

        /** The client's close frame; {@code code} is {@link #NO_STATUS} when it carried none. */
        void closeReceived(int code, String reason);

        /**
         * The connection is to be closed with {@code code}. After a protocol error (1002, RFC 6455 §7.1.7) the reader
         * reads nothing more; after a message over the limit (1009) or invalid UTF-8 (1007) the frames themselves
         * were well formed, so it goes on reading, and the client's close frame can still be seen.
         */
        void fail(int code, String reason);
    }

    /** The code a close frame without status stands for (RFC 6455 §7.1.5); never sent on the wire. */
    public static final int NO_STATUS = 1005;
    /** The close code of a breach of RFC 6455 framing; nothing more is read. */
    public static final int PROTOCOL_ERROR = 1002;

    /** Opcode of a continuation frame (RFC 6455 §5.2). */
    public static final int CONTINUATION = 0x0;
    /** Opcode of a text frame. */
    public static final int TEXT = 0x1;
    /** Opcode of a binary frame. */
    public static final int BINARY = 0x2;
    /** Opcode of a close frame. */
    public static final int CLOSE = 0x8;
    /** Opcode of a ping. */
    public static final int PING = 0x9;
    /** Opcode of a pong. */
    public static final int PONG = 0xA;

    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int INITIAL_MESSAGE_CAPACITY = 256;

    // Where in a frame the next byte belongs.
    private static final int FIRST_BYTE = 0;
    private static final int SECOND_BYTE = 1;
    private static final int EXTENDED_LENGTH = 2;
    private static final int MASK = 3;
    private static final int PAYLOAD = 4;
    private static final int FAILED = 5;

    // What the data frames being received belong to.
    private static final int NO_MESSAGE = 0;
    private static final int TEXT_MESSAGE = 1;
    private static final int SKIPPED_MESSAGE = 2;

    private final int maxMessageBytes;

    private int stage = FIRST_BYTE;
    private boolean fin;
    private int opcode;
    private int pendingBytes;
    private long payloadLength;
    private long payloadRead;
    private int maskKey;

    private int message = NO_MESSAGE;
    /** The text message arriving, absent between messages and while one is skipped. */
    private byte @Nullable [] messageBytes;
    private int messageLength;
    /** The payload of the control frame arriving, absent otherwise. */
    private byte @Nullable [] control;

    /**
     * A reader for one connection, for text messages of at most {@code maxMessageBytes}.
     *
     * @throws IllegalArgumentException if {@code maxMessageBytes} is below 1
     */
    public FrameReader(int maxMessageBytes) {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1: " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Whether the reader failed and reads nothing more. */
    public boolean failed() {
        return stage == FAILED;
    }

    /**
     * The bytes the reader holds now, for tests: the capacity kept for the text message arriving and the payload of
     * the control frame arriving. 0 between messages and after a protocol error; never more than the message limit
     * plus 125.
     */
    int heldBytes() {
        byte[] message = messageBytes;
        byte[] payload = control;
        return (message == null ? 0 : message.length) + (payload == null ? 0 : payload.length);
    }

    /** Consumes all of {@code input}, reporting to {@code handler} as frames complete. */
    public void feed(ByteBuffer input, Handler handler) {
        while (input.hasRemaining() && stage != FAILED) {
            switch (stage) {
                case FIRST_BYTE -> firstByte(input.get(), handler);
                case SECOND_BYTE -> secondByte(input.get(), handler);
                case EXTENDED_LENGTH -> {
                    payloadLength = (payloadLength << 8) | (input.get() & 0xFF);
                    if (--pendingBytes == 0) {
                        lengthKnown(handler);
                    }
                }
                case MASK -> {
                    maskKey = (maskKey << 8) | (input.get() & 0xFF);
                    if (--pendingBytes == 0) {
                        payloadStarts(handler);
                    }
                }
                case PAYLOAD -> payload(input, handler);
                default -> throw new IllegalStateException("stage " + stage);
            }
        }
    }

    private void firstByte(byte b, Handler handler) {
        fin = (b & 0x80) != 0;
        opcode = b & 0x0F;
        if ((b & 0x70) != 0) {
            fail(handler, PROTOCOL_ERROR, "reserved bits set without an extension");
            return;
        }
        boolean controlFrame = (opcode & 0x08) != 0;
        if (controlFrame) {
            if (opcode != CLOSE && opcode != PING && opcode != PONG) {
                fail(handler, PROTOCOL_ERROR, "reserved opcode " + opcode);
            } else if (!fin) {
                fail(handler, PROTOCOL_ERROR, "fragmented control frame");
            }
        } else if (opcode == CONTINUATION) {
            if (message == NO_MESSAGE) {
                fail(handler, PROTOCOL_ERROR, "continuation frame without a message");
            }
        } else if (opcode == TEXT || opcode == BINARY) {
            if (message != NO_MESSAGE) {
                fail(handler, PROTOCOL_ERROR, "new message before the previous one ended");
            }
        } else {
            fail(handler, PROTOCOL_ERROR, "reserved opcode " + opcode);
        }
        if (stage != FAILED) {
            stage = SECOND_BYTE;
        }
    }

    private void secondByte(byte b, Handler handler) {
        if ((b & 0x80) == 0) {
            fail(handler, PROTOCOL_ERROR, "client frames must be masked");
            return;
        }
        int length = b & 0x7F;
        payloadLength = 0;
        if (length == 126) {
            pendingBytes = 2;
            stage = EXTENDED_LENGTH;
        } else if (length == 127) {
            pendingBytes = 8;
            stage = EXTENDED_LENGTH;
        } else {
            payloadLength = length;
            lengthKnown(handler);
        }
    }

    private void lengthKnown(Handler handler) {
        if (payloadLength < 0) {
            fail(handler, PROTOCOL_ERROR, "payload length over 2^63");
            return;
        }
        if ((opcode & 0x08) != 0 && payloadLength > MAX_CONTROL_PAYLOAD) {
            fail(handler, PROTOCOL_ERROR, "control frame payload over 125 bytes");
            return;
        }
        pendingBytes = 4;
        maskKey = 0;
        stage = MASK;
    }

    private void payloadStarts(Handler handler) {
        payloadRead = 0;
        stage = PAYLOAD;
        if (opcode == TEXT) {
            message = TEXT_MESSAGE;
            messageLength = 0;
            if (payloadLength > maxMessageBytes) {
                tooBig(handler);
            } else {
                int capacity = fin ? (int) payloadLength : Math.max((int) payloadLength, INITIAL_MESSAGE_CAPACITY);
                messageBytes = new byte[Math.min(capacity, maxMessageBytes)];
            }
        } else if (opcode == BINARY) {
            message = SKIPPED_MESSAGE;
            handler.binary();
        } else if (opcode == CONTINUATION && message == TEXT_MESSAGE) {
            if (payloadLength > maxMessageBytes - messageLength) {
                tooBig(handler);
            }
        } else if ((opcode & 0x08) != 0) {
            control = new byte[(int) payloadLength];
        }
        if (payloadLength == 0 && stage == PAYLOAD) {
            frameComplete(handler);
        }
    }

    private void tooBig(Handler handler) {
        messageBytes = null;
        message = SKIPPED_MESSAGE;
        fail(handler, CloseCodes.MESSAGE_TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
    }

    private void payload(ByteBuffer input, Handler handler) {
        int count = (int) Math.min(input.remaining(), payloadLength - payloadRead);
        byte[] target;
        int offset;
        if ((opcode & 0x08) != 0) {
            target = control;
            offset = (int) payloadRead;
        } else {
            target = messageBytes;
            offset = messageLength;
            if (target != null && messageLength + count > target.length) {
                target = Arrays.copyOf(target, Math.min(maxMessageBytes,
                        Math.max(2 * target.length, messageLength + count)));
                messageBytes = target;
            }
        }
        if (target == null) {
            input.position(input.position() + count);
        } else {
            input.get(target, offset, count);
            unmask(target, offset, count, payloadRead);
            if (target == messageBytes) {
                messageLength += count;
            }
        }
        payloadRead += count;
        if (payloadRead == payloadLength) {
            frameComplete(handler);
        }
    }

    private void unmask(byte[] bytes, int offset, int count, long position) {
        int key = maskKey;
        for (int i = 0; i < count; i++) {
            int shift = (3 - (int) ((position + i) & 3)) << 3;
            bytes[offset + i] ^= (byte) (key >>> shift);
        }
    }

    private void frameComplete(Handler handler) {
        stage = FIRST_BYTE;
        switch (opcode) {
            case TEXT, BINARY, CONTINUATION -> {
                if (fin) {
                    messageComplete(handler);
                }
            }
            case PING -> {
                byte[] payload = control;
                control = null;
                handler.ping(payload);
            }
            case PONG -> control = null;
            case CLOSE -> {
                byte[] payload = control;
                control = null;
                closeFrame(payload, handler);
            }
            default -> throw new IllegalStateException("opcode " + opcode);
        }
    }

    private void messageComplete(Handler handler) {
        int kind = message;
        byte[] bytes = messageBytes;
        int length = messageLength;
        message = NO_MESSAGE;
        messageBytes = null;
        messageLength = 0;
        if (kind != TEXT_MESSAGE || bytes == null) {
            return;
        }
        if (!Utf8.isValid(bytes, 0, length)) {
            fail(handler, CloseCodes.INVALID_PAYLOAD, "text message is not valid UTF-8");
            return;
        }
        handler.text(bytes, length);
    }

    private void closeFrame(byte[] payload, Handler handler) {
        if (payload.length == 0) {
            handler.closeReceived(NO_STATUS, "");
            return;
        }
        if (payload.length == 1) {
            fail(handler, PROTOCOL_ERROR, "close frame with a one-byte payload");
            return;
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!isValidCloseCode(code)) {
            fail(handler, PROTOCOL_ERROR, "invalid close code " + code);
            return;
        }
        if (!Utf8.isValid(payload, 2, payload.length - 2)) {
            fail(handler, CloseCodes.INVALID_PAYLOAD, "close reason is not valid UTF-8");
            return;
        }
        handler.closeReceived(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
    }

    /** The codes a close frame may carry (RFC 6455 §7.4, and the IANA registry). */
    static boolean isValidCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private void fail(Handler handler, int code, String reason) {
        if (code != PROTOCOL_ERROR) {
            handler.fail(code, reason);
            return;
        }
        stage = FAILED;
        messageBytes = null;
        control = null;
        handler.fail(code, reason);
    }
}
