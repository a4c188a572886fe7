package dev.simplepush.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 6455 framing for the load tool's own WebSocket client: the HTTP upgrade request and the check of its answer,
 * masked client frames, and a stateless scan of the (unmasked) frames a server sends. Text frames carry the
 * protocol; close, ping and pong are handled; binary frames are reported for the caller to refuse.
 *
 * <p>Stateless and thread-safe apart from {@link #acceptFor}, which takes the caller's {@link MessageDigest}.
 */
final class WsFrames {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Bytes of a masked client frame header at most (2 + 8 length + 4 mask). */
    static final int MAX_HEADER = 14;

    private static final byte[] GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] ACCEPT = "sec-websocket-accept:".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY_PLACEHOLDER = "x".repeat(24);

    /** A frame the server sent is not what RFC 6455 allows a server to send. */
    static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message, null, false, false);
        }
    }

    /** Receives the frames that {@link #decode} finds. */
    interface Sink {
        /**
         * One complete frame; its payload is {@code bytes[offset, offset + length)} and valid only during the
         * call. Returns false to stop decoding (the connection is closing).
         */
        boolean frame(boolean fin, int opcode, byte[] bytes, int offset, int length);
    }

    private WsFrames() {
    }

    /** The upgrade request for {@code hostPort} with a placeholder key, and where the 24-byte key goes. */
    record UpgradeTemplate(byte[] bytes, int keyOffset) {

        static UpgradeTemplate of(String hostPort, String path) {
            String text = "GET " + path + " HTTP/1.1\r\nHost: " + hostPort
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY_PLACEHOLDER
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            return new UpgradeTemplate(text.getBytes(StandardCharsets.US_ASCII), text.indexOf(KEY_PLACEHOLDER));
        }

        /** One request: the template with {@code key} (24 base64 bytes) in place. */
        byte[] request(byte[] key) {
            byte[] request = bytes.clone();
            System.arraycopy(key, 0, request, keyOffset, 24);
            return request;
        }
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes in base64 (24 ASCII bytes). */
    static byte[] newKey(java.util.random.RandomGenerator random) {
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        return Base64.getEncoder().encode(raw);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
    static byte[] acceptFor(byte[] key, MessageDigest sha1) {
        sha1.reset();
        sha1.update(key);
        sha1.update(GUID);
        return Base64.getEncoder().encode(sha1.digest());
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Scans an upgrade answer in {@code bytes[0, length)}. Returns the index just past its header (where frames
     * may already follow), -1 while the header is incomplete.
     *
     * @throws ProtocolException if it is not a {@code 101} or its {@code Sec-WebSocket-Accept} does not match
     */
    static int upgradeAnswer(byte[] bytes, int length, byte[] expectedAccept) throws ProtocolException {
        int end = indexOf(bytes, 0, length, HEADER_END);
        if (end < 0) {
            return -1;
        }
        if (end < 12 || bytes[9] != '1' || bytes[10] != '0' || bytes[11] != '1') {
            throw new ProtocolException("upgrade refused: "
                    + new String(bytes, 0, Math.min(end, 40), StandardCharsets.ISO_8859_1));
        }
        if (expectedAccept != null) {
            int at = indexOfIgnoreCase(bytes, 0, end, ACCEPT);
            if (at < 0) {
                throw new ProtocolException("no Sec-WebSocket-Accept");
            }
            int v = at + ACCEPT.length;
            while (v < end && bytes[v] == ' ') {
                v++;
            }
            if (end - v < expectedAccept.length) {
                throw new ProtocolException("short Sec-WebSocket-Accept");
            }
            for (int i = 0; i < expectedAccept.length; i++) {
                if (bytes[v + i] != expectedAccept[i]) {
                    throw new ProtocolException("wrong Sec-WebSocket-Accept");
                }
            }
        }
        return end + HEADER_END.length;
    }

    /** Header bytes of a masked client frame with {@code length} bytes of payload. */
    static int headerLength(int length) {
        return (length < 126 ? 2 : length <= 0xFFFF ? 4 : 10) + 4;
    }

    /**
     * Writes one final, masked client frame with payload {@code payload[offset, offset + length)} into {@code out}
     * at {@code position}, masking with {@code maskKey} while copying. Returns the position after it.
     */
    static int encode(byte[] out, int position, int opcode, byte[] payload, int offset, int length, int maskKey) {
        int p = position;
        out[p++] = (byte) (0x80 | opcode);
        if (length < 126) {
            out[p++] = (byte) (0x80 | length);
        } else if (length <= 0xFFFF) {
            out[p++] = (byte) (0x80 | 126);
            out[p++] = (byte) (length >>> 8);
            out[p++] = (byte) length;
        } else {
            out[p++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[p++] = (byte) ((long) length >>> shift);
            }
        }
        byte m0 = (byte) (maskKey >>> 24);
        byte m1 = (byte) (maskKey >>> 16);
        byte m2 = (byte) (maskKey >>> 8);
        byte m3 = (byte) maskKey;
        out[p++] = m0;
        out[p++] = m1;
        out[p++] = m2;
        out[p++] = m3;
        int i = 0;
        for (int quads = length & ~3; i < quads; i += 4) {
            out[p++] = (byte) (payload[offset + i] ^ m0);
            out[p++] = (byte) (payload[offset + i + 1] ^ m1);
            out[p++] = (byte) (payload[offset + i + 2] ^ m2);
            out[p++] = (byte) (payload[offset + i + 3] ^ m3);
        }
        for (; i < length; i++) {
            out[p++] = (byte) (payload[offset + i] ^ (maskKey >>> (24 - 8 * (i & 3))));
        }
        return p;
    }

    /**
     * Hands every complete frame in {@code bytes[offset, end)} to {@code sink} (unmasking a masked one in place)
     * and returns the index of the first byte not consumed: the start of an incomplete frame, or {@code end}.
     *
     * @throws ProtocolException for reserved bits, an unknown opcode, a fragmented or oversized control frame, or a
     *     frame longer than {@code maxPayload}
     */
    static int decode(byte[] bytes, int offset, int end, int maxPayload, Sink sink) throws ProtocolException {
        int p = offset;
        while (end - p >= 2) {
            int b0 = bytes[p] & 0xFF;
            int b1 = bytes[p + 1] & 0xFF;
            if ((b0 & 0x70) != 0) {
                throw new ProtocolException("reserved bits set");
            }
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            boolean masked = (b1 & 0x80) != 0;
            long length = b1 & 0x7F;
            int h = p + 2;
            if (length == 126) {
                if (end - h < 2) {
                    return p;
                }
                length = ((bytes[h] & 0xFF) << 8) | (bytes[h + 1] & 0xFF);
                h += 2;
            } else if (length == 127) {
                if (end - h < 8) {
                    return p;
                }
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | (bytes[h + i] & 0xFF);
                }
                h += 8;
            }
            if (opcode >= CLOSE) {
                if (opcode > PONG) {
                    throw new ProtocolException("unknown opcode " + opcode);
                }
                if (!fin || length > 125) {
                    throw new ProtocolException("bad control frame");
                }
            } else if (opcode > BINARY) {
                throw new ProtocolException("unknown opcode " + opcode);
            }
            if (length > maxPayload || length < 0) {
                throw new ProtocolException("frame of " + length + " bytes");
            }
            int key = 0;
            if (masked) {
                if (end - h < 4) {
                    return p;
                }
                key = ((bytes[h] & 0xFF) << 24) | ((bytes[h + 1] & 0xFF) << 16) | ((bytes[h + 2] & 0xFF) << 8)
                        | (bytes[h + 3] & 0xFF);
                h += 4;
            }
            if (end - h < length) {
                return p;
            }
            int n = (int) length;
            if (masked) {
                for (int i = 0; i < n; i++) {
                    bytes[h + i] ^= (byte) (key >>> (24 - 8 * (i & 3)));
                }
            }
            p = h + n;
            if (!sink.frame(fin, opcode, bytes, h, n)) {
                return p;
            }
        }
        return p;
    }

    /** The status code of a close frame's payload, 1005 (no status) when it has none. */
    static int closeCode(byte[] bytes, int offset, int length) {
        return length >= 2 ? ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF) : 1005;
    }

    static int indexOf(byte[] bytes, int from, int to, byte[] pattern) {
        return indexOf(bytes, from, to, pattern, pattern.length);
    }

    /** The first index of the first {@code patternLength} bytes of {@code pattern} in {@code bytes[from, to)}. */
    static int indexOf(byte[] bytes, int from, int to, byte[] pattern, int patternLength) {
        outer:
        for (int i = from; i <= to - patternLength; i++) {
            for (int j = 0; j < patternLength; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Like {@link #indexOf}; {@code lowerPattern} is lower-case ASCII. */
    private static int indexOfIgnoreCase(byte[] bytes, int from, int to, byte[] lowerPattern) {
        outer:
        for (int i = from; i <= to - lowerPattern.length; i++) {
            for (int j = 0; j < lowerPattern.length; j++) {
                int b = bytes[i + j];
                if (b >= 'A' && b <= 'Z') {
                    b += 'a' - 'A';
                }
                if (b != lowerPattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
