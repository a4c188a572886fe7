package dev.simplepush.transport.websocket.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ClientMessage.Ack;
import dev.simplepush.core.protocol.ClientMessage.Hello;
import dev.simplepush.core.protocol.ClientMessage.Ping;
import dev.simplepush.core.protocol.ClientMessage.Register;
import dev.simplepush.core.protocol.ClientMessage.Unregister;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.ReplyError;
import dev.simplepush.core.protocol.ServerMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolCodecTest {

    private static final String C1 = "d9b74644-4f97-46aa-b8fa-9393985cd6cd";
    private static final String C2 = "6D1E7B5C2E6E4A7C9F0B2A1E5D3C4B6A";
    private static final String UAID = "0123456789abcdef0123456789abcdef";

    private static ClientMessage decode(String json) throws ProtocolCodec.MalformedFrameException {
        return ProtocolCodec.decode(json);
    }

    private static String encode(ServerMessage message) {
        return new String(ProtocolCodec.encode(message), StandardCharsets.UTF_8);
    }

    private static void assertCloses(String frame, int code) {
        assertThatThrownBy(() -> decode(frame))
                .isInstanceOf(ProtocolCodec.MalformedFrameException.class)
                .extracting(e -> ((ProtocolCodec.MalformedFrameException) e).closeCode())
                .isEqualTo(code);
    }

    @Nested
    class Hellos {

        @Test
        void fullHelloP2_1() throws Exception {
            assertThat(decode("{\"messageType\":\"hello\",\"uaid\":\"" + UAID + "\",\"channelIDs\":[\"" + C1 + "\",\""
                    + C2 + "\"]}"))
                    .isEqualTo(new Hello(Optional.of(UAID), Optional.of(List.of(C1, C2)), Optional.empty()));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "{\"messageType\":\"hello\"}",
            "{\"messageType\":\"hello\",\"uaid\":\"\"}",
            "{\"messageType\":\"hello\",\"uaid\":null}"})
        void absentEmptyOrNullUaidIsANewDeviceP2_1(String frame) throws Exception {
            assertThat(decode(frame)).isEqualTo(new Hello(Optional.empty(), Optional.empty(), Optional.empty()));
        }

        @Test
        void nonStringUaidIsPassedAsItsJsonTextForTheSessionToReject() throws Exception {
            assertThat(((Hello) decode("{\"messageType\":\"hello\",\"uaid\":42}")).uaid()).contains("42");
        }

        @Test
        void absentChannelIdsIsEmptyButAnEmptyListIsPresentP2_1() throws Exception {
            assertThat(((Hello) decode("{\"messageType\":\"hello\",\"uaid\":\"" + UAID + "\"}")).channelIds())
                    .isEmpty();
            assertThat(((Hello) decode("{\"messageType\":\"hello\",\"channelIDs\":[]}")).channelIds())
                    .contains(List.of());
            assertThat(((Hello) decode("{\"messageType\":\"hello\",\"channelIDs\":null}")).channelIds())
                    .isEmpty();
        }

        @Test
        void nonStringChannelIdsEntriesArePassedAsTheirJsonText() throws Exception {
            Hello hello = (Hello) decode("{\"messageType\":\"hello\",\"channelIDs\":[\"" + C1
                    + "\",7,null,{\"a\":[1]},true]}");
            assertThat(hello.channelIds()).contains(List.of(C1, "7", "null", "{\"a\":[1]}", "true"));
        }

        @Test
        void channelIdsThatIsNotAListBecomesOneUnmatchableEntry() throws Exception {
            assertThat(((Hello) decode("{\"messageType\":\"hello\",\"channelIDs\":\"x\"}")).channelIds())
                    .contains(List.of("x"));
        }

        @Test
        void wellFormedWakeupAddressP8_1() throws Exception {
            Hello hello = (Hello) decode("{\"messageType\":\"hello\",\"wakeup_hostport\":{\"ip\":\"10.1.2.3\","
                    + "\"port\":5000},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\",\"netid\":\"abc\"}}");
            assertThat(hello.wakeup()).contains(new WakeupAddress("10.1.2.3", 5000, "214", "07", Optional.of("abc")));
        }

        @Test
        void wakeupAddressWithoutNetidAndNumericCodes() throws Exception {
            Hello hello = (Hello) decode("{\"messageType\":\"hello\",\"mobilenetwork\":{\"mcc\":214,\"mnc\":7},"
                    + "\"wakeup_hostport\":{\"ip\":\"10.1.2.3\",\"port\":\"5000\"}}");
            assertThat(hello.wakeup()).contains(new WakeupAddress("10.1.2.3", 5000, "214", "7", Optional.empty()));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "\"wakeup_hostport\":{\"ip\":\"10.1.2.3\",\"port\":5000}",
            "\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\"}",
            "\"wakeup_hostport\":{\"ip\":\"10.1.2.3\",\"port\":0},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\"}",
            "\"wakeup_hostport\":{\"ip\":\"10.1.2.3\",\"port\":70000},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"7\"}",
            "\"wakeup_hostport\":{\"port\":5000},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\"}",
            "\"wakeup_hostport\":{\"ip\":5,\"port\":5000},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\"}",
            "\"wakeup_hostport\":{\"ip\":\"10.1.2.3\",\"port\":5000},\"mobilenetwork\":{\"mcc\":\"2x4\",\"mnc\":\"07\"}",
            "\"wakeup_hostport\":{\"ip\":\"10.1.2.3\",\"port\":5000},\"mobilenetwork\":{\"mnc\":\"07\"}",
            "\"wakeup_hostport\":{\"ip\":\"10.1.2.3\",\"port\":5000},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\","
                    + "\"netid\":5}",
            "\"wakeup_hostport\":\"10.1.2.3:5000\",\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\"}",
            "\"wakeup_hostport\":{\"ip\":\"10.1.2.3\",\"port\":5.5},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\"}"})
        void illFormedOrIncompleteWakeupIsAbsentP8_1(String fields) throws Exception {
            Hello hello = (Hello) decode("{\"messageType\":\"hello\"," + fields + "}");
            assertThat(hello.wakeup()).isEmpty();
        }
    }

    @Nested
    class Commands {

        @Test
        void registerAndUnregisterP3() throws Exception {
            assertThat(decode("{\"messageType\":\"register\",\"channelID\":\"" + C1 + "\"}"))
                    .isEqualTo(new Register(Optional.of(C1)));
            assertThat(decode("{\"channelID\":\"" + C2 + "\",\"messageType\":\"unregister\"}"))
                    .isEqualTo(new Unregister(Optional.of(C2)));
        }

        @Test
        void channelIdIsPassedExactlyAsSentEvenWhenNotAUuidP3_2() throws Exception {
            assertThat(decode("{\"messageType\":\"register\",\"channelID\":\"not-a-uuid\"}"))
                    .isEqualTo(new Register(Optional.of("not-a-uuid")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", ",\"channelID\":null", ",\"channelID\":5", ",\"channelID\":[\"x\"]"})
        void missingOrNonStringChannelIdIsEmptyP3_2(String field) throws Exception {
            assertThat(decode("{\"messageType\":\"register\"" + field + "}")).isEqualTo(new Register(Optional.empty()));
            assertThat(decode("{\"messageType\":\"unregister\"" + field + "}"))
                    .isEqualTo(new Unregister(Optional.empty()));
        }

        @Test
        void ackKeepsOnlyWellFormedEntriesP5_3() throws Exception {
            Ack ack = (Ack) decode("{\"messageType\":\"ack\",\"updates\":["
                    + "{\"channelID\":\"" + C1 + "\",\"version\":5},"
                    + "{\"version\":9223372036854775807,\"channelID\":\"" + C2 + "\",\"extra\":{}},"
                    + "{\"channelID\":\"bad\",\"version\":1},"
                    + "{\"channelID\":\"" + C1 + "\",\"version\":-1},"
                    + "{\"channelID\":\"" + C1 + "\",\"version\":\"3\"},"
                    + "{\"channelID\":\"" + C1 + "\",\"version\":1.5},"
                    + "{\"channelID\":\"" + C1 + "\",\"version\":9223372036854775808},"
                    + "{\"channelID\":\"" + C1 + "\"},"
                    + "{\"channelID\":5,\"version\":1},"
                    + "\"junk\",[1],null]}");
            assertThat(ack.updates()).containsExactly(
                    Update.of(ChannelId.of(C1), Version.of(5)),
                    Update.of(ChannelId.of(C2), Version.of(Long.MAX_VALUE)));
        }

        @Test
        void ackWithoutUpdatesIsEmpty() throws Exception {
            assertThat(decode("{\"messageType\":\"ack\"}")).isEqualTo(new Ack(List.of()));
            assertThat(decode("{\"messageType\":\"ack\",\"updates\":{}}")).isEqualTo(new Ack(List.of()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"HELLO", "Register", "unREGISTER", "Ack"})
        void messageTypeIsMatchedWithoutRegardToCaseP1_4(String type) throws Exception {
            assertThat(decode("{\"messageType\":\"" + type + "\"}").getClass().getSimpleName())
                    .isEqualToIgnoringCase(type);
        }

        @Test
        void unknownFieldsAreIgnoredP1_2() throws Exception {
            assertThat(decode("{\"x\":{\"y\":[1,{\"z\":null}]},\"messageType\":\"register\",\"q\":[],"
                    + "\"channelID\":\"" + C1 + "\"}"))
                    .isEqualTo(new Register(Optional.of(C1)));
        }
    }

    @Nested
    class Pings {

        @ParameterizedTest
        @ValueSource(strings = {"{}", " { } ", "{}\n"})
        void theEmptyObjectIsAPingP6_1(String frame) throws Exception {
            assertThat(decode(frame)).isSameAs(Ping.INSTANCE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"ping", "PING", "Ping", "pInG"})
        void messageTypePingInAnyCaseIsAPingP6_1(String type) throws Exception {
            assertThat(decode("{\"messageType\":\"" + type + "\"}")).isSameAs(Ping.INSTANCE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"foo\":1}", "{\" messageType \":\"hello\"}", "{\"messagetype\":\"hello\"}",
            "{\"uaid\":null}"})
        void anObjectWithFieldsButNoMessageTypeIsUnknownNotAPingP1_4(String frame) {
            assertCloses(frame, CloseCodes.POLICY_VIOLATION);
        }
    }

    @Nested
    class Malformed {

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "{", "{\"messageType\":\"hello\"", "hello", "{messageType:\"hello\"}",
            "{\"messageType\":\"hello\",}", "{} {}", "{}x", "{\"a\":1}]", "\"{}\"", "[]", "[{}]", "null", "42",
            "true"})
        void notExactlyOneJsonObjectCloses1007P1_3(String frame) {
            assertCloses(frame, CloseCodes.INVALID_PAYLOAD);
        }

        @Test
        void invalidJsonAfterABadMessageTypeIsStill1007P1_3() {
            assertCloses("{\"messageType\":7,", CloseCodes.INVALID_PAYLOAD);
        }

        @Test
        void invalidUtf8Closes1007P1_3() {
            byte[] frame = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            assertThatThrownBy(() -> ProtocolCodec.decode(frame, frame.length))
                    .isInstanceOf(ProtocolCodec.MalformedFrameException.class)
                    .extracting(e -> ((ProtocolCodec.MalformedFrameException) e).closeCode())
                    .isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }

        @ParameterizedTest
        @ValueSource(strings = {"00000020000000200000", "7b007d00", "00007b007d00", "7b0000007d000000", "0000007b0000007d",
            "007b007d", "20007b7d"})
        void zeroBytesThatJacksonWouldTakeForUtf16Or32Close1007P1_3(String hex) {
            // Valid UTF-8, but no JSON: without the guard the first threw an IOException and "{\0}\0" was a ping.
            byte[] frame = HexFormat.of().parseHex(hex);
            assertThatThrownBy(() -> ProtocolCodec.decode(frame, frame.length))
                    .isInstanceOf(ProtocolCodec.MalformedFrameException.class)
                    .extracting(e -> ((ProtocolCodec.MalformedFrameException) e).closeCode())
                    .isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"bogus\"", "\"\"", "\"pong\"", "7", "null", "true", "[\"hello\"]",
            "{\"t\":\"hello\"}"})
        void unknownOrNonStringMessageTypeCloses1008P1_3(String type) {
            assertCloses("{\"messageType\":" + type + "}", CloseCodes.POLICY_VIOLATION);
        }
    }

    @Nested
    class ServerMessages {

        private final Uaid uaid = new Uaid(UAID);

        @Test
        void helloReplyP2_2() {
            assertThat(encode(new ServerMessage.HelloReply(Optional.of(uaid), 200)))
                    .isEqualTo("{\"messageType\":\"hello\",\"uaid\":\"" + UAID + "\",\"status\":200}");
            assertThat(encode(new ServerMessage.HelloReply(Optional.of(uaid), 201)))
                    .isEqualTo("{\"messageType\":\"hello\",\"uaid\":\"" + UAID + "\",\"status\":201}");
            assertThat(encode(new ServerMessage.HelloReply(Optional.empty(), 401)))
                    .isEqualTo("{\"messageType\":\"hello\",\"status\":401}");
        }

        @Test
        void registerReplyP3_1() {
            URI endpoint = URI.create("http://127.0.0.1:8080/update/abc_-1");
            assertThat(encode(new ServerMessage.RegisterReply(Optional.of(C1), 200, Optional.of(endpoint))))
                    .isEqualTo("{\"messageType\":\"register\",\"channelID\":\"" + C1 + "\",\"status\":200,"
                            + "\"pushEndpoint\":\"http://127.0.0.1:8080/update/abc_-1\"}");
        }

        @Test
        void failedRegisterHasNoEndpointAndEchoesTheTextOrNullP3_2() {
            assertThat(encode(new ServerMessage.RegisterReply(Optional.of("x\"y"), 401, Optional.empty())))
                    .isEqualTo("{\"messageType\":\"register\",\"channelID\":\"x\\\"y\",\"status\":401}");
            assertThat(encode(new ServerMessage.RegisterReply(Optional.empty(), 401, Optional.empty())))
                    .isEqualTo("{\"messageType\":\"register\",\"channelID\":null,\"status\":401}");
        }

        @Test
        void unregisterReplyP3_5() {
            assertThat(encode(new ServerMessage.UnregisterReply(Optional.of(C2), 200)))
                    .isEqualTo("{\"messageType\":\"unregister\",\"channelID\":\"" + C2 + "\",\"status\":200}");
            assertThat(encode(new ServerMessage.UnregisterReply(Optional.empty(), 401)))
                    .isEqualTo("{\"messageType\":\"unregister\",\"channelID\":null,\"status\":401}");
        }

        @Test
        void refusalsCarryTheirReasonP1_2() {
            assertThat(encode(new ServerMessage.HelloReply(Optional.of(uaid), ReplyError.SECOND_HELLO)))
                    .isEqualTo("{\"messageType\":\"hello\",\"uaid\":\"" + UAID + "\",\"status\":401,"
                            + "\"error\":\"second hello on this connection\"}");
            assertThat(encode(new ServerMessage.RegisterReply(Optional.of(C1), ReplyError.TOO_MANY_CHANNELS)))
                    .isEqualTo("{\"messageType\":\"register\",\"channelID\":\"" + C1 + "\",\"status\":503,"
                            + "\"error\":\"too many channels for this device\"}");
            assertThat(encode(new ServerMessage.UnregisterReply(Optional.empty(), ReplyError.INVALID_CHANNEL_ID)))
                    .isEqualTo("{\"messageType\":\"unregister\",\"channelID\":null,\"status\":401,"
                            + "\"error\":\"channelID must be a UUID\"}");
        }

        @Test
        void anAckBeforeHelloIsAnsweredWithTheSameMessageTypeP2_9() {
            assertThat(encode(new ServerMessage.AckReply(ReplyError.BEFORE_HELLO)))
                    .isEqualTo("{\"messageType\":\"ack\",\"status\":401,\"error\":\"say hello first\"}");
        }

        @Test
        void notificationWithNumericVersionsAndDataOnlyWhenPresentP5_2() {
            ServerMessage message = new ServerMessage.Notification(List.of(
                    Update.of(ChannelId.of(C1), Version.of(Long.MAX_VALUE)),
                    new Update(ChannelId.of(C2), Version.of(0), Optional.of("hi \"there\" \u00e9"))));
            assertThat(encode(message)).isEqualTo("{\"messageType\":\"notification\",\"updates\":["
                    + "{\"channelID\":\"" + C1 + "\",\"version\":9223372036854775807},"
                    + "{\"channelID\":\"" + C2 + "\",\"version\":0,\"data\":\"hi \\\"there\\\" \u00e9\"}]}");
        }

        @Test
        void pongIsExactlyAnEmptyObjectP6_1() {
            assertThat(encode(ServerMessage.Pong.INSTANCE)).isEqualTo("{}");
        }
    }

    @Nested
    class WebPushDialect {

        @Test
        void firefoxHelloW1_1() throws Exception {
            // What Firefox ESR 153 sends with subscriptions: uaid, use_webpush, broadcasts; no channelIDs.
            assertThat(decode("{\"messageType\":\"hello\",\"broadcasts\":{\"remote-settings/monitor_changes\":"
                    + "\"\\\"0\\\"\"},\"use_webpush\":true,\"uaid\":\"" + UAID + "\"}"))
                    .isEqualTo(new Hello(Optional.of(UAID), Optional.empty(), Optional.empty(), true,
                            java.util.Map.of("remote-settings/monitor_changes", "\"0\"")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"false", "\"true\"", "1", "null", "{}"})
        void onlyTrueMeansWebPushW1_1(String value) throws Exception {
            assertThat(decode("{\"messageType\":\"hello\",\"use_webpush\":" + value + "}"))
                    .isEqualTo(new Hello(Optional.empty(), Optional.empty(), Optional.empty()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "\"x\"", "1", "{\"a\":1}", "{\"a\":{}}"})
        void malformedBroadcastsCloseW2_5(String value) {
            assertCloses("{\"messageType\":\"hello\",\"use_webpush\":true,\"broadcasts\":" + value + "}",
                    CloseCodes.POLICY_VIOLATION);
            assertCloses("{\"messageType\":\"broadcast_subscribe\",\"broadcasts\":" + value + "}",
                    CloseCodes.POLICY_VIOLATION);
        }

        @Test
        void broadcastSubscribeW2_1() throws Exception {
            assertThat(decode("{\"messageType\":\"broadcast_subscribe\",\"broadcasts\":{\"a/b\":\"____NOP____\"}}"))
                    .isEqualTo(new ClientMessage.BroadcastSubscribe(java.util.Map.of("a/b", "____NOP____")));
        }

        @Test
        void registerWithKeyW3_2() throws Exception {
            assertThat(decode("{\"messageType\":\"register\",\"channelID\":\"" + C1 + "\",\"key\":\"BAbc==\"}"))
                    .isEqualTo(new Register(Optional.of(C1), Optional.of("BAbc==")));
            assertThat(decode("{\"messageType\":\"register\",\"channelID\":\"" + C1 + "\",\"key\":null}"))
                    .isEqualTo(new Register(Optional.of(C1)));
            assertThat(decode("{\"messageType\":\"register\",\"channelID\":\"" + C1 + "\",\"key\":[1]}"))
                    .as("a key that is not a string is kept as its JSON text, which no key matches")
                    .isEqualTo(new Register(Optional.of(C1), Optional.of("[1]")));
        }

        @Test
        void ackByMessageIdW8_1() throws Exception {
            assertThat(decode("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + C1
                    + "\",\"version\":\"gAAAA-_x\",\"code\":101},{\"channelID\":\"" + C2 + "\",\"version\":7},"
                    + "{\"channelID\":\"nope\",\"version\":\"x\"},{\"channelID\":\"" + C1 + "\",\"version\":\"y\"}]}"))
                    .isEqualTo(new Ack(List.of(Update.of(ChannelId.of(C2), Version.of(7))), List.of(
                            new ClientMessage.MessageAck(ChannelId.of(C1), "gAAAA-_x", 101),
                            new ClientMessage.MessageAck(ChannelId.of(C1), "y", 0))));
        }

        @Test
        void nackW8_2() throws Exception {
            assertThat(decode("{\"messageType\":\"nack\",\"version\":\"abc\",\"code\":302}"))
                    .isEqualTo(new ClientMessage.Nack(Optional.of("abc"), 302));
            assertThat(decode("{\"messageType\":\"NACK\"}")).isEqualTo(new ClientMessage.Nack(Optional.empty(), 0));
        }

        @Test
        void helloReplyEchoesUseWebPushW1_2() {
            assertThat(encode(new ServerMessage.WebPushHelloReply(Uaid.parse(UAID).orElseThrow(), 200,
                    java.util.Map.of())))
                    .isEqualTo("{\"messageType\":\"hello\",\"uaid\":\"" + UAID
                            + "\",\"status\":200,\"use_webpush\":true,\"broadcasts\":{}}");
        }

        @Test
        void broadcastErrorsW2_2() {
            assertThat(encode(new ServerMessage.Broadcast(java.util.Map.of(), java.util.Map.of("x/y",
                    "Broadcast not found"))))
                    .isEqualTo("{\"messageType\":\"broadcast\",\"broadcasts\":{\"errors\":{\"x/y\":"
                            + "\"Broadcast not found\"}}}");
        }

        @Test
        void notificationWithAndWithoutBodyW5_1() {
            ChannelId channel = ChannelId.of(C1);
            assertThat(encode(new ServerMessage.WebPushNotification(channel, "m1", 60, Optional.of(
                    dev.simplepush.core.WebPushMessage.Payload.aes128gcm("AQID")))))
                    .isEqualTo("{\"messageType\":\"notification\",\"channelID\":\"" + C1
                            + "\",\"version\":\"m1\",\"ttl\":60,\"data\":\"AQID\",\"headers\":{\"encoding\":\"aes128gcm\"}}");
            assertThat(encode(new ServerMessage.WebPushNotification(channel, "m2", 0, Optional.of(
                    new dev.simplepush.core.WebPushMessage.Payload("AQID", "aesgcm", Optional.of("salt=s"),
                            Optional.of("dh=d"))))))
                    .endsWith("\"headers\":{\"encoding\":\"aesgcm\",\"encryption\":\"salt=s\",\"crypto_key\":\"dh=d\"}}");
            assertThat(encode(new ServerMessage.WebPushNotification(channel, "m3", 5, Optional.empty())))
                    .as("W5.4: no body, no data and no headers")
                    .isEqualTo("{\"messageType\":\"notification\",\"channelID\":\"" + C1
                            + "\",\"version\":\"m3\",\"ttl\":5}");
        }

        @Test
        void aNotificationWrittenIntoABufferIsItsJsonAfterWhatTheBufferHeldW5_1() {
            byte[] body = new byte[2048];
            new java.util.Random(3).nextBytes(body);
            for (ServerMessage message : List.of(
                    new ServerMessage.WebPushNotification(ChannelId.of(C1), "id\"with\\escapes", 60, Optional.of(
                            dev.simplepush.core.WebPushMessage.Payload.ofBody(body, "aesgcm", Optional.of("salt=\"s\""),
                                    Optional.of("dh=d")))),
                    new ServerMessage.WebPushNotification(ChannelId.of(C1), "m", 0, Optional.empty()),
                    new ServerMessage.AckReply(200, Optional.empty()))) {
                byte[] json = ProtocolCodec.encode(message);
                // A frame's header before the JSON, and a buffer that is a slice of a larger array.
                java.nio.ByteBuffer framed = ProtocolCodec.encode(message, length -> java.nio.ByteBuffer
                        .allocate(length + 9).position(5).slice().put(new byte[] {1, 2, 3, 4}));
                byte[] written = new byte[framed.remaining()];
                framed.get(written);

                assertThat(java.util.Arrays.copyOfRange(written, 0, 4)).containsExactly(1, 2, 3, 4);
                assertThat(new String(written, 4, written.length - 4, StandardCharsets.UTF_8))
                        .isEqualTo(new String(json, StandardCharsets.UTF_8));
            }
            assertThat(new String(ProtocolCodec.encode(new ServerMessage.WebPushNotification(ChannelId.of(C1), "m", 1,
                    Optional.of(dev.simplepush.core.WebPushMessage.Payload.ofBody(body, "aes128gcm", Optional.empty(),
                            Optional.empty())))), StandardCharsets.UTF_8))
                    .contains("\"data\":\"" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(body)
                            + "\",\"headers\":{");
        }
    }
}
