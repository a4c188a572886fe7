package dev.simplepush.transport.websocket;

import static dev.simplepush.transport.websocket.RawWebSocket.concat;
import static dev.simplepush.transport.websocket.RawWebSocket.continuation;
import static dev.simplepush.transport.websocket.RawWebSocket.frame;
import static dev.simplepush.transport.websocket.RawWebSocket.ping;
import static dev.simplepush.transport.websocket.RawWebSocket.pong;
import static dev.simplepush.transport.websocket.RawWebSocket.text;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.BINARY;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.CLOSE;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.CONTINUATION;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.PONG;
import static dev.simplepush.transport.websocket.internal.frame.FrameReader.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.transport.websocket.RawWebSocket.Length;
import dev.simplepush.transport.websocket.RawWebSocket.ServerFrame;
import dev.simplepush.transport.websocket.internal.frame.FrameReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The device WebSocket at the frame level, against what RFC 6455 requires of a server: every frame is written byte
 * for byte by {@link RawWebSocket}, so the test holds for any frame layer behind the transport.
 */
class RawFrameIT {

    /** RFC 6455 §7.4.1: the endpoint is terminating the connection due to a protocol error. */
    private static final int PROTOCOL_ERROR = 1002;
    private static final String HELLO = "{\"messageType\":\"hello\"}";
    /** A hello with one extra field, whose string value is still to be written. */
    private static final String PADDED_HELLO_PREFIX = "{\"messageType\":\"hello\",\"pad\":\"";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- Server frames ----------------------------------------------------------------------------------------------

