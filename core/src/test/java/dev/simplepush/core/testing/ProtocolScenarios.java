package dev.simplepush.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.EndpointTokens;
import dev.simplepush.core.PushConfig;
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
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.protocol.ServerMessage.AckReply;
import dev.simplepush.core.protocol.ServerMessage.HelloReply;
import dev.simplepush.core.protocol.ServerMessage.Notification;
import dev.simplepush.core.protocol.ServerMessage.Pong;
import dev.simplepush.core.protocol.ServerMessage.RegisterReply;
import dev.simplepush.core.protocol.ServerMessage.UnregisterReply;
import dev.simplepush.core.testing.AppServer.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The protocol profile (P1–P6 of {@code protocol-profile.md}) as scenarios: what a device and an app server
 * observe from the outside. Every transport/store composition runs the same scenarios through a thin subclass
 * that says how to {@link #start} a server and reach it.
 *
 * <p>Each test names the rule it checks. Scenarios that need raw frames or raw HTTP (parts of P1 and P4) run
 * only where the harness supports them and are skipped by assumption elsewhere. Waits use timeouts; the only
 * fixed waits are the short windows in which nothing may arrive.
 *
 * <p>Not covered here, because one server with a store that cannot fail does not show them: P2.5 and P7 across
 * nodes, P4.3 429 and 503, P6.3 (server keep-alive pings, optional) and P8 (UDP wake-up). Adapters that can show
 * them test them in their own suites.
 */
public abstract class ProtocolScenarios {

    /** A window in which nothing may arrive; short, since it is the one fixed wait. */
    protected static final Duration NOTHING = Duration.ofMillis(250);
    /** P2.5: an evicted socket is closed within a second. */
    private static final Duration EVICTION = Duration.ofSeconds(1);
    private static final String PUSH_SUBPROTOCOL = "push-notification";
    private static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

    /**
     * A started push server and the means to reach it. {@link #close()} stops it and everything it handed out.
     */
    public interface Harness extends AutoCloseable {

        /** Opens a new device connection, offering {@code subprotocols} if the harness speaks the wire. */
        ProtocolClient connect(List<String> subprotocols);

        /** The app server side. */
        AppServer appServer();

        /** Stops the server and closes every client it handed out. Idempotent. */
        @Override
        void close();
    }

    /**
     * Starts a fresh push server with {@code config}, isolated from every other test's server. The suite closes
     * it after the test.
     */
    protected abstract Harness start(PushConfig config);

    private final List<Harness> harnesses = new ArrayList<>();
    private final List<ProtocolClient> clients = new ArrayList<>();

    @AfterEach
    final void closeEverything() {
        for (ProtocolClient client : clients) {
            client.close();
        }
        for (Harness harness : harnesses) {
            harness.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // P1 transport

    @Test
    @DisplayName("P1.1 the sub-protocol push-notification is echoed when the device offers it")
    void offeredSubprotocolIsEchoed() {
        ProtocolClient device = connect(server(), PUSH_SUBPROTOCOL);
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        assertThat(device.subprotocol()).contains(PUSH_SUBPROTOCOL);
        helloAsNewDevice(device);
    }

    @Test
    @DisplayName("P1.1 a device that offers no sub-protocol is served")
    void subprotocolIsNotRequired() {
        ProtocolClient device = connect(server());
        assertThat(device.subprotocol()).isEmpty();
        helloAsNewDevice(device);
        register(device, newChannel());
    }

    @Test
    @DisplayName("P1.2 unknown fields sent by the device are ignored")
    void unknownClientFieldsAreIgnored() {
        ProtocolClient device = connect(server());
        sendFrame(device,
                "{\"messageType\":\"hello\",\"channelIDs\":[],\"x-extra\":{\"a\":[1,2]},\"use_webpush\":false}",
                new Hello(Optional.empty(), Optional.of(List.of()), Optional.empty()));
        HelloReply hello = device.receive(HelloReply.class);
        assertThat(hello.status()).isEqualTo(200);
        String channel = newChannel();
        sendFrame(device, "{\"channelID\":\"" + channel + "\",\"messageType\":\"register\",\"key\":\"ignored\"}",
                new Register(Optional.of(channel)));
        RegisterReply reply = device.receive(RegisterReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.channelId()).contains(channel);
    }

    @Test
    @DisplayName("P1.2 a reply with a status other than 200/201 says why in error; a success carries none")
    void refusalsSayWhy() {
        ProtocolClient device = connect(server());
        HelloReply hello = hello(device, Optional.empty(), Optional.of(List.of()));
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.error()).isEmpty();
        device.send(new Register(Optional.of(newChannel())));
        RegisterReply registered = device.receive(RegisterReply.class);
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.error()).isEmpty();

        device.send(new Register(Optional.of("not a uuid")));
        RegisterReply badRegister = device.receive(RegisterReply.class);
        assertThat(badRegister.status()).isEqualTo(401);
        assertThat(badRegister.error()).hasValueSatisfying(text -> assertThat(text).isNotBlank());
        device.send(new Unregister(Optional.of("not a uuid")));
        UnregisterReply badUnregister = device.receive(UnregisterReply.class);
        assertThat(badUnregister.status()).isEqualTo(401);
        assertThat(badUnregister.error()).hasValueSatisfying(text -> assertThat(text).isNotBlank());
        device.send(new Hello(Optional.of(hello.uaid().orElseThrow().value()), Optional.of(List.of()),
                Optional.empty()));
        HelloReply second = device.receive(HelloReply.class);
        assertThat(second.status()).isEqualTo(401);
        assertThat(second.error()).hasValueSatisfying(text -> assertThat(text).isNotBlank());
        device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT);
    }

    @Test
    @DisplayName("P1.4 messageType is matched without regard to case; replies use the lowercase name")
    void messageTypeIsMatchedWithoutRegardToCase() {
        Harness server = server();
        ProtocolClient device = connect(server);
        sendFrame(device, "{\"messageType\":\"Hello\",\"channelIDs\":[]}",
                new Hello(Optional.empty(), Optional.of(List.of()), Optional.empty()));
        assertThat(device.receive(HelloReply.class).status()).isEqualTo(200);
        String channel = newChannel();
        sendFrame(device, "{\"messageType\":\"registeR\",\"channelID\":\"" + channel + "\"}",
                new Register(Optional.of(channel)));
        RegisterReply registered = device.receive(RegisterReply.class);
        assertThat(registered.status()).isEqualTo(200);
        URI endpoint = registered.pushEndpoint().orElseThrow();
        assertThat(server.appServer().put(endpoint, Optional.of("3"), Optional.empty()).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 3));
        sendFrame(device, "{\"messageType\":\"ACK\",\"updates\":[{\"channelID\":\"" + channel
                + "\",\"version\":3}]}", new Ack(List.of(update(channel, 3))));
        sendFrame(device, "{\"messageType\":\"UnRegister\",\"channelID\":\"" + channel + "\"}",
                new Unregister(Optional.of(channel)));
        assertThat(device.receive(UnregisterReply.class).status()).isEqualTo(200);
        assertThat(device.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "P1.4 the frame {0} is an unknown message and closes the socket")
    @ValueSource(strings = {"{\" messageType \":\"hello\"}", "{\"messagetype\":\"ping\"}", "{\"foo\":1}"})
    @DisplayName("P1.4 an object with fields but no messageType is an unknown message, not a ping")
    void objectWithFieldsButNoMessageTypeIsUnknown(String frame) {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        helloAsNewDevice(device);
        device.sendText(frame);
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(device.poll(Duration.ZERO)).as("no pong").isEmpty();
    }

    @Test
    @DisplayName("P1.3 a binary frame closes the socket with 1003")
    void binaryFrameCloses() {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        helloAsNewDevice(device);
        device.sendBinary("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
    }

    @Test
    @DisplayName("P1.3 a frame that is not valid JSON closes the socket with 1007")
    void invalidJsonCloses() {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        helloAsNewDevice(device);
        device.sendText("{\"messageType\":\"register\",");
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isEqualTo(CloseCodes.INVALID_PAYLOAD);
    }

    @ParameterizedTest(name = "P1.3 the frame {0} closes the socket")
    @ValueSource(strings = {
        "[{\"messageType\":\"hello\"}]",
        "\"hello\"",
        "42",
        "null",
        "{\"messageType\":\"bogus\"}",
        "{\"messageType\":42}",
        "{\"messageType\":null}",
        "{\"messageType\":[\"hello\"]}"
    })
    @DisplayName("P1.3 JSON that is not an object, or an unknown or non-string messageType, closes the socket")
    void frameThatIsNotAMessageCloses(String frame) {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        helloAsNewDevice(device);
        device.sendText(frame);
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isIn(
                CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD, CloseCodes.POLICY_VIOLATION);
    }

    @Test
    @DisplayName("P1.3 a message larger than the default limit (64 KiB) closes the socket with 1009")
    void oversizedMessageCloses() {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        helloAsNewDevice(device);
        device.sendText(padded("{\"messageType\":\"register\",\"channelID\":\"" + newChannel() + "\",\"pad\":\"",
                DEFAULT_MAX_FRAME_BYTES + 1024));
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    }

    @Test
    @DisplayName("P1.3 a message within the default limit is served")
    void largeMessageWithinLimitIsServed() {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        device.sendText(padded("{\"messageType\":\"hello\",\"pad\":\"", DEFAULT_MAX_FRAME_BYTES - 1024));
        assertThat(device.receive(HelloReply.class).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("P1.3 nothing the device stored is lost when a bad frame closes its socket")
    void badFrameLosesNothing() {
        Harness server = server();
        ProtocolClient device = connect(server);
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        device.sendText("not json at all");
        device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT);
        assertThat(put(server, endpoint, 7).status()).isEqualTo(202);

        ProtocolClient again = connect(server);
        assertThat(hello(again, Optional.of(uaid.value()), Optional.of(List.of(channel))).uaid()).contains(uaid);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(channel, 7));
    }

    // ------------------------------------------------------------------------------------------------------
    // P2 hello

    static Stream<Arguments> newDeviceHellos() {
        return Stream.of(
                Arguments.of("uaid absent", "{\"messageType\":\"hello\",\"channelIDs\":[]}",
                        new Hello(Optional.empty(), Optional.of(List.of()), Optional.empty())),
                Arguments.of("uaid \"\"", "{\"messageType\":\"hello\",\"uaid\":\"\",\"channelIDs\":[]}",
                        new Hello(Optional.of(""), Optional.of(List.of()), Optional.empty())),
                Arguments.of("uaid null", "{\"messageType\":\"hello\",\"uaid\":null,\"channelIDs\":[]}",
                        new Hello(Optional.empty(), Optional.of(List.of()), Optional.empty())),
                Arguments.of("uaid and channelIDs absent", "{\"messageType\":\"hello\"}",
                        new Hello(Optional.empty(), Optional.empty(), Optional.empty())),
                Arguments.of("uaid \"\", channelIDs absent", "{\"messageType\":\"hello\",\"uaid\":\"\"}",
                        new Hello(Optional.of(""), Optional.empty(), Optional.empty())));
    }

    @ParameterizedTest(name = "P2.1-2.4 hello with {0} gets a fresh UAID and status 200")
    @MethodSource("newDeviceHellos")
    @DisplayName("P2.1-2.4 a new device's hello gets a fresh UAID and status 200, exactly once")
    void newDeviceGetsFreshUaid(String description, String frame, Hello equivalent) {
        ProtocolClient device = connect(server());
        sendFrame(device, frame, equivalent);
        HelloReply reply = device.receive(HelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).hasValueSatisfying(uaid -> assertThat(uaid.value()).matches("[0-9a-f]{32}"));
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "P2.4 hello with the malformed UAID \"{0}\" gets a fresh one")
    @ValueSource(strings = {
        "not-a-uaid",
        "0123456789ABCDEF0123456789ABCDEF",
        "01234567-89ab-cdef-0123-456789abcdef",
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0",
        " 0123456789abcdef0123456789abcdef"
    })
    @DisplayName("P2.4 a malformed UAID is replaced by a fresh one")
    void malformedUaidIsReplaced(String malformed) {
        ProtocolClient device = connect(server());
        HelloReply reply = hello(device, Optional.of(malformed), Optional.of(List.of()));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).hasValueSatisfying(uaid -> {
            assertThat(uaid.value()).matches("[0-9a-f]{32}");
            assertThat(uaid.value()).isNotEqualToIgnoringCase(malformed.strip());
        });
    }

    @Test
    @DisplayName("P2.4 a well-formed but unknown UAID is replaced by a fresh one")
    void unknownUaidIsReplaced() {
        ProtocolClient device = connect(server());
        Uaid unknown = Uaid.random();
        HelloReply reply = hello(device, Optional.of(unknown.value()), Optional.empty());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).isPresent().isNotEqualTo(Optional.of(unknown));
    }

    @Test
    @DisplayName("P2.3 minted UAIDs are 32 lowercase hex characters and all different")
    void mintedUaidsAreDistinct() {
        Harness server = server();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ProtocolClient device = connect(server);
            String uaid = helloAsNewDevice(device).value();
            assertThat(uaid).matches("[0-9a-f]{32}");
            assertThat(seen.add(uaid)).as("UAID %s minted twice", uaid).isTrue();
            device.close();
        }
    }

    @Test
    @DisplayName("P2.1 hello with wakeup_hostport and mobilenetwork is served as an ordinary device without wake-up")
    void helloWithWakeupFieldsIsServed() {
        ProtocolClient device = connect(server());
        sendFrame(device, "{\"messageType\":\"hello\",\"channelIDs\":[],"
                        + "\"wakeup_hostport\":{\"ip\":\"10.0.0.7\",\"port\":2442},"
                        + "\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\",\"netid\":null}}",
                new Hello(Optional.empty(), Optional.of(List.of()),
                        Optional.of(new WakeupAddress("10.0.0.7", 2442, "214", "07", Optional.empty()))));
        HelloReply reply = device.receive(HelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).isPresent();
    }

    @Test
    @DisplayName("P2.4 a known UAID is kept, with its channels")
    void knownUaidIsKept() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        String channel = newChannel();
        URI endpoint = register(first, channel);
        first.close();

        ProtocolClient second = connect(server);
        HelloReply reply = hello(second, Optional.of(uaid.value()), Optional.of(List.of(channel)));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).contains(uaid);
        assertThat(put(server, endpoint, 1).status()).isEqualTo(200);
        assertThat(second.receive(Notification.class).updates()).containsExactly(update(channel, 1));
    }

    @Test
    @DisplayName("P2.4 a known UAID that lists a channel the server lacks is reset, and its old endpoints answer 410")
    void knownUaidListingUnknownChannelIsReset() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        String channel = newChannel();
        URI endpoint = register(first, channel);
        first.close();

        ProtocolClient second = connect(server);
        HelloReply reply = hello(second, Optional.of(uaid.value()), Optional.of(List.of(channel, newChannel())));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).isPresent().isNotEqualTo(Optional.of(uaid));
        assertThat(put(server, endpoint, 1).status()).isEqualTo(410);
        second.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P2.4 a known UAID that lists a channelID that is not a UUID is reset")
    void knownUaidListingMalformedChannelIsReset() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        String channel = newChannel();
        URI endpoint = register(first, channel);
        first.close();

        ProtocolClient second = connect(server);
        HelloReply reply = hello(second, Optional.of(uaid.value()), Optional.of(List.of(channel, "not-a-uuid")));
        assertThat(reply.uaid()).isPresent().isNotEqualTo(Optional.of(uaid));
        assertThat(put(server, endpoint, 1).status()).isEqualTo(410);
    }

    @Test
    @DisplayName("P2.4 channels missing from a present channelIDs list are dropped; their endpoints answer 410")
    void channelsAbsentFromListAreDropped() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        String kept = newChannel();
        String dropped = newChannel();
        URI keptEndpoint = register(first, kept);
        URI droppedEndpoint = register(first, dropped);
        first.close();

        ProtocolClient second = connect(server);
        assertThat(hello(second, Optional.of(uaid.value()), Optional.of(List.of(kept))).uaid()).contains(uaid);
        assertThat(put(server, droppedEndpoint, 1).status()).isEqualTo(410);
        assertThat(put(server, keptEndpoint, 1).status()).isEqualTo(200);
        assertThat(second.receive(Notification.class).updates()).containsExactly(update(kept, 1));
    }

    @Test
    @DisplayName("P2.4 an empty channelIDs list drops every channel but keeps the UAID")
    void emptyChannelListDropsEveryChannel() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        URI endpoint = register(first, newChannel());
        first.close();

        ProtocolClient second = connect(server);
        assertThat(hello(second, Optional.of(uaid.value()), Optional.of(List.of())).uaid()).contains(uaid);
        assertThat(put(server, endpoint, 1).status()).isEqualTo(410);
    }

    @Test
    @DisplayName("P2.1/P2.4 a hello without channelIDs keeps the UAID and all its channels")
    void absentChannelListKeepsEverything() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        String one = newChannel();
        String two = newChannel();
        URI endpointOne = register(first, one);
        URI endpointTwo = register(first, two);
        first.close();

        ProtocolClient second = connect(server);
        sendFrame(second, "{\"messageType\":\"hello\",\"uaid\":\"" + uaid.value() + "\"}",
                new Hello(Optional.of(uaid.value()), Optional.empty(), Optional.empty()));
        HelloReply reply = second.receive(HelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).contains(uaid);
        assertThat(put(server, endpointOne, 1).status()).isEqualTo(200);
        assertThat(second.receive(Notification.class).updates()).containsExactly(update(one, 1));
        assertThat(put(server, endpointTwo, 2).status()).isEqualTo(200);
        assertThat(second.receive(Notification.class).updates()).containsExactly(update(two, 2));
    }

    @Test
    @DisplayName("P2.5 newest connection wins: the older socket is closed within 1 s and gets no more notifications")
    void newestConnectionWins() {
        Harness server = server();
        ProtocolClient older = connect(server);
        Uaid uaid = helloAsNewDevice(older);
        String channel = newChannel();
        URI endpoint = register(older, channel);

        ProtocolClient newer = connect(server);
        assertThat(hello(newer, Optional.of(uaid.value()), Optional.of(List.of(channel))).uaid()).contains(uaid);
        older.expectClosed(EVICTION);

        assertThat(put(server, endpoint, 1).status()).isEqualTo(200);
        assertThat(newer.receive(Notification.class).updates()).containsExactly(update(channel, 1));
        assertThat(older.poll(NOTHING)).isEmpty();
        assertThat(put(server, endpoint, 2).status()).isEqualTo(200);
        assertThat(newer.receive(Notification.class).updates()).containsExactly(update(channel, 2));
        assertThat(older.poll(NOTHING)).isEmpty();
    }

    @Test
    @DisplayName("P2.6 a second hello on the same socket is answered with status 401 and the socket is closed")
    void secondHelloIsRejected() {
        ProtocolClient device = connect(server());
        Uaid uaid = helloAsNewDevice(device);
        device.send(new Hello(Optional.of(uaid.value()), Optional.of(List.of()), Optional.empty()));
        assertThat(device.receive(HelloReply.class).status()).isEqualTo(401);
        device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT);
    }

    @Test
    @DisplayName("P2.7 pending notifications are flushed right after the hello reply")
    void pendingFlushedAfterHello() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        String channel = newChannel();
        URI endpoint = register(first, channel);
        first.close();
        assertThat(put(server, endpoint, 3).status()).isEqualTo(202);

        ProtocolClient second = connect(server);
        second.send(new Hello(Optional.of(uaid.value()), Optional.of(List.of(channel)), Optional.empty()));
        ServerMessage firstMessage = second.receive();
        assertThat(firstMessage).isInstanceOf(HelloReply.class);
        assertThat(((HelloReply) firstMessage).uaid()).contains(uaid);
        assertThat(second.receive(Notification.class).updates()).containsExactly(update(channel, 3));
    }

    @Test
    @DisplayName("P2.8 a socket that says no hello within the hello timeout is closed, pings notwithstanding")
    void helloTimeoutCloses() {
        ProtocolClient device = connect(server(PushConfig.builder().helloTimeout(Duration.ofMillis(300)).build()));
        device.send(Ping.INSTANCE);
        device.receive(Pong.class);
        device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT);
    }

    @Test
    @DisplayName("P2.8 a socket that said hello in time is not closed by the hello timeout")
    void helloInTimeDisarmsTimeout() {
        ProtocolClient device = connect(server(PushConfig.builder().helloTimeout(Duration.ofMillis(100)).build()));
        helloAsNewDevice(device);
        assertThat(device.awaitClose(Duration.ofMillis(300))).isEmpty();
        register(device, newChannel());
    }

    static Stream<Arguments> commandsBeforeHello() {
        String channel = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of("register", new Register(Optional.of(channel))),
                Arguments.of("unregister", new Unregister(Optional.of(channel))),
                Arguments.of("ack", new Ack(List.of(Update.of(ChannelId.of(channel), Version.of(1))))));
    }

    @ParameterizedTest(name = "P2.9 {0} before hello is answered 401 with its messageType, then closes the socket")
    @MethodSource("commandsBeforeHello")
    @DisplayName("P2.9 register, unregister and ack before hello get a 401 reply of the same messageType, then close")
    void commandBeforeHelloIsAnswered401AndCloses(String description, ClientMessage command) {
        ProtocolClient device = connect(server());
        device.send(command);
        ServerMessage reply = device.receive();
        switch (description) {
            case "register" -> {
                RegisterReply register = (RegisterReply) reply;
                assertThat(register.status()).isEqualTo(401);
                assertThat(register.pushEndpoint()).isEmpty();
                assertThat(register.channelId()).isEqualTo(((Register) command).channelId());
            }
            case "unregister" -> {
                UnregisterReply unregister = (UnregisterReply) reply;
                assertThat(unregister.status()).isEqualTo(401);
                assertThat(unregister.channelId()).isEqualTo(((Unregister) command).channelId());
            }
            default -> assertThat(((AckReply) reply).status()).isEqualTo(401);
        }
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    @DisplayName("P2.9 a ping before hello is answered {} and hello still works")
    void pingBeforeHelloIsAnswered() {
        ProtocolClient device = connect(server());
        device.send(Ping.INSTANCE);
        device.receive(Pong.class);
        helloAsNewDevice(device);
    }

    // ------------------------------------------------------------------------------------------------------
    // P3 register / unregister

    @Test
    @DisplayName("P3.1 register is answered with the channelID, status 200 and an absolute endpoint /update/<token>")
    void registerReplyShape() {
        ProtocolClient device = connect(server());
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        device.send(new Register(Optional.of(channel)));
        RegisterReply reply = device.receive(RegisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.pushEndpoint()).isPresent();
        URI endpoint = reply.pushEndpoint().get();
        assertThat(endpoint.isAbsolute()).as("absolute: %s", endpoint).isTrue();
        assertThat(endpoint.getScheme()).isIn("http", "https");
        assertThat(endpoint.getRawPath()).matches(".*/update/[A-Za-z0-9_-]+");
        // P4.5: the token is opaque.
        String token = tokenOf(endpoint);
        assertThat(token).doesNotContainIgnoringCase(uaid.value())
                .doesNotContainIgnoringCase(channel)
                .doesNotContainIgnoringCase(channel.replace("-", ""));
    }

    static Stream<Arguments> invalidChannelIds() {
        return Stream.of(
                Arguments.of("missing", "{\"messageType\":\"register\"}", Optional.empty()),
                Arguments.of("a number", "{\"messageType\":\"register\",\"channelID\":42}", Optional.empty()),
                Arguments.of("null", "{\"messageType\":\"register\",\"channelID\":null}", Optional.empty()),
                Arguments.of("a boolean", "{\"messageType\":\"register\",\"channelID\":true}", Optional.empty()),
                textChannelId("register", "text", "not-a-uuid"),
                textChannelId("register", "empty text", ""),
                textChannelId("register", "35 characters", UUID.randomUUID().toString().substring(1)),
                textChannelId("register", "37 characters", UUID.randomUUID() + "0"),
                textChannelId("register", "braces", "{" + UUID.randomUUID() + "}"),
                textChannelId("register", "non-hex", "g" + UUID.randomUUID().toString().substring(1)));
    }

    /** A command whose channelID is the JSON string {@code text}: the frame, and the text the reply echoes. */
    private static Arguments textChannelId(String messageType, String description, String text) {
        return Arguments.of(description, "{\"messageType\":\"" + messageType + "\",\"channelID\":\"" + text + "\"}",
                Optional.of(text));
    }

    @ParameterizedTest(name = "P3.2 register with a channelID that is {0} gets status 401 and the socket stays open")
    @MethodSource("invalidChannelIds")
    @DisplayName("P3.2 register with an invalid channelID gets status 401 and the socket stays open")
    void registerWithInvalidChannelId(String description, String frame, Optional<String> text) {
        ProtocolClient device = connect(server());
        helloAsNewDevice(device);
        sendFrame(device, frame, new Register(text));
        RegisterReply reply = device.receive(RegisterReply.class);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.pushEndpoint()).isEmpty();
        if (text.isPresent()) {
            assertThat(reply.channelId()).isEqualTo(text);
        }
        assertThat(device.isOpen()).isTrue();
        register(device, newChannel());
    }

    @ParameterizedTest(name = "P3.2 the channelID {0} is used exactly as sent")
    @ValueSource(strings = {
        "6B29FC40-CA47-1067-B31D-00DD010662DA",
        "6b29fc40ca471067b31d00dd010662da",
        "6B29FC40CA471067B31D00DD010662DA",
        "6b29FC40-ca47-1067-b31D-00dd010662Da"
    })
    @DisplayName("P3.2 any UUID spelling is accepted and used exactly as sent in replies and notifications")
    void channelIdIsUsedExactlyAsSent(String channel) {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        URI endpoint = register(device, channel);
        assertThat(put(server, endpoint, 5).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 5));
        ack(device, channel, 5);
        device.close();

        ProtocolClient again = connect(server);
        assertThat(hello(again, Optional.of(uaid.value()), Optional.of(List.of(channel))).uaid()).contains(uaid);
        again.expectNothing(NOTHING);
        again.send(new Unregister(Optional.of(channel)));
        UnregisterReply reply = again.receive(UnregisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(put(server, endpoint, 6).status()).isEqualTo(410);
    }

    @Test
    @DisplayName("P3.3 register is idempotent: the same channelID again gets 200 and every endpoint handed out works")
    void registerIsIdempotent() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI first = register(device, channel);
        URI second = register(device, channel);
        assertThat(put(server, second, 1).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 1));
        assertThat(put(server, first, 2).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 2));
    }

    @Test
    @DisplayName("P3.3 two devices may use the same channelID independently")
    void channelIdsAreScopedPerDevice() {
        Harness server = server();
        ProtocolClient alice = connect(server);
        ProtocolClient bob = connect(server);
        helloAsNewDevice(alice);
        helloAsNewDevice(bob);
        String channel = newChannel();
        URI aliceEndpoint = register(alice, channel);
        URI bobEndpoint = register(bob, channel);
        assertThat(tokenOf(aliceEndpoint)).isNotEqualTo(tokenOf(bobEndpoint));

        assertThat(put(server, aliceEndpoint, 10).status()).isEqualTo(200);
        assertThat(alice.receive(Notification.class).updates()).containsExactly(update(channel, 10));
        bob.expectNothing(NOTHING);
        assertThat(put(server, bobEndpoint, 3).status()).isEqualTo(200);
        assertThat(bob.receive(Notification.class).updates()).containsExactly(update(channel, 3));
        alice.expectNothing(NOTHING);

        unregister(alice, channel);
        assertThat(put(server, aliceEndpoint, 11).status()).isEqualTo(410);
        assertThat(put(server, bobEndpoint, 4).status()).isEqualTo(200);
        assertThat(bob.receive(Notification.class).updates()).containsExactly(update(channel, 4));
    }

    @Test
    @DisplayName("P3.4 a register over maxChannelsPerDevice gets status 503 and the socket stays open")
    void channelLimit() {
        Harness server = server(PushConfig.builder().maxChannelsPerDevice(2).build());
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String one = newChannel();
        register(device, one);
        register(device, newChannel());
        String third = newChannel();
        device.send(new Register(Optional.of(third)));
        RegisterReply refused = device.receive(RegisterReply.class);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.channelId()).contains(third);
        assertThat(refused.pushEndpoint()).isEmpty();
        assertThat(device.isOpen()).isTrue();

        register(device, one);
        unregister(device, one);
        URI endpoint = register(device, third);
        assertThat(put(server, endpoint, 1).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("P3.5 unregister gets status 200 with the channelID, is idempotent, and the endpoint then answers 410")
    void unregisterIsIdempotent() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        unregister(device, channel);
        unregister(device, channel);
        unregister(device, newChannel());
        Response gone = put(server, endpoint, 1);
        assertThat(gone.status()).isEqualTo(410);
        assertErrorBody(gone, 410);
        device.expectNothing(NOTHING);
    }

    static Stream<Arguments> invalidUnregisters() {
        return Stream.of(
                Arguments.of("missing", "{\"messageType\":\"unregister\"}", Optional.empty()),
                Arguments.of("a number", "{\"messageType\":\"unregister\",\"channelID\":7}", Optional.empty()),
                Arguments.of("null", "{\"messageType\":\"unregister\",\"channelID\":null}", Optional.empty()),
                textChannelId("unregister", "text", "not-a-uuid"),
                textChannelId("unregister", "35 characters", UUID.randomUUID().toString().substring(1)));
    }

    @ParameterizedTest(name = "P3.5 unregister with a channelID that is {0} gets status 401 and the socket stays open")
    @MethodSource("invalidUnregisters")
    @DisplayName("P3.5 unregister with a missing or invalid channelID gets status 401 and the socket stays open")
    void unregisterWithInvalidChannelId(String description, String frame, Optional<String> text) {
        ProtocolClient device = connect(server());
        helloAsNewDevice(device);
        sendFrame(device, frame, new Unregister(text));
        UnregisterReply reply = device.receive(UnregisterReply.class);
        assertThat(reply.status()).isEqualTo(401);
        if (text.isPresent()) {
            assertThat(reply.channelId()).isEqualTo(text);
        }
        assertThat(device.isOpen()).isTrue();
        register(device, newChannel());
    }

    @Test
    @DisplayName("P3.5 after unregister the channel's pending notification is gone")
    void unregisterDropsPending() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        String other = newChannel();
        URI endpoint = register(device, channel);
        URI otherEndpoint = register(device, other);
        assertThat(put(server, endpoint, 4).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 4));
        assertThat(put(server, otherEndpoint, 9).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(other, 9));
        unregister(device, channel);
        device.close();

        // No channel list in this hello, so only the unregister can have dropped the channel.
        ProtocolClient again = connect(server);
        resume(again, uaid);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(other, 9));
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P3.3/P3.5 a channel unregistered and registered again on one socket starts afresh, live")
    void reRegisteredChannelStartsAfresh() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        assertThat(put(server, endpoint, 50).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 50));
        ack(device, channel, 50);
        unregister(device, channel);

        URI again = register(device, channel);
        assertThat(put(server, again, 1).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 1));
    }

    @Test
    @DisplayName("P3.5 an endpoint of an unregistered channel answers 410 from then on, even once the channel is registered again (as W3.4)")
    void unregisteredEndpointStaysGone() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI before = register(device, channel);
        assertThat(put(server, before, 1).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 1));
        ack(device, channel, 1);
        unregister(device, channel);

        URI after = register(device, channel);

        Response gone = put(server, before, 2);
        assertThat(gone.status()).as("the endpoint of the earlier registration").isEqualTo(410);
        assertErrorBody(gone, 410);
        device.expectNothing(NOTHING);
        assertThat(put(server, after, 3).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 3));
        assertThat(put(server, before, 4).status()).as("still, once the new registration took a version")
                .isEqualTo(410);
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P2.4/P3.5 an endpoint of a channel dropped from a hello's list stays 410 when the channel is registered again")
    void droppedChannelsEndpointStaysGone() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        String channel = newChannel();
        URI before = register(first, channel);
        first.close();

        ProtocolClient second = connect(server);
        assertThat(hello(second, Optional.of(uaid.value()), Optional.of(List.of())).uaid()).contains(uaid);
        URI after = register(second, channel);

        assertThat(put(server, before, 1).status()).isEqualTo(410);
        second.expectNothing(NOTHING);
        assertThat(put(server, after, 2).status()).isEqualTo(200);
        assertThat(second.receive(Notification.class).updates()).containsExactly(update(channel, 2));
    }

    @Test
    @DisplayName("P2.4/P3.5 after a reset, the old UAID's endpoint stays 410 when the new UAID registers the same channel")
    void resetDevicesEndpointStaysGone() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        String channel = newChannel();
        URI before = register(first, channel);
        first.close();

        ProtocolClient second = connect(server);
        HelloReply reset = hello(second, Optional.of(uaid.value()), Optional.of(List.of(channel, newChannel())));
        assertThat(reset.uaid()).isPresent().isNotEqualTo(Optional.of(uaid));
        URI after = register(second, channel);

        assertThat(put(server, before, 1).status()).isEqualTo(410);
        second.expectNothing(NOTHING);
        assertThat(put(server, after, 2).status()).isEqualTo(200);
        assertThat(second.receive(Notification.class).updates()).containsExactly(update(channel, 2));
    }

    // ------------------------------------------------------------------------------------------------------
    // P4 the endpoint

    @Test
    @DisplayName("P4.3 an update for a connected device is answered 200 {} and delivered")
    void updateForConnectedDeviceIsDelivered() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        Response response = put(server, endpoint, 12);
        assertThat(response.status()).isEqualTo(200);
        assertSuccessBody(response);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 12));
    }

    @Test
    @DisplayName("P4.3 an update for an offline device is answered 202 {} and delivered after its next hello")
    void updateForOfflineDeviceIsStored() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        device.close();
        Response response = put(server, endpoint, 12);
        assertThat(response.status()).isEqualTo(202);
        assertSuccessBody(response);

        ProtocolClient again = connect(server);
        resume(again, uaid);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(channel, 12));
    }

    @ParameterizedTest(name = "P4.2 version {0} means now, in seconds")
    @ValueSource(strings = {"omitted", "empty"})
    @DisplayName("P4.2 an omitted or empty version means the current Unix time in seconds")
    void missingVersionMeansNow(String how) {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        long before = Instant.now().getEpochSecond();
        Response response = server.appServer().put(endpoint,
                how.equals("omitted") ? Optional.empty() : Optional.of(""), Optional.empty());
        long after = Instant.now().getEpochSecond();
        assertThat(response.status()).isEqualTo(200);
        List<Update> updates = device.receive(Notification.class).updates();
        assertThat(updates).hasSize(1);
        long version = updates.get(0).version().value();
        assertThat(Long.toString(version)).hasSize(10);
        assertThat(version).isBetween(before - 2, after + 2);
    }

    @ParameterizedTest(name = "P4.2 version \"{0}\" is answered 400")
    @ValueSource(strings = {
        "abc", "-1", "9223372036854775808", "1.5", "1e3", "0x10", "+5", " 7", "12345678901234567890123"
    })
    @DisplayName("P4.2 a version that is not an integer in 0..2^63-1 is answered 400")
    void badVersionIsRejected(String version) {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        URI endpoint = register(device, newChannel());
        Response response = server.appServer().put(endpoint, Optional.of(version), Optional.empty());
        assertThat(response.status()).isEqualTo(400);
        assertErrorBody(response, 400);
        device.expectNothing(NOTHING);
    }

    @ParameterizedTest(name = "P4.2 version {0} is accepted and delivered as a JSON number")
    @ValueSource(longs = {0, 1, Long.MAX_VALUE})
    @DisplayName("P4.2 the versions 0 and 2^63-1 are accepted")
    void boundaryVersionsAreAccepted(long version) {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        assertThat(put(server, endpoint, version).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, version));
    }

    @Test
    @DisplayName("P4.3 a token that does not decode is answered 404: garbage, corrupted, truncated")
    void undecodableTokenIsNotFound() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        URI endpoint = register(device, newChannel());
        String token = tokenOf(endpoint);
        int middle = token.length() / 2;
        String corrupted = token.substring(0, middle) + (token.charAt(middle) == 'A' ? 'B' : 'A')
                + token.substring(middle + 1);
        for (String bad : List.of("not-a-token", "AAAA", corrupted, token.substring(0, token.length() - 4),
                token + "AAAA")) {
            Response response = put(server, withToken(endpoint, bad), 1);
            assertThat(response.status()).as("token %s", bad).isEqualTo(404);
            assertErrorBody(response, 404);
        }
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P4.3/P4.5 a token made under another server's key is answered 404; after key rotation it decodes")
    void tokensDecodeOnlyUnderTheServersKeys() {
        String oldKey = EndpointTokens.randomKey();
        String newKey = EndpointTokens.randomKey();
        Harness before = server(PushConfig.builder().tokenKeys(List.of(oldKey)).build());
        ProtocolClient device = connect(before);
        helloAsNewDevice(device);
        String token = tokenOf(register(device, newChannel()));

        Harness stranger = server(PushConfig.builder().tokenKeys(List.of(newKey)).build());
        assertThat(put(stranger, withToken(endpointOn(stranger), token), 1).status()).isEqualTo(404);

        // The rotated server decodes the token; it does not know the device (its store is another), hence 410.
        Harness rotated = server(PushConfig.builder().tokenKeys(List.of(newKey, oldKey)).build());
        assertThat(put(rotated, withToken(endpointOn(rotated), token), 1).status()).isEqualTo(410);
    }

    @Test
    @DisplayName("P4.5 tokens are opaque: the same channel of two registrations gets tokens that differ")
    void tokensAreOpaque() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        String first = tokenOf(register(device, channel));
        String second = tokenOf(register(device, channel));
        assertThat(first).isNotEqualTo(second).doesNotEndWith("=").doesNotEndWith("%3D");
        for (String token : List.of(first, second)) {
            assertThat(token).matches("[A-Za-z0-9_-]+")
                    .doesNotContainIgnoringCase(uaid.value())
                    .doesNotContainIgnoringCase(channel.replace("-", ""));
        }
    }

    @Test
    @DisplayName("P4.1 data is passed to a connected device in the update's data field, exactly")
    void dataIsPassedToConnectedDevice() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        String data = "hello & goodbye = \"quoted\" + 100% é ✓ \\ {\"json\":[1]}\n";
        assertThat(server.appServer().put(endpoint, Optional.of("3"), Optional.of(data)).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates())
                .containsExactly(new Update(ChannelId.of(channel), Version.of(3), Optional.of(data)));
    }

    @Test
    @DisplayName("P4.1 data is never stored: an offline device gets the version without it")
    void dataIsNotStoredForOfflineDevice() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        device.close();
        assertThat(server.appServer().put(endpoint, Optional.of("8"), Optional.of("secret")).status())
                .isEqualTo(202);

        ProtocolClient again = connect(server);
        resume(again, uaid);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(channel, 8));
    }

    @Test
    @DisplayName("P4.1 data is never stored: a live delivery never acked is redelivered without it")
    void dataIsNotStoredForRedelivery() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        assertThat(server.appServer().put(endpoint, Optional.of("8"), Optional.of("secret")).status())
                .isEqualTo(200);
        assertThat(device.receive(Notification.class).updates())
                .containsExactly(new Update(ChannelId.of(channel), Version.of(8), Optional.of("secret")));
        device.close();

        ProtocolClient again = connect(server);
        resume(again, uaid);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(channel, 8));
    }

    @Test
    @DisplayName("P4.1/P4.3 data up to 4096 UTF-8 bytes is accepted; more is answered 413 and not delivered")
    void dataTooLarge() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        String largest = "x".repeat(PushConfig.DEFAULT_MAX_DATA_BYTES);
        assertThat(server.appServer().put(endpoint, Optional.of("1"), Optional.of(largest)).status())
                .isEqualTo(200);
        assertThat(device.receive(Notification.class).updates())
                .containsExactly(new Update(ChannelId.of(channel), Version.of(1), Optional.of(largest)));

        for (String tooLarge : List.of("x".repeat(PushConfig.DEFAULT_MAX_DATA_BYTES + 1),
                "é".repeat(PushConfig.DEFAULT_MAX_DATA_BYTES / 2 + 1))) {
            Response response = server.appServer().put(endpoint, Optional.of("2"), Optional.of(tooLarge));
            assertThat(response.status()).isEqualTo(413);
            assertErrorBody(response, 413);
        }
        device.expectNothing(NOTHING);
        assertThat(put(server, endpoint, 2).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 2));
    }

    @Test
    @DisplayName("P4.1 the version is accepted as a form body without Content-Type, and from the query string")
    void endpointAcceptsFormVariants() {
        Harness server = server();
        AppServer app = server.appServer();
        assumeTrue(app.supportsRawHttp(), "needs an HTTP client");
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);

        assertThat(app.send("PUT", endpoint, Map.of(), "version=5").status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 5));
        assertThat(app.send("PUT", URI.create(endpoint + "?version=6"), Map.of(), "").status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 6));
        assertThat(app.send("PUT", endpoint, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "version=7&data=" + URLEncoder.encode("a&b=c", StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates())
                .containsExactly(new Update(ChannelId.of(channel), Version.of(7), Optional.of("a&b=c")));
    }

    @Test
    @DisplayName("P4.3 a request body over the limit is answered 413, even when its data field is small")
    void bodyTooLarge() {
        Harness server = server();
        AppServer app = server.appServer();
        assumeTrue(app.supportsRawHttp(), "needs an HTTP client");
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        URI endpoint = register(device, newChannel());
        Response response = app.send("PUT", endpoint, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "version=5&data=small&padding=" + "x".repeat(1024 * 1024));
        assertThat(response.status()).isEqualTo(413);
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P4.4 OPTIONS answers a CORS preflight; methods other than PUT and OPTIONS are answered 405")
    void endpointMethods() {
        Harness server = server();
        AppServer app = server.appServer();
        assumeTrue(app.supportsRawHttp(), "needs an HTTP client");
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        URI endpoint = register(device, newChannel());

        Response preflight = app.send("OPTIONS", endpoint, Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "PUT"), "");
        assertThat(preflight.status()).isBetween(200, 204);
        assertThat(preflight.header("Access-Control-Allow-Methods")).hasValueSatisfying(
                methods -> assertThat(methods.toUpperCase(Locale.ROOT)).contains("PUT"));
        assertThat(preflight.header("Access-Control-Allow-Origin")).isPresent();
        for (String method : List.of("GET", "POST", "DELETE", "PATCH")) {
            assertThat(app.send(method, endpoint, Map.of(), method.equals("GET") ? "" : "version=1").status())
                    .as(method).isEqualTo(405);
        }
        device.expectNothing(NOTHING);
    }

    // ------------------------------------------------------------------------------------------------------
    // P5 versions, notifications, acks

    @Test
    @DisplayName("P5.1 a version not above the stored one is answered 200 like a new one but not delivered")
    void staleVersionIsNotDeliveredToConnectedDevice() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        assertThat(put(server, endpoint, 5).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 5));
        ack(device, channel, 5);
        assertThat(put(server, endpoint, 5).status()).isEqualTo(200);
        assertThat(put(server, endpoint, 4).status()).isEqualTo(200);
        device.expectNothing(NOTHING);
        device.close();

        // A new connection has been sent nothing yet, so only the stored version can hold stale ones back.
        ProtocolClient again = connect(server);
        resume(again, uaid);
        assertThat(put(server, endpoint, 5).status()).isEqualTo(200);
        assertThat(put(server, endpoint, 0).status()).isEqualTo(200);
        again.expectNothing(NOTHING);
        assertThat(put(server, endpoint, 6).status()).isEqualTo(200);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(channel, 6));
    }

    @Test
    @DisplayName("P5.1 for an offline device a stale version is answered 202 and only the latest version is kept")
    void staleVersionIsNotStoredForOfflineDevice() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        device.close();
        assertThat(put(server, endpoint, 10).status()).isEqualTo(202);
        assertThat(put(server, endpoint, 10).status()).isEqualTo(202);
        assertThat(put(server, endpoint, 7).status()).isEqualTo(202);

        ProtocolClient again = connect(server);
        resume(again, uaid);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(channel, 10));
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P5.2 several pending updates all arrive after hello, each channel once with its latest version")
    void pendingUpdatesAreBatchedAfterHello() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        Map<String, Long> expected = new LinkedHashMap<>();
        List<URI> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String channel = newChannel();
            endpoints.add(register(device, channel));
            expected.put(channel, 100L + i);
        }
        device.close();
        int i = 0;
        for (Map.Entry<String, Long> entry : expected.entrySet()) {
            assertThat(put(server, endpoints.get(i), entry.getValue() - 50).status()).isEqualTo(202);
            assertThat(put(server, endpoints.get(i), entry.getValue()).status()).isEqualTo(202);
            i++;
        }

        ProtocolClient again = connect(server);
        resume(again, uaid);
        Map<String, Long> received = new LinkedHashMap<>();
        while (received.size() < expected.size()) {
            for (Update update : again.receive(Notification.class).updates()) {
                assertThat(update.data()).isEmpty();
                Long previous = received.put(update.channelId().value(), update.version().value());
                assertThat(previous).as("channel %s sent twice", update.channelId()).isNull();
            }
        }
        assertThat(received).isEqualTo(expected);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P5.3 an ack below the pending version keeps it pending: it is redelivered after reconnect")
    void lowerAckKeepsPending() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        assertThat(put(server, endpoint, 5).status()).isEqualTo(200);
        device.receive(Notification.class);
        ack(device, channel, 4);
        device.close();

        ProtocolClient again = connect(server);
        resume(again, uaid);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(channel, 5));
    }

    @ParameterizedTest(name = "P5.3 an ack of version {0} clears pending version 5")
    @ValueSource(longs = {5, 6})
    @DisplayName("P5.3 an ack at or above the pending version clears it, and is not replied to")
    void coveringAckClearsPending(long acked) {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        assertThat(put(server, endpoint, 5).status()).isEqualTo(200);
        device.receive(Notification.class);
        ack(device, channel, acked);
        device.expectNothing(NOTHING);
        device.close();

        ProtocolClient again = connect(server);
        resume(again, uaid);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P5.3 a newer version that arrived before the ack of an older one survives the ack")
    void newerVersionSurvivesOlderAck() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        assertThat(put(server, endpoint, 5).status()).isEqualTo(200);
        assertThat(put(server, endpoint, 6).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 5));
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 6));
        ack(device, channel, 5);
        device.close();

        ProtocolClient again = connect(server);
        resume(again, uaid);
        assertThat(again.receive(Notification.class).updates()).containsExactly(update(channel, 6));
    }

    @Test
    @DisplayName("P5.3 acks for unknown channels and malformed acks are ignored, without reply")
    void unknownAcksAreIgnored() {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        ack(device, newChannel(), 3);
        device.send(new Ack(List.of()));
        if (device.supportsRawFrames()) {
            device.sendText("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + newChannel()
                    + "\",\"version\":1},{\"channelID\":42,\"version\":\"x\"},{}]}");
        }
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
        assertThat(put(server, endpoint, 1).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 1));
    }

    @Test
    @DisplayName("P5.4 a live delivery never acked is redelivered after every hello until acked; an acked one is not")
    void unackedLiveDeliveryIsRedelivered() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloAsNewDevice(device);
        String unacked = newChannel();
        String acked = newChannel();
        URI unackedEndpoint = register(device, unacked);
        URI ackedEndpoint = register(device, acked);
        assertThat(put(server, unackedEndpoint, 21).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(unacked, 21));
        assertThat(put(server, ackedEndpoint, 22).status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(acked, 22));
        ack(device, acked, 22);
        device.close();

        ProtocolClient second = connect(server);
        resume(second, uaid);
        assertThat(second.receive(Notification.class).updates()).containsExactly(update(unacked, 21));
        second.expectNothing(NOTHING);
        second.close();

        ProtocolClient third = connect(server);
        resume(third, uaid);
        assertThat(third.receive(Notification.class).updates()).containsExactly(update(unacked, 21));
        ack(third, unacked, 21);
        third.expectNothing(NOTHING);
        third.close();

        ProtocolClient fourth = connect(server);
        resume(fourth, uaid);
        fourth.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("P5.5 on one connection a channel never gets a lower version after a higher one, concurrently")
    void versionsNeverGoBackwardsOnOneConnection() throws Exception {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        String channel = newChannel();
        URI endpoint = register(device, channel);
        int threads = 8;
        int perThread = 100;
        AtomicLong versions = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        assertThat(put(server, endpoint, versions.incrementAndGet()).status()).isEqualTo(200);
                    }
                }));
            }
            for (Future<?> done : work) {
                done.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long last = (long) threads * perThread;
        long highest = -1;
        while (highest < last) {
            for (Update update : device.receive(Notification.class).updates()) {
                assertThat(update.channelId().value()).isEqualTo(channel);
                assertThat(update.version().value()).as("version after %d", highest).isGreaterThanOrEqualTo(highest);
                highest = update.version().value();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // P6 ping

    @Test
    @DisplayName("P6.1 the ping {} is answered {}")
    void pingIsAnswered() {
        ProtocolClient device = connect(server());
        helloAsNewDevice(device);
        device.send(Ping.INSTANCE);
        assertThat(device.receive()).isEqualTo(Pong.INSTANCE);
        if (device.supportsRawFrames()) {
            device.expectNothing(NOTHING);
        }
    }

    @ParameterizedTest(name = "P6.1 messageType {0} is a ping, answered and rate-limited as the empty object is")
    @ValueSource(strings = {"ping", "PING", "Ping"})
    @DisplayName("P6.1 {\"messageType\":\"ping\"} in any case is a ping, answered {} and counted by the same rate limit")
    void messageTypePingIsAPing(String type) {
        ProtocolClient device = connect(server());
        helloAsNewDevice(device);
        sendFrame(device, "{\"messageType\":\"" + type + "\"}", Ping.INSTANCE);
        assertThat(device.receive()).isEqualTo(Pong.INSTANCE);
        sendFrame(device, "{}", Ping.INSTANCE);
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    @DisplayName("P6.2 the first ping is always answered; a second one within minPingInterval closes the socket")
    void pingsTooFastClose() {
        ProtocolClient device = connect(server());
        helloAsNewDevice(device);
        device.send(Ping.INSTANCE);
        device.receive(Pong.class);
        device.send(Ping.INSTANCE);
        device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT);
    }

    @Test
    @DisplayName("P6.2 a ping after minPingInterval has passed is answered")
    void pingAfterFloorIsAnswered() {
        ProtocolClient device = connect(server(PushConfig.builder().minPingInterval(Duration.ofMillis(100)).build()));
        helloAsNewDevice(device);
        for (int i = 0; i < 3; i++) {
            device.send(Ping.INSTANCE);
            device.receive(Pong.class);
            device.expectNothing(Duration.ofMillis(200));
        }
        assertThat(device.isOpen()).isTrue();
    }

    @Test
    @DisplayName("P6.2 the ping floor is per socket: another socket of the same device may ping at once")
    void pingFloorIsPerSocket() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloAsNewDevice(first);
        first.send(Ping.INSTANCE);
        first.receive(Pong.class);
        first.close();

        ProtocolClient second = connect(server);
        resume(second, uaid);
        second.send(Ping.INSTANCE);
        second.receive(Pong.class);
        assertThat(second.isOpen()).isTrue();
    }

    // ------------------------------------------------------------------------------------------------------
    // helpers

    private Harness server() {
        return server(PushConfig.defaults());
    }

    private Harness server(PushConfig config) {
        Harness harness = start(config);
        harnesses.add(harness);
        return harness;
    }

    private ProtocolClient connect(Harness harness, String... subprotocols) {
        ProtocolClient client = harness.connect(List.of(subprotocols));
        clients.add(client);
        return client;
    }

    /** Sends {@code frame} verbatim where the client speaks the wire, else the message the codec makes of it. */
    private static void sendFrame(ProtocolClient client, String frame, ClientMessage equivalent) {
        if (client.supportsRawFrames()) {
            client.sendText(frame);
        } else {
            client.send(equivalent);
        }
    }

    private static HelloReply hello(ProtocolClient client, Optional<String> uaid, Optional<List<String>> channels) {
        client.send(new Hello(uaid, channels, Optional.empty()));
        return client.receive(HelloReply.class);
    }

    /** Says hello as a new device (no UAID, empty channel list) and returns the UAID the server minted. */
    private static Uaid helloAsNewDevice(ProtocolClient client) {
        HelloReply reply = hello(client, Optional.empty(), Optional.of(List.of()));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).isPresent();
        return reply.uaid().get();
    }

    /** Says hello as the known device {@code uaid} without a channel list, and checks the UAID is kept. */
    private static void resume(ProtocolClient client, Uaid uaid) {
        HelloReply reply = hello(client, Optional.of(uaid.value()), Optional.empty());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).contains(uaid);
    }

    private static URI register(ProtocolClient client, String channel) {
        client.send(new Register(Optional.of(channel)));
        RegisterReply reply = client.receive(RegisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.pushEndpoint()).isPresent();
        return reply.pushEndpoint().get();
    }

    private static void unregister(ProtocolClient client, String channel) {
        client.send(new Unregister(Optional.of(channel)));
        UnregisterReply reply = client.receive(UnregisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
    }

    private static void ack(ProtocolClient client, String channel, long version) {
        client.send(new Ack(List.of(update(channel, version))));
    }

    private static Response put(Harness server, URI endpoint, long version) {
        return server.appServer().put(endpoint, Optional.of(Long.toString(version)), Optional.empty());
    }

    private static Update update(String channel, long version) {
        return Update.of(ChannelId.of(channel), Version.of(version));
    }

    private static String newChannel() {
        return UUID.randomUUID().toString();
    }

    private static String tokenOf(URI endpoint) {
        String path = endpoint.getRawPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static URI withToken(URI endpoint, String token) {
        String text = endpoint.toString();
        return URI.create(text.substring(0, text.lastIndexOf('/') + 1) + token);
    }

    /** An endpoint URL of {@code server}, to graft foreign tokens on. */
    private URI endpointOn(Harness server) {
        ProtocolClient device = connect(server);
        helloAsNewDevice(device);
        return register(device, newChannel());
    }

    private static void assertSuccessBody(Response response) {
        assertThat(response.body().strip()).isEqualTo("{}");
        assertJsonContentType(response);
    }

    /** P4.3: {@code {"code":<status>,"errno":<number>,"error":"...","message":"..."}} as JSON. */
    private static void assertErrorBody(Response response, int status) {
        String compact = response.body().replaceAll("\\s+", "");
        assertThat(compact).startsWith("{").endsWith("}")
                .contains("\"code\":" + status)
                .containsPattern("\"errno\":[0-9]+")
                .contains("\"error\":\"")
                .contains("\"message\":\"");
        assertJsonContentType(response);
    }

    private static void assertJsonContentType(Response response) {
        Optional<String> type = response.header("Content-Type");
        if (type.isEmpty()) {
            fail("no Content-Type in %s", response);
        }
        assertThat(type.get().toLowerCase(Locale.ROOT)).startsWith("application/json");
    }

    private static String padded(String prefix, int totalBytes) {
        String suffix = "\"}";
        return prefix + "x".repeat(totalBytes - prefix.length() - suffix.length()) + suffix;
    }
}
