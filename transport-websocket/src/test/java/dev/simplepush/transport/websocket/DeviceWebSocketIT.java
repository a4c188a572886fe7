package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.protocol.CloseCodes;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The device WebSocket over a real socket: framing, close codes, sub-protocol, lifecycle (P1, P2.8, P6). */
class DeviceWebSocketIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestDevice connect(String... subprotocols) {
        return TestDevice.connect(server.webSocketUri(), subprotocols);
    }

    /** The server still takes new devices and answers them. */
    private static void assertServerStillServes() {
        try (TestDevice device = connect()) {
            device.hello();
        }
    }

    @Test
    void helloRegisterPutNotificationAckEndToEnd() throws Exception {
        TestDevice device = connect();
        String uaid;
        TestDevice.Registration channel;
        try {
            uaid = device.hello();
            channel = device.register();
            assertThat(channel.endpoint().toString()).startsWith(server.transport.baseUrl() + "/update/");

            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(channel.endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(HttpRequest.BodyPublishers.ofString("version=7&data=hi")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(device.next()).isEqualTo("{\"messageType\":\"notification\",\"updates\":[{\"channelID\":\""
                    + channel.channelId() + "\",\"version\":7,\"data\":\"hi\"}]}");

            device.send("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + channel.channelId()
                    + "\",\"version\":7}]}");
        } finally {
            device.close();
        }
        server.awaitNoOpenSessions();

        try (TestDevice again = connect()) {
            again.send("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[\""
                    + channel.channelId() + "\"]}");
            assertThat(again.next()).isEqualTo("{\"messageType\":\"hello\",\"uaid\":\"" + uaid
                    + "\",\"status\":200}");
            // Messages are handled in order: a pong right after the hello reply means the ack cleared the update.
            again.send("{}");
            assertThat(again.next()).isEqualTo("{}");
        }
    }

    @Test
    void pingIsAnsweredWithEmptyObjectBeforeHelloP2_9_P6_1() {
        try (TestDevice device = connect()) {
            device.send("{}");
            assertThat(device.next()).isEqualTo("{}");
        }
    }

    @Test
    void fragmentedTextMessageIsReassembledP1_1() {
        try (TestDevice device = connect()) {
            TestServer.join(device.socket().sendText("{\"messageTy", false));
            TestServer.join(device.socket().sendText("pe\":\"hel", false));
            TestServer.join(device.socket().sendText("lo\"}", true));
            assertThat(device.next()).startsWith("{\"messageType\":\"hello\",\"uaid\":\"");
        }
    }

    @Test
    void subProtocolIsEchoedWhenOfferedP1_1() {
        try (TestDevice device = connect("push-notification")) {
            assertThat(device.socket().getSubprotocol()).isEqualTo("push-notification");
            device.hello();
        }
        try (TestDevice device = connect("something-else", "push-notification")) {
            assertThat(device.socket().getSubprotocol()).isEqualTo("push-notification");
        }
    }

    @Test
    void subProtocolIsNeverRequiredP1_1() {
        try (TestDevice device = connect()) {
            assertThat(device.socket().getSubprotocol()).isEmpty();
            device.hello();
        }
    }

    @Test
    void binaryFrameCloses1003P1_3() {
        try (TestDevice device = connect()) {
            device.sendBinary(new byte[] {'{', '}'});
            assertThat(device.awaitClose().code()).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
        }
        assertServerStillServes();
    }

    @Test
    void invalidJsonCloses1007P1_3() {
        try (TestDevice device = connect()) {
            device.hello();
            device.send("{\"messageType\":");
            assertThat(device.awaitClose().code()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }
        assertServerStillServes();
    }

    @Test
    void jsonThatIsNotAnObjectCloses1007P1_3() {
        try (TestDevice device = connect()) {
            device.send("[\"hello\"]");
            assertThat(device.awaitClose().code()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void unknownMessageTypeCloses1008P1_3() {
        try (TestDevice device = connect()) {
            device.send("{\"messageType\":\"subscribe\"}");
            assertThat(device.awaitClose().code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
        }
        assertServerStillServes();
    }

    @Test
    void nonStringMessageTypeCloses1008P1_3() {
        try (TestDevice device = connect()) {
            device.send("{\"messageType\":1}");
            assertThat(device.awaitClose().code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
        }
    }

    @Test
    void messageOverTheLimitCloses1009WithoutBeingBufferedP1_3() {
        try (TestDevice device = connect()) {
            device.hello();
            String huge = "{\"messageType\":\"register\",\"pad\":\"" + "x".repeat(WebSocketConfig.DEFAULT_MAX_FRAME_BYTES)
                    + "\"}";
            device.socket().sendText(huge, true);
            assertThat(device.awaitClose().code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        }
        assertServerStillServes();
    }

    @Test
    void messageOfExactlyTheLimitIsAcceptedAndTheNextOneReadP1_3() {
        String prefix = "{\"messageType\":\"hello\",\"pad\":\"";
        String hello = prefix + "x".repeat(WebSocketConfig.DEFAULT_MAX_FRAME_BYTES - prefix.length() - 2) + "\"}";
        assertThat(hello).hasSize(WebSocketConfig.DEFAULT_MAX_FRAME_BYTES);
        try (TestDevice device = connect()) {
            device.send(hello);
            assertThat(device.next()).startsWith("{\"messageType\":\"hello\",\"uaid\":\"");
            device.send("{}");
            assertThat(device.next()).isEqualTo("{}");
        }
    }

    @Test
    void closedSocketEndsItsSession() {
        TestDevice device = connect();
        device.hello();
        TestServer.await(() -> server.service.openSessions() > 0, "session open");
        device.close();
        server.awaitNoOpenSessions();
    }

    @Test
    void abortedSocketEndsItsSession() {
        TestDevice device = connect();
        device.hello();
        device.socket().abort();
        server.awaitNoOpenSessions();
    }

    @Test
    void manyDevicesLeavingAtOnceAllEndTheirSessionsAndTheServerStillServes() {
        // Their sockets are closed off the I/O threads (OffThreadClose); each session must still learn of it.
        List<TestDevice> devices = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            TestDevice device = connect();
            device.hello();
            devices.add(device);
        }
        TestServer.await(() -> server.service.openSessions() >= 50, "sessions open");
        for (int i = 0; i < devices.size(); i++) {
            if (i % 2 == 0) {
                devices.get(i).socket().abort();
            } else {
                devices.get(i).close();
            }
        }
        server.awaitNoOpenSessions();
        assertServerStillServes();
    }

    @Test
    void helloTimeoutClosesAnIdleSocketP2_8() {
        try (TestServer quick = TestServer.start(PushConfig.builder().helloTimeout(Duration.ofMillis(200)).build());
                TestDevice device = TestDevice.connect(quick.webSocketUri())) {
            assertThat(device.awaitClose().code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
            quick.awaitNoOpenSessions();
        }
    }

    @Test
    void pingsFasterThanTheFloorCloseTheSocketP6_2() {
        try (TestServer strict = TestServer.start(PushConfig.builder().minPingInterval(Duration.ofHours(1)).build());
                TestDevice device = TestDevice.connect(strict.webSocketUri())) {
            device.hello();
            device.send("{}");
            assertThat(device.next()).isEqualTo("{}");
            device.send("{}");
            assertThat(device.awaitClose().code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
        }
    }

    @Test
    void stopClosesEveryDeviceSocketWith1001AndIsIdempotent() {
        TestServer stopping = TestServer.start();
        try (TestDevice first = TestDevice.connect(stopping.webSocketUri());
                TestDevice second = TestDevice.connect(stopping.webSocketUri())) {
            first.hello();
            TestServer.await(() -> stopping.service.openSessions() == 2, "two sessions open");
            stopping.close();
            assertThat(first.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(second.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(stopping.service.openSessions()).isZero();
            stopping.close();
        }
    }
}