    @Test
    void serverFramesAreUnmaskedFinalTextFrames() {
        // RFC 6455 §5.1: a server MUST NOT mask its frames; §5.2, §5.6: the reply is one text frame with FIN set.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text(HELLO));
            ServerFrame reply = webSocket.read();
            assertThat(reply.masked()).as("masked").isFalse();
            assertThat(reply.fin()).as("FIN").isTrue();
            assertThat(reply.rsv()).as("RSV bits").isZero();
            assertThat(reply.opcode()).as("opcode").isEqualTo(TEXT);
            assertHelloReply(reply.text());
        }
    }

    // --- Fragmentation and control frames ---------------------------------------------------------------------------

    @Test
    void textFrameAndContinuationsAreOneMessage() {
        // RFC 6455 §5.4: text (FIN=0), continuation (FIN=0), continuation (FIN=1) make one message.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text("{\"messageTy").fin(false));
            webSocket.send(continuation("pe\":\"hel").fin(false));
            webSocket.send(continuation("lo\"}"));
            assertHelloReply(webSocket.readMessage());
        }
    }

    @Test
    void pingBetweenFragmentsIsAnsweredAndTheMessageStillProcessed() {
        // RFC 6455 §5.4: control frames may be injected between fragments; §5.5.2: a ping is answered by a pong.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text("{\"messageType\":").fin(false));
            webSocket.send(ping(utf8("between")));
            webSocket.send(continuation("\"hello\"}"));
            ServerFrame first = webSocket.read();
            ServerFrame second = webSocket.read();
            ServerFrame pong = first.opcode() == PONG ? first : second;
            ServerFrame reply = pong == first ? second : first;
            assertPong(pong, utf8("between"));
            assertThat(reply.opcode()).as("opcode of the reply").isEqualTo(TEXT);
            assertHelloReply(reply.text());
        }
    }

    @Test
    void pingIsAnsweredByPongWithTheSamePayload() {
        // RFC 6455 §5.5.2, §5.5.3: the pong carries the ping's application data unchanged (any bytes, up to 125).
        byte[] payload = new byte[125];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (0x80 + 7 * i);
        }
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(ping(payload));
            assertPong(webSocket.read(), payload);
        }
    }

    @Test
    void unsolicitedPongIsIgnored() {
        // RFC 6455 §5.5.3: an unsolicited pong is allowed and expects no response.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(pong(utf8("unsolicited")));
            assertHelloAnswered(webSocket);
        }
    }

    // --- Payload length forms and the message limit -----------------------------------------------------------------

    @Test
    void sixteenBitLengthFormIsAccepted() {
        // RFC 6455 §5.2: length 126, then a 16-bit length, for payloads of 126 to 65535 bytes.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text(paddedHello(300)).length(Length.BITS_16));
            assertHelloReply(webSocket.readMessage());
        }
    }

    @Test
    void sixtyFourBitLengthFormIsAcceptedWithinTheLimit() {
        // RFC 6455 §5.2: length 127, then a 64-bit length, for payloads over 65535 bytes; here exactly the limit.
        String hello = paddedHello(WebSocketConfig.DEFAULT_MAX_FRAME_BYTES);
        assertThat(hello.length()).as("a length only the 64-bit form can carry").isGreaterThan(0xFFFF);
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text(hello).length(Length.BITS_64));
            assertHelloReply(webSocket.readMessage());
        }
    }

    @Test
    void fragmentedMessageOverTheLimitCloses1009() {
        // RFC 6455 §7.4.1: 1009, a message too big to process; the limit holds for the message, not each fragment.
        int fragment = WebSocketConfig.DEFAULT_MAX_FRAME_BYTES / 4;
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text(PADDED_HELLO_PREFIX).fin(false));
            for (int i = 0; i < 4; i++) {
                webSocket.send(continuation("x".repeat(fragment)).fin(false));
            }
            assertClosesWith(webSocket, CloseCodes.MESSAGE_TOO_BIG);
        }
    }

    // --- Frames and TCP segments ------------------------------------------------------------------------------------

    @Test
    void frameArrivingOneByteAtATimeIsProcessed() {
        // RFC 6455 §5.2: frames are parsed from a TCP byte stream; how the stream is split into segments means nothing.
        try (RawWebSocket webSocket = connect()) {
            webSocket.writeByteByByte(text(HELLO).bytes(), Duration.ofMillis(3));
            assertHelloReply(webSocket.readMessage());
        }
    }

    @Test
    void twoFramesInOneWriteAreBothProcessedInOrder() {
        // RFC 6455 §5.2, §5.4: each frame of the byte stream is a message, delivered in the order sent.
        try (RawWebSocket webSocket = connect()) {
            webSocket.writeRaw(concat(text(HELLO).bytes(), text("{}").bytes()));
            assertHelloReply(webSocket.readMessage());
            assertThat(webSocket.readMessage()).isEqualTo("{}");
        }
    }

    @Test
    void frameInTheSameWriteAsTheHandshakeIsProcessed() {
        // RFC 6455 §4.1 has a client wait for the 101, yet TCP may deliver its first frame with the request (a proxy,
        // an eager client): the bytes after the request's blank line are the first frame (§5.2) and must not be lost.
        try (RawWebSocket webSocket = RawWebSocket.connect(server.webSocketUri(), text(HELLO).bytes())) {
            assertHelloReply(webSocket.readMessage());
        }
    }

    // --- Protocol errors --------------------------------------------------------------------------------------------

    @Test
    void unmaskedClientFrameCloses1002AndTheServerEndsTheConnection() {
        // RFC 6455 §5.1: the server MUST close the connection on an unmasked client frame, after a close 1002.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text(HELLO).unmasked());
            assertClosesAndEnds(webSocket, PROTOCOL_ERROR);
        }
    }

    @ParameterizedTest(name = "RSV bits {0}")
    @ValueSource(ints = {4, 2, 1})
    void reservedBitWithoutNegotiatedExtensionCloses1002(int rsv) {
        // RFC 6455 §5.2: a nonzero RSV bit that no negotiated extension defines fails the connection.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text(HELLO).rsv(rsv));
            assertClosesWith(webSocket, PROTOCOL_ERROR);
        }
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x3, 0xB})
    void reservedOpcodeCloses1002(int opcode) {
        // RFC 6455 §5.2: an unknown opcode fails the connection.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(frame(opcode).payload(HELLO));
            assertClosesWith(webSocket, PROTOCOL_ERROR);
        }
    }

    @Test
    void controlFrameWithPayloadOver125BytesCloses1002() {
        // RFC 6455 §5.5: all control frames MUST have a payload of 125 bytes or less.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(ping(new byte[126]));
            assertClosesWith(webSocket, PROTOCOL_ERROR);
        }
    }

    @Test
    void fragmentedControlFrameCloses1002() {
        // RFC 6455 §5.5: control frames MUST NOT be fragmented.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(ping(utf8("part")).fin(false));
            assertClosesWith(webSocket, PROTOCOL_ERROR);
        }
    }

    @Test
    void continuationWithoutAStartedMessageCloses1002() {
        // RFC 6455 §5.4: a continuation frame only continues a message begun by a text or binary frame with FIN=0.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(continuation(HELLO));
            assertClosesWith(webSocket, PROTOCOL_ERROR);
        }
    }

    @Test
    void newTextFrameWhileAFragmentedMessageIsOpenCloses1002() {
        // RFC 6455 §5.4: fragments of one message MUST NOT be interleaved with another message.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(text("{\"messageType\":").fin(false));
            webSocket.send(text(HELLO));
            assertClosesWith(webSocket, PROTOCOL_ERROR);
        }
    }

    // --- UTF-8 ------------------------------------------------------------------------------------------------------

    @Test
    void invalidUtf8InTextMessageCloses1007() {
        // RFC 6455 §8.1, §7.4.1: a text message that is not valid UTF-8 fails the connection with 1007.
        byte[] hello = concat(utf8(PADDED_HELLO_PREFIX), new byte[] {(byte) 0xC3, 0x28}, utf8("\"}"));
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(frame(TEXT).payload(hello));
            assertClosesWith(webSocket, CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void textWithZeroBytesThatLookLikeUtf32Closes1007() {
        // Valid UTF-8 but not JSON (P1.3). Jackson took the zero bytes for UTF-32 and failed with an IOException that
        // escaped the read listener: the device got no answer and its socket stayed open.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(frame(TEXT).payload(new byte[] {0, 0, 0, ' ', 0, 0, 0, ' ', 0}));
            assertClosesWith(webSocket, CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void textWithZeroBytesThatLookLikeUtf16IsNotAPingButCloses1007() {
        // "{\0}\0" is no JSON in UTF-8; read as UTF-16LE it was "{}", a ping answered with {} (P6.1).
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(frame(TEXT).payload(new byte[] {'{', 0, '}', 0}));
            assertClosesWith(webSocket, CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void utf8CharacterSplitAcrossFragmentsIsValid() {
        // RFC 6455 §5.6, §8.1: the message as a whole must be UTF-8, not each fragment; a character may span two.
        byte[] hello = utf8(PADDED_HELLO_PREFIX + "\uD83D\uDE00\"}"); // U+1F600: F0 9F 98 80
        int split = utf8(PADDED_HELLO_PREFIX).length + 2;
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(frame(TEXT).fin(false).payload(Arrays.copyOfRange(hello, 0, split)));
            webSocket.send(frame(CONTINUATION).payload(Arrays.copyOfRange(hello, split, hello.length)));
            assertHelloReply(webSocket.readMessage());
        }
    }

    // --- Closing ----------------------------------------------------------------------------------------------------

    @Test
    void clientCloseIsAnsweredWithClose1000AndTheServerEndsTheConnection() {
        // RFC 6455 §5.5.1: a close frame is answered by a close frame; §7.1.1: then the server closes TCP first.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(RawWebSocket.close(CloseCodes.NORMAL, "bye"));
            assertClosesAndEnds(webSocket, CloseCodes.NORMAL);
        }
    }

    @Test
    void closeFrameWithOneBytePayloadCloses1002() {
        // RFC 6455 §5.5.1: a close frame's body, if any, starts with a 2-byte status code.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(frame(CLOSE).payload(new byte[] {0x03}));
            assertClosesAndEnds(webSocket, PROTOCOL_ERROR);
        }
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {999, 1005, 1006, 5000})
    void closeCodeThatMayNotBeSentCloses1002(int code) {
        // RFC 6455 §7.4.1, §7.4.2: 1005 and 1006 MUST NOT be sent, codes below 1000 and from 5000 on are not defined.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(RawWebSocket.close(code, ""));
            assertClosesAndEnds(webSocket, PROTOCOL_ERROR);
        }
    }

    @Test
    void emptyCloseFrameIsAnsweredWithCloseAndTheServerEndsTheConnection() {
        // RFC 6455 §5.5.1: a close frame may have no body; it is answered by an empty close or one with 1000.
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(frame(CLOSE));
            assertThat(webSocket.readClose().code()).isIn(FrameReader.NO_STATUS, CloseCodes.NORMAL);
            webSocket.awaitEof();
        }
        assertServerStillServes();
    }

    @Test
    void binaryFrameCloses1003AndTheServerEndsTheConnectionAfterTheEcho() {
        // RFC 6455 §7.4.1: 1003, a type of data the endpoint cannot accept (this protocol is text only).
        try (RawWebSocket webSocket = connect()) {
            webSocket.send(frame(BINARY).payload("{}"));
            assertClosesWith(webSocket, CloseCodes.UNSUPPORTED_DATA);
        }
    }

    // --- Helpers ----------------------------------------------------------------------------------------------------

    private static RawWebSocket connect() {
        return RawWebSocket.connect(server.webSocketUri());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A hello of exactly {@code length} bytes, padded with an extra field. */
    private static String paddedHello(int length) {
        String hello = PADDED_HELLO_PREFIX + "x".repeat(length - PADDED_HELLO_PREFIX.length() - 2) + "\"}";
        assertThat(hello).hasSize(length);
        return hello;
    }

    private static void assertHelloReply(String reply) {
        assertThat(reply).startsWith("{\"messageType\":\"hello\",\"uaid\":\"").endsWith("\"status\":200}");
    }

    private static void assertHelloAnswered(RawWebSocket webSocket) {
        webSocket.send(text(HELLO));
        assertHelloReply(webSocket.readMessage());
    }

    private static void assertPong(ServerFrame frame, byte[] payload) {
        assertThat(frame.opcode()).as("opcode").isEqualTo(PONG);
        assertThat(frame.fin()).as("FIN").isTrue();
        assertThat(frame.masked()).as("masked").isFalse();
        assertThat(frame.payload()).as("pong payload").isEqualTo(payload);
    }

    /** The server still takes new connections and answers them. */
    private static void assertServerStillServes() {
        try (RawWebSocket webSocket = connect()) {
            assertHelloAnswered(webSocket);
        }
    }

    /**
     * The server's next frame is a close frame with {@code code} (nothing of the offending frame was processed); the
     * client echoes it (RFC 6455 §5.5.1) and the server ends the TCP connection (§7.1.1). The server still serves.
     */
    private static void assertClosesWith(RawWebSocket webSocket, int code) {
        RawWebSocket.Close close = webSocket.readClose();
        assertThat(close.code()).as("close code, reason '%s'", close.reason()).isEqualTo(code);
        webSocket.answerClose(close);
        webSocket.awaitEof();
        assertServerStillServes();
    }

    /**
     * The server's next frame is a close frame with {@code code}, then the server ends the TCP connection without
     * waiting for anything more from the client (it already sent a close frame, or must not be heard any longer:
     * RFC 6455 §7.1.7). The server still serves.
     */
    private static void assertClosesAndEnds(RawWebSocket webSocket, int code) {
        RawWebSocket.Close close = webSocket.readClose();
        assertThat(close.code()).as("close code, reason '%s'", close.reason()).isEqualTo(code);
        webSocket.awaitEof();
        assertServerStillServes();
    }
}
