package dev.simplepush.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.WebPushMessage.Payload;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ClientMessage.Ack;
import dev.simplepush.core.protocol.ClientMessage.BroadcastSubscribe;
import dev.simplepush.core.protocol.ClientMessage.Hello;
import dev.simplepush.core.protocol.ClientMessage.MessageAck;
import dev.simplepush.core.protocol.ClientMessage.Nack;
import dev.simplepush.core.protocol.ClientMessage.Ping;
import dev.simplepush.core.protocol.ClientMessage.Register;
import dev.simplepush.core.protocol.ClientMessage.Unregister;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.protocol.ServerMessage.AckReply;
import dev.simplepush.core.protocol.ServerMessage.Broadcast;
import dev.simplepush.core.protocol.ServerMessage.HelloReply;
import dev.simplepush.core.protocol.ServerMessage.NackReply;
import dev.simplepush.core.protocol.ServerMessage.Notification;
import dev.simplepush.core.protocol.ServerMessage.Pong;
import dev.simplepush.core.protocol.ServerMessage.RegisterReply;
import dev.simplepush.core.protocol.ServerMessage.UnregisterReply;
import dev.simplepush.core.protocol.ServerMessage.WebPushHelloReply;
import dev.simplepush.core.protocol.ServerMessage.WebPushNotification;
import dev.simplepush.core.testing.AppServer.Response;
import dev.simplepush.core.testing.ProtocolScenarios.Harness;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Web Push profile (W1–W10 of {@code webpush-profile.md}) as scenarios: what Firefox's push client and a stock
 * Web Push app server observe from the outside. Every composition runs the same scenarios through a thin subclass
 * that says how to {@link #start} a server and reach it, as for {@link ProtocolScenarios}, whose {@link Harness},
 * {@link ProtocolClient} and {@link AppServer} it reuses.
 *
 * <p>Each test names the rule it checks. The app server's side (W4, W6, W7, and every scenario that needs a
 * message) is raw HTTP: those scenarios run only where the harness {@linkplain AppServer#supportsRawHttp() supports
 * it} and are skipped by assumption elsewhere; so are the few that need raw frames. Message bodies are opaque test
 * bytes: the server never decrypts (W5.4). VAPID tokens are signed by {@link VapidSigner} for the origin of the
 * endpoint URL (W7.2).
 *
 * <p>Waits use timeouts; the fixed waits are the short windows in which nothing may arrive, and the one TTL that
 * must run out (W9.3).
 *
 * <p>Not covered here: broadcasts a server carries (W2.4; this project carries none), request timeouts (W3.5),
 * clustering (W9.5, in the store adapters' multi-node suites), storage failures (W6.9 503).
 */
public abstract class WebPushScenarios {

    /** A window in which nothing may arrive; short, since it is a fixed wait. */
    protected static final Duration NOTHING = Duration.ofMillis(250);

    private static final int MAX_TTL = WebPushMessage.MAX_TTL_SECONDS;
    private static final int MAX_BODY_BYTES = 4096;
    private static final String TTL = "60";
    private static final String AES128GCM = "aes128gcm";
    private static final String MONITOR_CHANGES = "remote-settings/monitor_changes";
    private static final String NOT_FOUND = "Broadcast not found";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern ERROR_REASON = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern ERRNO = Pattern.compile("\"errno\"\\s*:\\s*([0-9]+)");
    private static final Map<Integer, Set<String>> REASONS = Map.of(
            400, Set.of("Bad Request"),
            401, Set.of("Unauthorized"),
            403, Set.of("Forbidden"),
            404, Set.of("Not Found"),
            405, Set.of("Method Not Allowed"),
            410, Set.of("Gone"),
            413, Set.of("Payload Too Large", "Content Too Large", "Request Entity Too Large"),
            429, Set.of("Too Many Requests"));

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
    // W1 negotiation

    @Test
    @DisplayName("W1.1/W1.2 a Web Push hello is answered with use_webpush:true, a fresh UAID and broadcasts {}")
    void webPushHelloIsAnswered() {
        ProtocolClient device = connect(server());
        device.send(webPushHello(Optional.empty()));
        WebPushHelloReply reply = device.receive(WebPushHelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid().value()).matches("[0-9a-f]{32}");
        assertThat(reply.broadcasts()).isEmpty();
        device.lastFrameText().ifPresent(frame -> assertThat(frame.replaceAll("\\s+", ""))
                .contains("\"use_webpush\":true").contains("\"broadcasts\":{"));
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
    }

    static Stream<Arguments> simplePushHellos() {
        return Stream.of(
                Arguments.of("use_webpush absent", "{\"messageType\":\"hello\",\"channelIDs\":[]}"),
                Arguments.of("use_webpush false", "{\"messageType\":\"hello\",\"use_webpush\":false}"),
                Arguments.of("use_webpush \"true\"", "{\"messageType\":\"hello\",\"use_webpush\":\"true\"}"),
                Arguments.of("use_webpush 1", "{\"messageType\":\"hello\",\"use_webpush\":1,\"broadcasts\":{}}"),
                Arguments.of("use_webpush null", "{\"messageType\":\"hello\",\"use_webpush\":null}"));
    }

    @ParameterizedTest(name = "W1.1 a hello with {0} is SimplePush: reply, endpoint and notifications as P2-P5")
    @MethodSource("simplePushHellos")
    @DisplayName("W1.1 every other hello is a SimplePush connection, its reply unchanged byte for byte")
    void otherHellosAreSimplePush(String description, String frame) {
        Harness server = server();
        ProtocolClient device = connect(server);
        sendFrame(device, frame, new Hello(Optional.empty(), Optional.of(List.of()), Optional.empty()));
        HelloReply reply = device.receive(HelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        Uaid uaid = reply.uaid().orElseThrow();
        device.lastFrameText().ifPresent(text -> assertThat(text)
                .isEqualTo("{\"messageType\":\"hello\",\"uaid\":\"" + uaid.value() + "\",\"status\":200}"));
        String channel = newChannel();
        device.send(new Register(Optional.of(channel)));
        RegisterReply registered = device.receive(RegisterReply.class);
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.pushEndpoint()).hasValueSatisfying(
                endpoint -> assertThat(endpoint.getRawPath()).matches(".*/update/[A-Za-z0-9_-]+"));
        assertThat(server.appServer().put(registered.pushEndpoint().get(), Optional.of("3"), Optional.empty())
                .status()).isEqualTo(200);
        assertThat(device.receive(Notification.class).updates()).containsExactly(update(channel, 3));
    }

    @Test
    @DisplayName("W1.3 a Web Push hello with a known UAID keeps it, with its subscriptions (no channelIDs sent)")
    void knownUaidIsKept() {
        Harness server = server();
        ProtocolClient first = connect(server);
        Uaid uaid = helloWebPush(first);
        String channel = newChannel();
        subscribe(first, channel);
        first.close();

        ProtocolClient second = connect(server);
        resumeWebPush(second, uaid);
        // The subscription is still there: registering it again is idempotent (W3.3), not a new device's first.
        subscribe(second, channel);
        second.close();

        ProtocolClient third = connect(server);
        resumeWebPush(third, uaid);
    }

    @ParameterizedTest(name = "W1.3 a Web Push hello with the UAID \"{0}\" gets a fresh one")
    @ValueSource(strings = {"0123456789abcdef0123456789abcdef", "not-a-uaid", "0123456789ABCDEF0123456789ABCDEF"})
    @DisplayName("W1.3 an unknown or malformed UAID in a Web Push hello is replaced (P2.4)")
    void unknownUaidIsReplaced(String sent) {
        ProtocolClient device = connect(server());
        device.send(new Hello(Optional.of(sent), Optional.empty(), Optional.empty(), true, Map.of()));
        WebPushHelloReply reply = device.receive(WebPushHelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid().value()).matches("[0-9a-f]{32}").isNotEqualToIgnoringCase(sent);
    }

    @Test
    @DisplayName("W1.4 the dialect is per connection: the same UAID speaks SimplePush on one socket, Web Push on the next")
    void dialectIsPerConnection() {
        Harness server = server();
        ProtocolClient webPush = connect(server);
        Uaid uaid = helloWebPush(webPush);
        subscribe(webPush, newChannel());
        webPush.close();

        ProtocolClient simplePush = connect(server);
        simplePush.send(new Hello(Optional.of(uaid.value()), Optional.empty(), Optional.empty()));
        HelloReply reply = simplePush.receive(HelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).contains(uaid);
        String channel = newChannel();
        simplePush.send(new Register(Optional.of(channel)));
        URI endpoint = simplePush.receive(RegisterReply.class).pushEndpoint().orElseThrow();
        assertThat(endpoint.getRawPath()).contains("/update/");
        assertThat(server.appServer().put(endpoint, Optional.of("5"), Optional.empty()).status()).isEqualTo(200);
        assertThat(simplePush.receive(Notification.class).updates()).containsExactly(update(channel, 5));
        simplePush.send(new Ack(List.of(update(channel, 5))));
        simplePush.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertThat(server.appServer().put(endpoint, Optional.of("6"), Optional.empty()).status()).isEqualTo(200);
        WebPushNotification notification = again.receive(WebPushNotification.class);
        assertThat(notification.channelId().value()).isEqualTo(channel);
        assertThat(notification.payload()).isEmpty();
        // Acked the way Firefox acks, with the version it was sent: the update is not sent again.
        again.send(messageAck(channel, notification.version(), 100));
        settle(again);
        again.close();

        ProtocolClient last = connect(server);
        resumeWebPush(last, uaid);
        last.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W1.2/P2.6 a second hello on a Web Push connection is answered 401 and the socket is closed")
    void secondHelloIsRefused() {
        ProtocolClient device = connect(server());
        Uaid uaid = helloWebPush(device);
        device.send(webPushHello(Optional.of(uaid)));
        ServerMessage reply = device.receive();
        int status = reply instanceof WebPushHelloReply webPush ? webPush.status() : ((HelloReply) reply).status();
        assertThat(status).isEqualTo(401);
        device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT);
    }

    // ------------------------------------------------------------------------------------------------------
    // W2 broadcasts

    @Test
    @DisplayName("W2.1/W2.3 broadcasts in a Web Push hello are accepted: no versions in the reply, the socket stays open")
    void broadcastsInHelloAreAccepted() {
        ProtocolClient device = connect(server());
        Map<String, String> held = new LinkedHashMap<>();
        held.put(MONITOR_CHANGES, "\"0\"");
        held.put("megaphone/test", "____NOP____");
        device.send(new Hello(Optional.empty(), Optional.empty(), Optional.empty(), true, held));
        WebPushHelloReply reply = device.receive(WebPushHelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.broadcasts()).isEmpty();
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
        subscribe(device, newChannel());
    }

    @Test
    @DisplayName("W2.2/W2.3 broadcast_subscribe is answered with every id under errors, and never closes the socket")
    void broadcastSubscribeIsAnsweredWithErrors() {
        ProtocolClient device = connect(server());
        helloWebPush(device);
        device.send(new BroadcastSubscribe(Map.of(MONITOR_CHANGES, "\"0\"")));
        Broadcast first = device.receive(Broadcast.class);
        assertThat(first.broadcasts()).isEmpty();
        assertThat(first.errors()).isEqualTo(Map.of(MONITOR_CHANGES, NOT_FOUND));

        Map<String, String> two = new LinkedHashMap<>();
        two.put("megaphone/a", "____NOP____");
        two.put("megaphone/b", "v7");
        device.send(new BroadcastSubscribe(two));
        Broadcast second = device.receive(Broadcast.class);
        assertThat(second.broadcasts()).isEmpty();
        assertThat(second.errors()).isEqualTo(Map.of("megaphone/a", NOT_FOUND, "megaphone/b", NOT_FOUND));
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
        subscribe(device, newChannel());
    }

    @Test
    @DisplayName("W2.2 a broadcast_subscribe with an empty map gets no message, and the socket stays open")
    void emptyBroadcastSubscribeGetsNothing() {
        ProtocolClient device = connect(server());
        helloWebPush(device);
        device.send(new BroadcastSubscribe(Map.of()));
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
        subscribe(device, newChannel());
    }

    @ParameterizedTest(name = "W2.5 the frame {0} closes the socket")
    @ValueSource(strings = {
        "{\"messageType\":\"hello\",\"use_webpush\":true,\"broadcasts\":[]}",
        "{\"messageType\":\"hello\",\"use_webpush\":true,\"broadcasts\":\"x\"}",
        "{\"messageType\":\"hello\",\"use_webpush\":true,\"broadcasts\":{\"a\":1}}",
        "{\"messageType\":\"hello\",\"use_webpush\":true,\"broadcasts\":{\"a\":{\"b\":\"c\"}}}",
        "{\"messageType\":\"broadcast_subscribe\",\"broadcasts\":42}",
        "{\"messageType\":\"broadcast_subscribe\",\"broadcasts\":{\"a\":[\"v1\"]}}",
        "{\"messageType\":\"broadcast_subscribe\",\"broadcasts\":{\"a\":\"v1\",\"b\":true}}"
    })
    @DisplayName("W2.5 a broadcasts that is not an object of strings is a protocol error and closes the socket (P1.3)")
    void malformedBroadcastsClose(String frame) {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        if (frame.contains("broadcast_subscribe")) {
            helloWebPush(device);
        }
        device.sendText(frame);
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isIn(
                CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD, CloseCodes.POLICY_VIOLATION);
    }

    // ------------------------------------------------------------------------------------------------------
    // W3 register / unregister, W4 endpoint URLs

    @Test
    @DisplayName("W3.1/W4.1 register without a key gets status 200 and an absolute <base>/wpush/v1/<token>")
    void registerWithoutKey() {
        Harness server = server();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        device.send(new Register(Optional.of(channel)));
        RegisterReply reply = device.receive(RegisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
        URI endpoint = reply.pushEndpoint().orElseThrow();
        assertThat(endpoint.isAbsolute()).as("absolute: %s", endpoint).isTrue();
        assertThat(endpoint.getScheme()).isIn("http", "https");
        assertThat(endpoint.getRawPath()).matches(".*/wpush/v1/[A-Za-z0-9_-]+");
        assertThat(baseOf(endpoint, "/wpush/v1/")).isEqualTo(simplePushBase(server));
        // W4.2: the token reveals nothing.
        assertThat(tokenOf(endpoint)).doesNotContainIgnoringCase(uaid.value())
                .doesNotContainIgnoringCase(channel.replace("-", ""));
    }

    static Stream<Arguments> keySpellings() {
        VapidSigner signer = signerWithUrlSafeCharacters();
        return Stream.of(
                Arguments.of("base64url without padding", signer, signer.publicKey()),
                Arguments.of("base64url with = padding, as Firefox sends it", signer, signer.publicKeyPadded()),
                Arguments.of("the standard alphabet, padded", signer, signer.publicKeyStandard()),
                Arguments.of("the standard alphabet, unpadded", signer, signer.publicKeyStandard().replace("=", "")));
    }

    @ParameterizedTest(name = "W3.2/W4.1 register with a key in {0} gets <base>/wpush/v2/<token>")
    @MethodSource("keySpellings")
    @DisplayName("W3.2/W4.1 register with a key gets status 200 and an absolute <base>/wpush/v2/<token>")
    void registerWithKey(String description, VapidSigner signer, String key) {
        Harness server = server();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        device.send(new Register(Optional.of(channel), Optional.of(key)));
        RegisterReply reply = device.receive(RegisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
        URI endpoint = reply.pushEndpoint().orElseThrow();
        assertThat(endpoint.isAbsolute()).as("absolute: %s", endpoint).isTrue();
        assertThat(endpoint.getRawPath()).matches(".*/wpush/v2/[A-Za-z0-9_-]+");
        assertThat(baseOf(endpoint, "/wpush/v2/")).isEqualTo(simplePushBase(server));
    }

    static Stream<Arguments> badKeys() {
        byte[] point = VapidSigner.generate().publicKeyBytes();
        byte[] offCurve = point.clone();
        offCurve[64] ^= 1;
        byte[] wrongPrefix = point.clone();
        wrongPrefix[0] = 0x05;
        byte[] compressed = Arrays.copyOfRange(point, 0, 33);
        compressed[0] = (byte) (0x02 + (point[64] & 1));
        return Stream.of(
                Arguments.of("not base64", "not a key!"),
                Arguments.of("64 bytes", URL.encodeToString(Arrays.copyOfRange(point, 1, 65))),
                Arguments.of("a compressed point", URL.encodeToString(compressed)),
                Arguments.of("65 bytes not starting with 0x04", URL.encodeToString(wrongPrefix)),
                Arguments.of("a point off the curve", URL.encodeToString(offCurve)),
                Arguments.of("66 bytes", URL.encodeToString(Arrays.copyOf(point, 66))));
    }

    @ParameterizedTest(name = "W3.2 register with a key that is {0} gets status 400, no endpoint, the socket open")
    @MethodSource("badKeys")
    @DisplayName("W3.2 a key that is not an uncompressed P-256 point gets status 400 and no endpoint; the socket stays open")
    void registerWithBadKey(String description, String key) {
        ProtocolClient device = connect(server());
        helloWebPush(device);
        String channel = newChannel();
        device.send(new Register(Optional.of(channel), Optional.of(key)));
        RegisterReply reply = device.receive(RegisterReply.class);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.pushEndpoint()).isEmpty();
        assertThat(device.isOpen()).isTrue();
        subscribe(device, channel, VapidSigner.generate().publicKeyPadded());
    }

    @Test
    @DisplayName("W3.1/P3.2 a Web Push register with an invalid channelID gets status 401 and the socket stays open")
    void registerWithInvalidChannelId() {
        ProtocolClient device = connect(server());
        helloWebPush(device);
        device.send(new Register(Optional.of("not-a-uuid"), Optional.of(VapidSigner.generate().publicKey())));
        RegisterReply reply = device.receive(RegisterReply.class);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.pushEndpoint()).isEmpty();
        assertThat(device.isOpen()).isTrue();
        subscribe(device, newChannel());
    }

    @Test
    @DisplayName("W3.3 registering again with the same key is idempotent: every endpoint handed out works")
    void registerAgainWithSameKey() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        VapidSigner signer = VapidSigner.generate();
        URI first = subscribe(device, channel, signer.publicKeyPadded());
        URI second = subscribe(device, channel, signer.publicKey());
        for (URI endpoint : List.of(first, second)) {
            byte[] body = randomBody(32);
            String id = accepted(post(server, endpoint, body, vapid(signer, endpoint)));
            assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
        }
    }

    @Test
    @DisplayName("W3.3 registering again without a key is idempotent: every endpoint handed out works")
    void registerAgainWithoutKey() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI first = subscribe(device, channel);
        URI second = subscribe(device, channel);
        for (URI endpoint : List.of(second, first)) {
            byte[] body = randomBody(32);
            String id = accepted(post(server, endpoint, body));
            assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
        }
    }

    @Test
    @DisplayName("W3.3 registering again with a different key answers 410 at the old endpoint and issues a new restricted one")
    void registerAgainWithOtherKey() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        VapidSigner before = VapidSigner.generate();
        VapidSigner after = VapidSigner.generate();
        URI old = subscribe(device, channel, before.publicKeyPadded());
        URI current = subscribe(device, channel, after.publicKeyPadded());
        assertThat(current).isNotEqualTo(old);
        assertThat(current.getRawPath()).contains("/wpush/v2/");

        assertError(post(server, old, randomBody(16), vapid(before, old)), 410, 106);
        device.expectNothing(NOTHING);
        assertError(post(server, current, randomBody(16), vapid(before, current)), 403, 109);
        byte[] body = randomBody(16);
        String id = accepted(post(server, current, body, vapid(after, current)));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @ParameterizedTest(name = "W3.4 unregister with code {0} is answered 200")
    @ValueSource(strings = {"200", "201", "202", "999", "none"})
    @DisplayName("W3.4 unregister with any code, or none, is answered status 200 with the channelID")
    void unregisterWithAnyCode(String code) {
        ProtocolClient device = connect(server());
        helloWebPush(device);
        String channel = newChannel();
        subscribe(device, channel);
        String frame = "{\"messageType\":\"unregister\",\"channelID\":\"" + channel + "\""
                + (code.equals("none") ? "" : ",\"code\":" + code) + "}";
        sendFrame(device, frame, new Unregister(Optional.of(channel)));
        UnregisterReply reply = device.receive(UnregisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(device.isOpen()).isTrue();
    }

    @Test
    @DisplayName("W3.4 after unregister the endpoint answers 410 and the channel's pending messages are gone")
    void unregisterDropsQueue() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String gone = newChannel();
        String kept = newChannel();
        URI goneEndpoint = subscribe(device, gone);
        URI keptEndpoint = subscribe(device, kept);
        byte[] keptBody = randomBody(20);
        accepted(post(server, goneEndpoint, randomBody(20)));
        device.receive(WebPushNotification.class);
        String keptId = accepted(post(server, keptEndpoint, keptBody));
        device.receive(WebPushNotification.class);
        sendFrame(device, "{\"messageType\":\"unregister\",\"channelID\":\"" + gone + "\",\"code\":200}",
                new Unregister(Optional.of(gone)));
        assertThat(device.receive(UnregisterReply.class).status()).isEqualTo(200);
        assertError(post(server, goneEndpoint, randomBody(20)), 410, 106);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertDelivered(again.receive(WebPushNotification.class), kept, keptId, keptBody);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.9/P2.4 after the device's UAID is reset its endpoints answer 410 errno 106 and its queue is gone")
    void resetUaidEndpointsAreGone() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI open = subscribe(device, channel);
        URI restricted = subscribe(device, newChannel(), VapidSigner.generate().publicKeyPadded());
        device.close();
        accepted(post(server, open, randomBody(16)));

        // A known UAID listing a channel the server does not have is reset (P2.4).
        ProtocolClient again = connect(server);
        again.send(new Hello(Optional.of(uaid.value()), Optional.of(List.of(channel, newChannel())), Optional.empty(),
                true, Map.of()));
        WebPushHelloReply reply = again.receive(WebPushHelloReply.class);
        assertThat(reply.uaid()).isNotEqualTo(uaid);
        again.expectNothing(NOTHING);
        assertError(post(server, open, randomBody(16)), 410, 106);
        assertError(post(server, restricted, randomBody(16)), 410, 106);
    }

    @Test
    @DisplayName("W3.4 an endpoint of an unregistered channel answers 410 from then on, even if the channel is registered again")
    void unregisteredEndpointStaysGone() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI before = subscribe(device, channel);
        unsubscribe(device, channel);
        URI after = subscribe(device, channel);
        assertError(post(server, before, randomBody(16)), 410, 106);
        device.expectNothing(NOTHING);
        byte[] body = randomBody(16);
        String id = accepted(post(server, after, body));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @Test
    @DisplayName("W4.2/W7.3 a restricted subscription's token under /wpush/v1/ does not bypass VAPID")
    void restrictedTokenOnOpenPathIsRefused() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI restricted = subscribe(device, newChannel(), VapidSigner.generate().publicKeyPadded());
        URI moved = URI.create(restricted.toString().replace("/wpush/v2/", "/wpush/v1/"));
        Response response = post(server, moved, randomBody(16));
        assertThat(response.status()).as("%s", response).isIn(401, 403, 404);
        device.expectNothing(NOTHING);
    }

    // ------------------------------------------------------------------------------------------------------
    // W5 notifications

    @Test
    @DisplayName("W5.1/W5.4/W5.5 an aes128gcm message arrives as one notification: channelID, version, ttl, data, headers")
    void notificationShape() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        // 100 bytes: standard base64 would need padding and, for most bodies, + or /.
        byte[] body = randomBody(100);
        Response response = post(server, endpoint, body);
        String id = accepted(response);
        WebPushNotification notification = device.receive(WebPushNotification.class);
        assertThat(notification.channelId().value()).isEqualTo(channel);
        assertThat(notification.version()).isEqualTo(id);
        assertThat(notification.ttl()).isBetween(0L, Long.parseLong(TTL));
        Payload payload = notification.payload().orElseThrow(() -> new AssertionError("W5.4: no data"));
        assertThat(payload.data()).isEqualTo(URL.encodeToString(body)).doesNotContain("=");
        assertThat(payload.encoding()).isEqualTo(AES128GCM);
        assertThat(payload.encryption()).as("W5.5: nothing else in headers").isEmpty();
        assertThat(payload.cryptoKey()).as("W5.5: nothing else in headers").isEmpty();
        device.lastFrameText().ifPresent(frame -> assertThat(frame.replaceAll("\\s+", ""))
                .contains("\"headers\":{\"encoding\":\"aes128gcm\"}"));
    }

    @Test
    @DisplayName("W5.3 the channelID is sent exactly as registered")
    void channelIdExactlyAsRegistered() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = "6B29FC40-CA47-1067-B31D-00DD010662DA";
        URI endpoint = subscribe(device, channel);
        byte[] body = randomBody(10);
        String id = accepted(post(server, endpoint, body));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @Test
    @DisplayName("W5.5 an aesgcm message carries encryption and crypto_key, double quotes and base64 padding removed")
    void aesgcmHeaders() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        String salt = URL.encodeToString(randomBody(16));
        String dh = URL.encodeToString(VapidSigner.generate().publicKeyBytes());
        byte[] body = randomBody(50);
        String id = accepted(send(server, "POST", endpoint, headers("TTL", TTL, "Content-Encoding", "aesgcm",
                "Encryption", "salt=\"" + salt + "==\"", "Crypto-Key", "dh=\"" + dh + "=\""), body));
        WebPushNotification notification = device.receive(WebPushNotification.class);
        assertThat(notification.version()).isEqualTo(id);
        Payload payload = notification.payload().orElseThrow(() -> new AssertionError("W5.4: no data"));
        assertThat(payload.data()).isEqualTo(URL.encodeToString(body));
        assertThat(payload.encoding()).isEqualTo("aesgcm");
        assertThat(payload.encryption()).contains("salt=" + salt);
        assertThat(payload.cryptoKey()).contains("dh=" + dh);
    }

    @Test
    @DisplayName("W5.4 a message without a body arrives without data and without headers")
    void messageWithoutBody() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        String id = accepted(send(server, "POST", endpoint, headers("TTL", TTL), new byte[0]));
        WebPushNotification notification = device.receive(WebPushNotification.class);
        assertThat(notification.channelId().value()).isEqualTo(channel);
        assertThat(notification.version()).isEqualTo(id);
        assertThat(notification.payload()).isEmpty();
    }

    @Test
    @DisplayName("W5.2 the version is the message id: the last segment of Location, unique, the same on redelivery")
    void versionIsTheMessageId() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] firstBody = randomBody(30);
        byte[] secondBody = randomBody(30);
        String first = accepted(post(server, endpoint, firstBody));
        String second = accepted(post(server, endpoint, secondBody));
        assertThat(first).isNotEqualTo(second).matches("[A-Za-z0-9_-]+");
        assertDelivered(device.receive(WebPushNotification.class), channel, first, firstBody);
        assertDelivered(device.receive(WebPushNotification.class), channel, second, secondBody);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertDelivered(again.receive(WebPushNotification.class), channel, first, firstBody);
        assertDelivered(again.receive(WebPushNotification.class), channel, second, secondBody);
        again.expectNothing(NOTHING);
    }

    // ------------------------------------------------------------------------------------------------------
    // W6 the app-server API

    @ParameterizedTest(name = "W6.1 {0} delivers a message")
    @ValueSource(strings = {"POST", "PUT"})
    @DisplayName("W6.1 POST, and PUT without the SimplePush form, deliver a message")
    void postAndPutDeliver(String method) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] body = randomBody(64);
        String id = accepted(send(server, method, endpoint, headers("TTL", TTL, "Content-Encoding", AES128GCM), body));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @Test
    @DisplayName("W6.1 a PUT with Content-Encoding is a message like a POST, even when its body reads version=N")
    void putWithEncodingIsAMessage() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] body = utf8("version=5");
        String id = accepted(send(server, "PUT", endpoint, headers("TTL", TTL, "Content-Encoding", AES128GCM,
                "Content-Type", "application/x-www-form-urlencoded"), body));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @ParameterizedTest(name = "W6.1 {0} is answered 405")
    @ValueSource(strings = {"GET", "DELETE", "PATCH"})
    @DisplayName("W6.1 methods other than POST, PUT and OPTIONS are answered 405 and deliver nothing")
    void otherMethodsAreRefused(String method) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        Response response = send(server, method, endpoint,
                method.equals("GET") ? headers("TTL", TTL) : headers("TTL", TTL, "Content-Encoding", AES128GCM),
                method.equals("GET") ? new byte[0] : randomBody(16));
        assertThat(response.status()).isEqualTo(405);
        assertErrorShape(response, 405);
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.1/P4.4 OPTIONS answers a CORS preflight for POST")
    void optionsAnswersPreflight() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        Response preflight = send(server, "OPTIONS", endpoint, headers("Origin", "https://app.example",
                "Access-Control-Request-Method", "POST"), new byte[0]);
        assertThat(preflight.status()).isBetween(200, 204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isPresent();
        assertThat(preflight.header("Access-Control-Allow-Methods")).hasValueSatisfying(
                methods -> assertThat(methods.toUpperCase(Locale.ROOT)).contains("POST"));
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.2 a message without TTL is answered 400 errno 111 and not delivered")
    void ttlIsRequired() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        assertError(send(server, "POST", endpoint, headers("Content-Encoding", AES128GCM), randomBody(16)), 400, 111);
        assertError(send(server, "POST", endpoint, headers(), new byte[0]), 400, 111);
        device.expectNothing(NOTHING);
    }

    @ParameterizedTest(name = "W6.2 TTL \"{0}\" is answered 400 errno 112")
    @ValueSource(strings = {"-1", "abc", "1.5", "0x10", "+5", "1e3", "60s", "-0.0"})
    @DisplayName("W6.2 a TTL that is not a decimal integer of 0 or more is answered 400 errno 112 and not delivered")
    void invalidTtlIsRefused(String ttl) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        assertError(send(server, "POST", endpoint, headers("TTL", ttl, "Content-Encoding", AES128GCM),
                randomBody(16)), 400, 112);
        device.expectNothing(NOTHING);
    }

    @ParameterizedTest(name = "W6.2 TTL {0} is lowered to 2592000")
    @ValueSource(strings = {"2592001", "31536000", "9223372036854775807", "99999999999999999999"})
    @DisplayName("W6.2 a TTL above 30 days is lowered to 2592000, as the TTL response header says, not refused")
    void hugeTtlIsLowered(String ttl) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] body = randomBody(16);
        Response response = send(server, "POST", endpoint, headers("TTL", ttl, "Content-Encoding", AES128GCM), body);
        String id = accepted(response);
        assertThat(response.header("TTL")).contains(Integer.toString(MAX_TTL));
        WebPushNotification notification = device.receive(WebPushNotification.class);
        assertDelivered(notification, channel, id, body);
        assertThat(notification.ttl()).isBetween(MAX_TTL - 60L, (long) MAX_TTL);
    }

    @Test
    @DisplayName("W6.3 a TTL 0 message reaches a live device, answered 201")
    void ttlZeroReachesLiveDevice() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] body = randomBody(16);
        Response response = send(server, "POST", endpoint, headers("TTL", "0", "Content-Encoding", AES128GCM), body);
        String id = accepted(response);
        assertThat(response.header("TTL")).contains("0");
        WebPushNotification notification = device.receive(WebPushNotification.class);
        assertDelivered(notification, channel, id, body);
        assertThat(notification.ttl()).isZero();
    }

    @Test
    @DisplayName("W6.3 a TTL 0 message is never stored: answered 201, a later connection never gets it")
    void ttlZeroIsNeverStored() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        device.close();
        accepted(send(server, "POST", endpoint, headers("TTL", "0", "Content-Encoding", AES128GCM), randomBody(16)));

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.3 a TTL 0 message handed to a connection that closes before the ack is dropped")
    void ttlZeroIsDroppedWithItsConnection() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        accepted(send(server, "POST", endpoint, headers("TTL", "0", "Content-Encoding", AES128GCM), randomBody(16)));
        device.receive(WebPushNotification.class);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.4 a body of 4096 bytes is accepted; 4097 bytes is answered 413 errno 104 and not delivered")
    void bodyLimit() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] largest = randomBody(MAX_BODY_BYTES);
        String id = accepted(post(server, endpoint, largest));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, largest);
        assertError(post(server, endpoint, randomBody(MAX_BODY_BYTES + 1)), 413, 104);
        device.expectNothing(NOTHING);
    }

    static Stream<Arguments> badEncodings() {
        String salt = "salt=" + URL.encodeToString(new byte[16]);
        String dh = "dh=" + URL.encodeToString(VapidSigner.generate().publicKeyBytes());
        return Stream.of(
                Arguments.of("a body without Content-Encoding", headers("TTL", TTL)),
                Arguments.of("Content-Encoding gzip", headers("TTL", TTL, "Content-Encoding", "gzip")),
                Arguments.of("aesgcm without Encryption",
                        headers("TTL", TTL, "Content-Encoding", "aesgcm", "Crypto-Key", dh)),
                Arguments.of("aesgcm without salt", headers("TTL", TTL, "Content-Encoding", "aesgcm",
                        "Encryption", "keyid=p256dh", "Crypto-Key", dh)),
                Arguments.of("aesgcm without Crypto-Key",
                        headers("TTL", TTL, "Content-Encoding", "aesgcm", "Encryption", salt)),
                Arguments.of("aesgcm without dh", headers("TTL", TTL, "Content-Encoding", "aesgcm",
                        "Encryption", salt, "Crypto-Key", "p256ecdsa=" + VapidSigner.generate().publicKey())),
                Arguments.of("aes128gcm with an Encryption salt",
                        headers("TTL", TTL, "Content-Encoding", AES128GCM, "Encryption", salt)),
                Arguments.of("aes128gcm with a Crypto-Key dh",
                        headers("TTL", TTL, "Content-Encoding", AES128GCM, "Crypto-Key", dh)));
    }

    @ParameterizedTest(name = "W6.4 {0} is answered 400 errno 110")
    @MethodSource("badEncodings")
    @DisplayName("W6.4 a body needs aes128gcm, or aesgcm with Encryption salt and Crypto-Key dh; else 400 errno 110")
    void badEncodingIsRefused(String description, Map<String, String> headers) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        assertError(send(server, "POST", endpoint, headers, randomBody(32)), 400, 110);
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.5 a message with a Topic replaces the pending message of the same Topic, which is never delivered")
    void topicReplacesPending() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        device.close();
        String replaced = accepted(post(server, endpoint, utf8("first"), "Topic", "weather"));
        String replacing = accepted(post(server, endpoint, utf8("second"), "Topic", "weather"));
        String other = accepted(post(server, endpoint, utf8("other"), "Topic", "news_1-B"));
        String untopical = accepted(post(server, endpoint, utf8("plain")));
        assertThat(Set.of(replaced, replacing, other, untopical)).hasSize(4);

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        Map<String, String> received = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            WebPushNotification notification = again.receive(WebPushNotification.class);
            received.put(notification.version(), decodedData(notification));
        }
        again.expectNothing(NOTHING);
        assertThat(received).containsOnlyKeys(replacing, other, untopical)
                .containsEntry(replacing, "second").containsEntry(other, "other").containsEntry(untopical, "plain");
    }

    @Test
    @DisplayName("W6.5 a delivered but unacked message is replaced by Topic: only the newer one comes back")
    void topicReplacesUnacked() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        String replaced = accepted(post(server, endpoint, utf8("old"), "Topic", "t"));
        assertThat(device.receive(WebPushNotification.class).version()).isEqualTo(replaced);
        String replacing = accepted(post(server, endpoint, utf8("new"), "Topic", "t"));
        assertThat(device.receive(WebPushNotification.class).version()).isEqualTo(replacing);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertDelivered(again.receive(WebPushNotification.class), channel, replacing, utf8("new"));
        again.expectNothing(NOTHING);
    }

    @ParameterizedTest(name = "W6.5 Topic \"{0}\" is answered 400 errno 113")
    @ValueSource(strings = {"abcdefghijklmnopqrstuvwxyz0123456", "a b", "a+b", "a/b", "a=", "a.b", "ünï"})
    @DisplayName("W6.5 a Topic that is not 1-32 characters of the base64url alphabet is answered 400 errno 113")
    void badTopicIsRefused(String topic) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        assertError(post(server, endpoint, randomBody(16), "Topic", topic), 400, 113);
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.5 a Topic of 32 characters is accepted")
    void longestTopicIsAccepted() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] body = randomBody(16);
        String id = accepted(post(server, endpoint, body, "Topic", "abcdefghijklmnopqrstuvwxyz-_0123"));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @ParameterizedTest(name = "W6.6 Urgency {0} is accepted")
    @ValueSource(strings = {"very-low", "low", "normal", "high", "whenever"})
    @DisplayName("W6.6 any Urgency is accepted and the message delivered")
    void urgencyIsNeverRefused(String urgency) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] body = randomBody(16);
        String id = accepted(post(server, endpoint, body, "Urgency", urgency));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @Test
    @DisplayName("W6.7 success is 201, an empty body, an absolute Location <base>/m/<id> and the TTL applied")
    void successShape() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] body = randomBody(16);
        // W6.7: receipts are not supported, a Prefer: respond-async is ignored.
        Response response = post(server, endpoint, body, "Prefer", "respond-async");
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body()).isEmpty();
        assertThat(response.header("TTL")).contains(TTL);
        URI location = URI.create(response.header("Location").orElseThrow(() -> new AssertionError("no Location")));
        assertThat(location.isAbsolute()).as("absolute: %s", location).isTrue();
        assertThat(location.getRawPath()).matches(".*/m/[A-Za-z0-9_-]+");
        assertThat(baseOf(location, "/m/")).isEqualTo(simplePushBase(server));
        assertDelivered(device.receive(WebPushNotification.class), channel, tokenOf(location), body);
    }

    @Test
    @DisplayName("W6.7 a message for an offline device is answered 201 as well, and delivered after its next hello")
    void storedMessageIsAnswered201() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        device.close();
        byte[] body = randomBody(16);
        String id = accepted(post(server, endpoint, body));

        ProtocolClient again = connect(server);
        again.send(webPushHello(Optional.of(uaid)));
        assertThat(again.receive()).as("W9.3: the hello reply comes first").isInstanceOf(WebPushHelloReply.class);
        assertDelivered(again.receive(WebPushNotification.class), channel, id, body);
    }

    @Test
    @DisplayName("W6.8 DELETE of a pending message answers 204 and it is never delivered; again, 204")
    void deletePending() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        device.close();
        Response deleted = post(server, endpoint, randomBody(16));
        URI location = location(deleted);
        byte[] body = randomBody(16);
        String kept = accepted(post(server, endpoint, body));
        Response first = send(server, "DELETE", location, headers(), new byte[0]);
        assertThat(first.status()).isEqualTo(204);
        assertThat(first.body()).isEmpty();
        assertThat(send(server, "DELETE", location, headers(), new byte[0]).status()).isEqualTo(204);

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertDelivered(again.receive(WebPushNotification.class), channel, kept, body);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.8 DELETE of a delivered but unacked message removes it: it is not delivered again")
    void deleteDeliveredUnacked() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        URI location = location(post(server, endpoint, randomBody(16)));
        device.receive(WebPushNotification.class);
        assertThat(send(server, "DELETE", location, headers(), new byte[0]).status()).isEqualTo(204);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.8 DELETE of an id that does not decode is answered 404 errno 102")
    void deleteGarbage() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        URI location = location(post(server, endpoint, randomBody(16)));
        device.receive(WebPushNotification.class);
        String id = tokenOf(location);
        int middle = id.length() / 2;
        String corrupted = id.substring(0, middle) + (id.charAt(middle) == 'A' ? 'B' : 'A') + id.substring(middle + 1);
        for (String bad : List.of("garbage", "AAAA", corrupted, id.substring(0, id.length() - 4))) {
            Response response = send(server, "DELETE", withLastSegment(location, bad), headers(), new byte[0]);
            assertError(response, 404, 102);
        }
    }

    @Test
    @DisplayName("W6.9 an endpoint token that does not decode is answered 404 errno 102, before any other check")
    void undecodableTokenFirst() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI open = subscribe(device, newChannel());
        URI restricted = subscribe(device, newChannel(), VapidSigner.generate().publicKeyPadded());
        for (URI endpoint : List.of(open, restricted)) {
            String token = tokenOf(endpoint);
            for (String bad : List.of("not-a-token", token.substring(0, token.length() - 4))) {
                // No TTL, no encoding, too large, no VAPID: the token is judged first.
                assertError(send(server, "POST", withLastSegment(endpoint, bad), headers(),
                        randomBody(MAX_BODY_BYTES + 1)), 404, 102);
            }
        }
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.9 an unsubscribed restricted endpoint without Authorization is answered 410 errno 106, not 401")
    void goneBeforeVapid() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        VapidSigner signer = VapidSigner.generate();
        URI endpoint = subscribe(device, channel, signer.publicKeyPadded());
        unsubscribe(device, channel);
        assertError(send(server, "POST", endpoint, headers(), randomBody(MAX_BODY_BYTES + 1)), 410, 106);
        assertError(post(server, endpoint, randomBody(16)), 410, 106);
        assertError(post(server, endpoint, randomBody(16), "Authorization",
                new VapidAuthorization(signer, endpoint).expiredToken()), 410, 106);
    }

    @Test
    @DisplayName("W6.9 an unsubscribed open endpoint is answered 410 errno 106 before size and header checks")
    void goneBeforeSizeAndHeaders() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        unsubscribe(device, channel);
        assertError(send(server, "POST", endpoint, headers(), randomBody(MAX_BODY_BYTES + 1)), 410, 106);
        assertError(send(server, "POST", endpoint, headers("TTL", "soon"), randomBody(16)), 410, 106);
    }

    @Test
    @DisplayName("W6.9 VAPID is judged before size: a restricted endpoint answers 401/403 errno 109 to a large body")
    void vapidBeforeSize() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        VapidSigner signer = VapidSigner.generate();
        URI endpoint = subscribe(device, newChannel(), signer.publicKeyPadded());
        assertError(send(server, "POST", endpoint, headers(), randomBody(MAX_BODY_BYTES + 1)), 401, 109);
        assertError(send(server, "POST", endpoint,
                headers("Authorization", new VapidAuthorization(signer, endpoint).expiredToken()),
                randomBody(MAX_BODY_BYTES + 1)), 403, 109);
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.9 size is judged before headers: a large body without TTL or encoding is answered 413 errno 104")
    void sizeBeforeHeaders() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        assertError(send(server, "POST", endpoint, headers("Topic", "not valid!"), randomBody(MAX_BODY_BYTES + 1)),
                413, 104);
        Response headersWrong = send(server, "POST", endpoint, headers("Topic", "not valid!"), randomBody(16));
        assertThat(headersWrong.status()).isEqualTo(400);
        assertErrorShape(headersWrong, 400);
        assertThat(errno(headersWrong)).isBetween(110, 113);
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.10 a SimplePush PUT version=N to a Web Push endpoint is answered 200 {} when live: a notification without data")
    void simplePushFormLive() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        Response response = server.appServer().put(endpoint, Optional.of("5"), Optional.empty());
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().strip()).isEqualTo("{}");
        assertJsonContentType(response);
        WebPushNotification notification = device.receive(WebPushNotification.class);
        assertThat(notification.channelId().value()).isEqualTo(channel);
        assertThat(notification.payload()).isEmpty();
        assertThat(notification.version()).as("W6.10: N is not sent to the UA").isNotEqualTo("5");
        // No TTL header: the longest TTL.
        assertThat(notification.ttl()).isBetween(MAX_TTL - 60L, (long) MAX_TTL);
        String id = notification.version();
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertThat(again.receive(WebPushNotification.class).version()).as("W5.2: the same id").isEqualTo(id);
    }

    @Test
    @DisplayName("W6.10 a SimplePush PUT to a Web Push endpoint is answered 202 {} when offline, delivered after hello")
    void simplePushFormStored() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        device.close();
        Response response = send(server, "PUT", endpoint,
                headers("Content-Type", "application/x-www-form-urlencoded", "TTL", TTL), utf8("version=7"));
        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body().strip()).isEqualTo("{}");

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        WebPushNotification notification = again.receive(WebPushNotification.class);
        assertThat(notification.channelId().value()).isEqualTo(channel);
        assertThat(notification.payload()).isEmpty();
        assertThat(notification.ttl()).as("W6.10: the TTL header applies").isBetween(0L, Long.parseLong(TTL));
    }

    @Test
    @DisplayName("W6.10 no ordering applies between SimplePush-form messages: a lower N is a message too")
    void simplePushFormHasNoOrdering() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        device.close();
        for (String version : List.of("5", "3", "5")) {
            assertThat(server.appServer().put(endpoint, Optional.of(version), Optional.empty()).status())
                    .as("version %s", version).isEqualTo(202);
        }

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            WebPushNotification notification = again.receive(WebPushNotification.class);
            assertThat(notification.channelId().value()).isEqualTo(channel);
            assertThat(notification.payload()).isEmpty();
            ids.add(notification.version());
        }
        assertThat(ids).as("W5.2: one id per message").hasSize(3);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W6.10 a SimplePush PUT to a restricted endpoint still needs VAPID")
    void simplePushFormRestricted() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        VapidSigner signer = VapidSigner.generate();
        URI endpoint = subscribe(device, channel, signer.publicKeyPadded());
        assertError(server.appServer().put(endpoint, Optional.of("5"), Optional.empty()), 401, 109);
        device.expectNothing(NOTHING);
        Response response = send(server, "PUT", endpoint, headers("Content-Type",
                "application/x-www-form-urlencoded", "Authorization", vapid(signer, endpoint)[1]), utf8("version=6"));
        assertThat(response.status()).isEqualTo(200);
        WebPushNotification notification = device.receive(WebPushNotification.class);
        assertThat(notification.channelId().value()).isEqualTo(channel);
        assertThat(notification.payload()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------------
    // W7 VAPID

    static Stream<Arguments> authorizationForms() {
        return Stream.of(
                Arguments.of("vapid t=<jwt>, k=<key>"),
                Arguments.of("vapid k=<key>, t=<jwt>"),
                Arguments.of("vapid t=<jwt>,k=<key>"),
                Arguments.of("VAPID t=<jwt> , k=<padded key>"),
                Arguments.of("WebPush <jwt> + Crypto-Key: p256ecdsa=<key>"),
                Arguments.of("webpush <jwt> + Crypto-Key: p256ecdsa=<padded key>"),
                Arguments.of("Bearer <jwt> + Crypto-Key: p256ecdsa=<key>"));
    }

    @ParameterizedTest(name = "W7.1 a restricted subscription accepts {0}")
    @MethodSource("authorizationForms")
    @DisplayName("W7.1 both Authorization forms are accepted: vapid t=,k= and WebPush <jwt> with Crypto-Key p256ecdsa=")
    void authorizationFormsAreAccepted(String form) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        VapidSigner signer = VapidSigner.generate();
        URI endpoint = subscribe(device, channel, signer.publicKeyPadded());
        String jwt = signer.jwt(VapidSigner.audience(endpoint), Instant.now().plus(Duration.ofHours(12)));
        String key = form.contains("padded") ? signer.publicKeyPadded() : signer.publicKey();
        Map<String, String> headers = headers("TTL", TTL, "Content-Encoding", AES128GCM);
        if (form.contains("Crypto-Key")) {
            headers.put("Authorization", form.substring(0, form.indexOf(' ')) + " " + jwt);
            headers.put("Crypto-Key", "p256ecdsa=" + key);
        } else {
            headers.put("Authorization", form.replace("<jwt>", jwt).replace("<key>", key)
                    .replace("<padded key>", key));
        }
        byte[] body = randomBody(32);
        String id = accepted(send(server, "POST", endpoint, headers, body));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @Test
    @DisplayName("W7.1 the draft form with aesgcm: Crypto-Key carries dh and p256ecdsa, as web-push sends it")
    void draftFormWithAesgcm() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        VapidSigner signer = VapidSigner.generate();
        URI endpoint = subscribe(device, channel, signer.publicKeyPadded());
        String jwt = signer.jwt(VapidSigner.audience(endpoint), Instant.now().plus(Duration.ofHours(12)));
        String dh = URL.encodeToString(VapidSigner.generate().publicKeyBytes());
        byte[] body = randomBody(40);
        String id = accepted(send(server, "POST", endpoint, headers("TTL", TTL, "Content-Encoding", "aesgcm",
                "Encryption", "salt=" + URL.encodeToString(randomBody(16)),
                "Crypto-Key", "dh=" + dh + ";p256ecdsa=" + signer.publicKey(),
                "Authorization", "WebPush " + jwt), body));
        WebPushNotification notification = device.receive(WebPushNotification.class);
        assertThat(notification.version()).isEqualTo(id);
        Payload payload = notification.payload().orElseThrow(() -> new AssertionError("W5.4: no data"));
        assertThat(payload.data()).isEqualTo(URL.encodeToString(body));
        assertThat(payload.encoding()).isEqualTo("aesgcm");
        assertThat(payload.cryptoKey()).hasValueSatisfying(value -> assertThat(value).contains("dh=" + dh));
    }

    @ParameterizedTest(name = "W7.1/W3.2 a subscription registered with the key in {0} accepts VAPID with that key")
    @MethodSource("keySpellings")
    @DisplayName("W7.1/W3.2 whatever spelling the key was registered in, VAPID signed with it is accepted")
    void keySpellingsAcceptVapid(String description, VapidSigner signer, String registered) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        device.send(new Register(Optional.of(channel), Optional.of(registered)));
        URI endpoint = device.receive(RegisterReply.class).pushEndpoint().orElseThrow();
        byte[] body = randomBody(16);
        String id = accepted(post(server, endpoint, body, vapid(signer, endpoint)));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    static Stream<Arguments> acceptableClaims() {
        return Stream.of(
                Arguments.of("exp 23 h 55 min ahead", Duration.ofHours(24).minusMinutes(5), Optional.of("mailto:a@b.c")),
                Arguments.of("exp 1 min ahead", Duration.ofMinutes(1), Optional.of("mailto:a@b.c")),
                Arguments.of("an https sub", Duration.ofHours(1), Optional.of("https://app.example/contact")),
                Arguments.of("no sub", Duration.ofHours(1), Optional.empty()),
                Arguments.of("a sub that is no URI (logged, not enforced)", Duration.ofHours(1),
                        Optional.of("just text")));
    }

    @ParameterizedTest(name = "W7.2 a token with {0} is accepted")
    @MethodSource("acceptableClaims")
    @DisplayName("W7.2 exp in the future and at most 24 h ahead is accepted; sub is not enforced")
    void acceptableClaimsAreAccepted(String description, Duration ahead, Optional<String> sub) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        VapidSigner signer = VapidSigner.generate();
        URI endpoint = subscribe(device, channel, signer.publicKeyPadded());
        String claims = "{\"aud\":\"" + VapidSigner.audience(endpoint) + "\",\"exp\":"
                + Instant.now().plus(ahead).getEpochSecond() + sub.map(s -> ",\"sub\":\"" + s + "\"").orElse("") + "}";
        String authorization = "vapid t=" + signer.sign(VapidSigner.ES256_HEADER, claims) + ", k=" + signer.publicKey();
        byte[] body = randomBody(16);
        String id = accepted(post(server, endpoint, body, "Authorization", authorization));
        assertDelivered(device.receive(WebPushNotification.class), channel, id, body);
    }

    @Test
    @DisplayName("W7.3 a restricted subscription without Authorization is answered 401 errno 109; nothing is delivered")
    void restrictedWithoutAuthorization() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel(), VapidSigner.generate().publicKeyPadded());
        assertError(post(server, endpoint, randomBody(16)), 401, 109);
        device.expectNothing(NOTHING);
    }

    static Stream<Arguments> invalidVapid() {
        return Stream.of(
                Arguments.of("a corrupted signature"),
                Arguments.of("a signature by another key"),
                Arguments.of("an expired token"),
                Arguments.of("exp more than 24 h ahead"),
                Arguments.of("another aud"),
                Arguments.of("the endpoint URL as aud"),
                Arguments.of("alg HS256"),
                Arguments.of("no exp"),
                Arguments.of("exp not a number"),
                Arguments.of("two parts"),
                Arguments.of("k not a key"),
                Arguments.of("no k"),
                Arguments.of("WebPush <jwt> without Crypto-Key"),
                Arguments.of("scheme Basic"));
    }

    @ParameterizedTest(name = "W7.3 a restricted subscription answers VAPID with {0} with 403 errno 109")
    @MethodSource("invalidVapid")
    @DisplayName("W7.3/W7.5 a restricted subscription answers an invalid VAPID 403 errno 109 and delivers nothing")
    void restrictedWithInvalidVapid(String problem) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        VapidSigner signer = VapidSigner.generate();
        URI endpoint = subscribe(device, newChannel(), signer.publicKeyPadded());
        assertError(post(server, endpoint, randomBody(16), "Authorization",
                new VapidAuthorization(signer, endpoint).invalid(problem)), 403, 109);
        device.expectNothing(NOTHING);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W7.3 a valid VAPID under another key than the registered one is answered 403 errno 109")
    void restrictedWithOtherKey() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        URI endpoint = subscribe(device, newChannel(), VapidSigner.generate().publicKeyPadded());
        VapidSigner other = VapidSigner.generate();
        assertError(post(server, endpoint, randomBody(16), vapid(other, endpoint)), 403, 109);
        device.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W7.4 an open subscription takes messages without VAPID, and with a valid VAPID of any key")
    void openSubscriptionVapidIsOptional() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] plain = randomBody(16);
        String first = accepted(post(server, endpoint, plain));
        assertDelivered(device.receive(WebPushNotification.class), channel, first, plain);
        byte[] signed = randomBody(16);
        String second = accepted(post(server, endpoint, signed, vapid(VapidSigner.generate(), endpoint)));
        assertDelivered(device.receive(WebPushNotification.class), channel, second, signed);
    }

    @ParameterizedTest(name = "W7.4 an open subscription answers VAPID with {0} with 403 errno 109")
    @ValueSource(strings = {"a corrupted signature", "an expired token", "another aud", "k not a key"})
    @DisplayName("W7.4/W7.5 an open subscription refuses an invalid VAPID with 403 errno 109 and delivers nothing")
    void openSubscriptionRefusesInvalidVapid(String problem) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        URI endpoint = subscribe(device, newChannel());
        assertError(post(server, endpoint, randomBody(16), "Authorization",
                new VapidAuthorization(VapidSigner.generate(), endpoint).invalid(problem)), 403, 109);
        device.expectNothing(NOTHING);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        again.expectNothing(NOTHING);
    }

    // ------------------------------------------------------------------------------------------------------
    // W8 acks and nacks

    @Test
    @DisplayName("W8.1 an acked message is removed for good; an unacked one is delivered again after the next hello")
    void ackRemoves() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] unackedBody = randomBody(16);
        String acked = accepted(post(server, endpoint, randomBody(16)));
        String unacked = accepted(post(server, endpoint, unackedBody));
        assertThat(device.receive(WebPushNotification.class).version()).isEqualTo(acked);
        assertThat(device.receive(WebPushNotification.class).version()).isEqualTo(unacked);
        device.send(messageAck(channel, acked, 100));
        device.expectNothing(NOTHING);
        settle(device);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertDelivered(again.receive(WebPushNotification.class), channel, unacked, unackedBody);
        again.expectNothing(NOTHING);
        again.send(messageAck(channel, unacked, 100));
        settle(again);
        again.close();

        ProtocolClient last = connect(server);
        resumeWebPush(last, uaid);
        last.expectNothing(NOTHING);
    }

    @ParameterizedTest(name = "W8.1 an ack with code {0} removes the message")
    @ValueSource(ints = {101, 102, 999})
    @DisplayName("W8.1 any ack code removes the message: 101 decryption failed, 102 not delivered, unknown codes")
    void anyAckCodeRemoves(int code) {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        String id = accepted(post(server, endpoint, randomBody(16)));
        assertThat(device.receive(WebPushNotification.class).version()).isEqualTo(id);
        device.send(messageAck(channel, id, code));
        device.expectNothing(NOTHING);
        settle(device);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W8.1 acks for unknown ids and unknown channels are ignored, without reply, and the socket stays open")
    void unknownAcksAreIgnored() {
        ProtocolClient device = connect(server());
        helloWebPush(device);
        String channel = newChannel();
        subscribe(device, channel);
        device.send(new Ack(List.of(), List.of(
                new MessageAck(ChannelId.of(channel), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 100),
                new MessageAck(ChannelId.of(newChannel()), "bm90LWEtbWVzc2FnZS1pZA", 100),
                new MessageAck(ChannelId.of(channel), "not an id at all", 100))));
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
        subscribe(device, newChannel());
    }

    @Test
    @DisplayName("W8.1 an ack of an unknown id, or of a message's id under another channel, leaves it pending")
    void unknownAckKeepsPending() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        byte[] body = randomBody(16);
        String id = accepted(post(server, endpoint, body));
        device.receive(WebPushNotification.class);
        String other = newChannel();
        subscribe(device, other);
        device.send(new Ack(List.of(), List.of(
                new MessageAck(ChannelId.of(channel), id.substring(0, id.length() - 2) + (id.endsWith("AA") ? "BB" : "AA"),
                        100),
                new MessageAck(ChannelId.of(other), id, 100))));
        settle(device);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertDelivered(again.receive(WebPushNotification.class), channel, id, body);
    }

    @ParameterizedTest(name = "W8.2 a nack with code {0} gets no reply")
    @ValueSource(ints = {301, 302, 303, 0})
    @DisplayName("W8.2 a nack gets no reply and never closes the socket")
    void nackIsInformational(int code) {
        ProtocolClient device = connect(server());
        helloWebPush(device);
        device.send(new Nack(Optional.of("bm90LWEtbWVzc2FnZS1pZA"), code));
        device.send(new Nack(Optional.empty(), code));
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
        subscribe(device, newChannel());
    }

    @Test
    @DisplayName("W8.2 a nack after the ack does not bring the message back")
    void nackDoesNotRedeliver() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        String id = accepted(post(server, endpoint, randomBody(16)));
        device.receive(WebPushNotification.class);
        device.send(messageAck(channel, id, 100));
        device.send(new Nack(Optional.of(id), 301));
        device.expectNothing(NOTHING);
        settle(device);
        device.close();

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W8.3 an ack before hello is answered 401 with messageType ack, then the socket is closed")
    void ackBeforeHello() {
        ProtocolClient device = connect(server());
        device.send(messageAck(newChannel(), "bm90LWEtbWVzc2FnZS1pZA", 100));
        assertThat(device.receive(AckReply.class).status()).isEqualTo(401);
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    @DisplayName("W8.3 a nack before hello is answered 401 with messageType nack, then the socket is closed")
    void nackBeforeHello() {
        ProtocolClient device = connect(server());
        device.send(new Nack(Optional.of("bm90LWEtbWVzc2FnZS1pZA"), 301));
        assertThat(device.receive(NackReply.class).status()).isEqualTo(401);
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    // ------------------------------------------------------------------------------------------------------
    // W9 storage and delivery

    @Test
    @DisplayName("W9.1 every message is kept, and a channel's messages arrive in arrival order after hello")
    void queuedMessagesArriveInOrder() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String one = newChannel();
        String two = newChannel();
        URI endpointOne = subscribe(device, one);
        URI endpointTwo = subscribe(device, two);
        device.close();
        List<String> expectedOne = new ArrayList<>();
        List<String> expectedTwo = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expectedOne.add(accepted(post(server, endpointOne, utf8("one-" + i))));
            expectedTwo.add(accepted(post(server, endpointTwo, utf8("two-" + i))));
        }

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        List<String> receivedOne = new ArrayList<>();
        List<String> receivedTwo = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            WebPushNotification notification = again.receive(WebPushNotification.class);
            String data = decodedData(notification);
            if (notification.channelId().value().equals(one)) {
                assertThat(data).isEqualTo("one-" + receivedOne.size());
                receivedOne.add(notification.version());
            } else {
                assertThat(notification.channelId().value()).isEqualTo(two);
                assertThat(data).isEqualTo("two-" + receivedTwo.size());
                receivedTwo.add(notification.version());
            }
        }
        assertThat(receivedOne).isEqualTo(expectedOne);
        assertThat(receivedTwo).isEqualTo(expectedTwo);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W9.1/W5.6 messages for a live device arrive in arrival order, several outstanding at once")
    void liveMessagesArriveInOrder() {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(accepted(post(server, endpoint, utf8("m" + i))));
        }
        for (int i = 0; i < 10; i++) {
            WebPushNotification notification = device.receive(WebPushNotification.class);
            assertThat(notification.version()).isEqualTo(sent.get(i));
            assertThat(decodedData(notification)).isEqualTo("m" + i);
        }
    }

    @Test
    @DisplayName("W9.3 an expired message is never sent after hello; an unexpired one is, with the TTL left")
    void expiredMessagesAreNotSent() throws InterruptedException {
        Harness server = httpServer();
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        device.close();
        accepted(send(server, "POST", endpoint, headers("TTL", "1", "Content-Encoding", AES128GCM), utf8("short")));
        byte[] body = utf8("long");
        String kept = accepted(post(server, endpoint, body));
        // The one fixed wait beyond the NOTHING windows: a TTL of 1 s must run out.
        Thread.sleep(1_200);

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        WebPushNotification notification = again.receive(WebPushNotification.class);
        assertDelivered(notification, channel, kept, body);
        assertThat(notification.ttl()).isBetween(1L, Long.parseLong(TTL) - 1);
        again.expectNothing(NOTHING);
    }

    @Test
    @DisplayName("W9.4 a message beyond the queue limit is answered 429 with Retry-After; the queued ones are kept")
    void queueLimit() {
        Harness server = httpServer(PushConfig.builder().maxQueuedMessages(2).build());
        ProtocolClient device = connect(server);
        Uaid uaid = helloWebPush(device);
        String channel = newChannel();
        URI endpoint = subscribe(device, channel);
        device.close();
        String first = accepted(post(server, endpoint, utf8("1")));
        String second = accepted(post(server, endpoint, utf8("2")));
        Response refused = post(server, endpoint, utf8("3"));
        assertThat(refused.status()).isEqualTo(429);
        assertErrorShape(refused, 429);
        assertThat(refused.header("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(seconds.strip()).matches("[0-9]+"));

        ProtocolClient again = connect(server);
        resumeWebPush(again, uaid);
        assertDelivered(again.receive(WebPushNotification.class), channel, first, utf8("1"));
        assertDelivered(again.receive(WebPushNotification.class), channel, second, utf8("2"));
        again.send(new Ack(List.of(), List.of(new MessageAck(ChannelId.of(channel), first, 100),
                new MessageAck(ChannelId.of(channel), second, 100))));
        settle(again);
        String fourth = accepted(post(server, endpoint, utf8("4")));
        assertDelivered(again.receive(WebPushNotification.class), channel, fourth, utf8("4"));
    }

    // ------------------------------------------------------------------------------------------------------
    // W10 what stays

    @Test
    @DisplayName("W10.1 {\"messageType\":\"ping\"} and {} are pings on a Web Push connection, answered {}")
    void pingsOnWebPushConnection() {
        ProtocolClient device = connect(server(PushConfig.builder().minPingInterval(Duration.ZERO).build()));
        helloWebPush(device);
        sendFrame(device, "{\"messageType\":\"ping\"}", Ping.INSTANCE);
        assertThat(device.receive()).isEqualTo(Pong.INSTANCE);
        device.lastFrameText().ifPresent(frame -> assertThat(frame).isEqualTo("{}"));
        sendFrame(device, "{}", Ping.INSTANCE);
        assertThat(device.receive()).isEqualTo(Pong.INSTANCE);
        device.lastFrameText().ifPresent(frame -> assertThat(frame).isEqualTo("{}"));
        assertThat(device.isOpen()).isTrue();
    }

    @Test
    @DisplayName("W10.1/P1.4 the new message types are matched without regard to case")
    void newTypesIgnoreCase() {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        helloWebPush(device);
        device.sendText("{\"messageType\":\"NACK\",\"version\":\"bm90LWEtbWVzc2FnZS1pZA\",\"code\":301}");
        device.sendText("{\"messageType\":\"Broadcast_Subscribe\",\"broadcasts\":{\"" + MONITOR_CHANGES
                + "\":\"v1\"}}");
        assertThat(device.receive(Broadcast.class).errors()).isEqualTo(Map.of(MONITOR_CHANGES, NOT_FOUND));
        device.expectNothing(NOTHING);
        assertThat(device.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "W10.1 the frame {0} closes a Web Push connection")
    @ValueSource(strings = {"{\"messageType\":\"notification\"}", "{\"messageType\":\"broadcast\"}",
        "{\"messageType\":\"bogus\"}", "{\"use_webpush\":true}"})
    @DisplayName("W10.1 any other message closes a Web Push connection, as P1.3 says")
    void unknownMessagesClose(String frame) {
        ProtocolClient device = connect(server());
        assumeTrue(device.supportsRawFrames(), "needs a wire client");
        helloWebPush(device);
        device.sendText(frame);
        assertThat(device.expectClosed(ProtocolClient.DEFAULT_TIMEOUT)).isIn(
                CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD, CloseCodes.POLICY_VIOLATION);
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

    /** A server whose app server speaks raw HTTP; the scenario is skipped elsewhere. */
    private Harness httpServer() {
        return httpServer(PushConfig.defaults());
    }

    private Harness httpServer(PushConfig config) {
        Harness harness = server(config);
        assumeTrue(harness.appServer().supportsRawHttp(), "needs an HTTP client");
        return harness;
    }

    private ProtocolClient connect(Harness harness) {
        ProtocolClient client = harness.connect(List.of());
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

    /** Firefox's hello: {@code use_webpush}, no broadcasts held, no {@code channelIDs}, the UAID if it has one. */
    private static Hello webPushHello(Optional<Uaid> uaid) {
        return new Hello(uaid.map(Uaid::value), Optional.empty(), Optional.empty(), true, Map.of());
    }

    /** Says a Web Push hello as a new device and returns the UAID the server minted. */
    private static Uaid helloWebPush(ProtocolClient client) {
        client.send(webPushHello(Optional.empty()));
        WebPushHelloReply reply = client.receive(WebPushHelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        return reply.uaid();
    }

    /** Says a Web Push hello as the known device {@code uaid} and checks the UAID is kept (W1.3). */
    private static void resumeWebPush(ProtocolClient client, Uaid uaid) {
        client.send(webPushHello(Optional.of(uaid)));
        WebPushHelloReply reply = client.receive(WebPushHelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.uaid()).as("W1.3: a known UAID is never replaced").isEqualTo(uaid);
    }

    /** Registers an open subscription (no key) and returns its endpoint. */
    private static URI subscribe(ProtocolClient client, String channel) {
        URI endpoint = register(client, new Register(Optional.of(channel)), channel);
        assertThat(endpoint.getRawPath()).contains("/wpush/v1/");
        return endpoint;
    }

    /** Registers a restricted subscription with {@code key} and returns its endpoint. */
    private static URI subscribe(ProtocolClient client, String channel, String key) {
        URI endpoint = register(client, new Register(Optional.of(channel), Optional.of(key)), channel);
        assertThat(endpoint.getRawPath()).contains("/wpush/v2/");
        return endpoint;
    }

    private static URI register(ProtocolClient client, Register register, String channel) {
        client.send(register);
        RegisterReply reply = client.receive(RegisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
        return reply.pushEndpoint().orElseThrow(() -> new AssertionError("no pushEndpoint in " + reply));
    }

    private static void unsubscribe(ProtocolClient client, String channel) {
        client.send(new Unregister(Optional.of(channel)));
        UnregisterReply reply = client.receive(UnregisterReply.class);
        assertThat(reply.channelId()).contains(channel);
        assertThat(reply.status()).isEqualTo(200);
    }

    private static Ack messageAck(String channel, String version, int code) {
        return new Ack(List.of(), List.of(new MessageAck(ChannelId.of(channel), version, code)));
    }

    /**
     * Waits until the server has handled everything this device sent before, using the ping every connection may
     * send once at any time (P6.2): the session handles a device's messages in order, so the pong comes after.
     */
    private static void settle(ProtocolClient client) {
        client.send(Ping.INSTANCE);
        client.receive(Pong.class);
    }

    /** POST of an RFC 8291 message with TTL 60 and {@code extraHeaders} (name, value, ...). */
    private static Response post(Harness server, URI endpoint, byte[] body, String... extraHeaders) {
        Map<String, String> headers = headers("TTL", TTL);
        if (body.length > 0) {
            headers.put("Content-Encoding", AES128GCM);
        }
        headers.putAll(headers(extraHeaders));
        return send(server, "POST", endpoint, headers, body);
    }

    private static Response send(Harness server, String method, URI uri, Map<String, String> headers, byte[] body) {
        return server.appServer().send(method, uri, headers, body);
    }

    /** A mutable header map of {@code namesAndValues}. */
    private static Map<String, String> headers(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    /** {@code Authorization} with a valid VAPID token of {@code signer} for {@code endpoint}, as header pair. */
    private static String[] vapid(VapidSigner signer, URI endpoint) {
        return new String[] {"Authorization",
            signer.authorization(VapidSigner.audience(endpoint), Instant.now().plus(Duration.ofHours(12)))};
    }

    /** W6.7: 201, an empty body, a Location; returns the message id, the Location's last segment (W5.2). */
    private static String accepted(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        assertThat(response.body()).isEmpty();
        return tokenOf(location(response));
    }

    private static URI location(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        return URI.create(response.header("Location").orElseThrow(() -> new AssertionError("no Location")));
    }

    private static void assertDelivered(WebPushNotification notification, String channel, String id, byte[] body) {
        assertThat(notification.channelId().value()).isEqualTo(channel);
        assertThat(notification.version()).as("W5.2: the version is the message id").isEqualTo(id);
        assertThat(notification.payload().map(Payload::data)).contains(URL.encodeToString(body));
    }

    private static String decodedData(WebPushNotification notification) {
        Payload payload = notification.payload().orElseThrow(() -> new AssertionError("W5.4: no data"));
        return new String(Base64.getUrlDecoder().decode(payload.data()), StandardCharsets.UTF_8);
    }

    /** W6.9: the status, the errno, and the error body's shape. */
    private static void assertError(Response response, int status, int errno) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertErrorShape(response, status);
        assertThat(errno(response)).as("errno of %s", response).isEqualTo(errno);
    }

    /** W6.9: {@code {"code":<status>,"errno":<number>,"error":"<reason phrase>","message":"<text>"}} as JSON. */
    private static void assertErrorShape(Response response, int status) {
        String compact = response.body().replaceAll("\\s+", " ").replaceAll("\" *: *", "\":");
        assertThat(compact).as("error body").startsWith("{").endsWith("}")
                .contains("\"code\":" + status)
                .containsPattern("\"errno\":[0-9]+")
                .containsPattern("\"message\":\"[^\"]+")
                .containsPattern("\"error\":\"[^\"]+\"");
        Set<String> reasons = REASONS.get(status);
        if (reasons != null) {
            Matcher error = ERROR_REASON.matcher(compact);
            assertThat(error.find()).isTrue();
            assertThat(error.group(1)).as("the reason phrase of %d", status).isIn(reasons);
        }
        assertJsonContentType(response);
    }

    private static int errno(Response response) {
        Matcher errno = ERRNO.matcher(response.body());
        if (!errno.find()) {
            fail("no errno in %s", response);
        }
        return Integer.parseInt(errno.group(1));
    }

    private static void assertJsonContentType(Response response) {
        Optional<String> type = response.header("Content-Type");
        if (type.isEmpty()) {
            fail("no Content-Type in %s", response);
        }
        assertThat(type.get().toLowerCase(Locale.ROOT)).startsWith("application/json");
    }

    /** The public base URL, as the SimplePush endpoints show it: everything before {@code /update/}. */
    private URI simplePushBase(Harness server) {
        ProtocolClient device = connect(server);
        device.send(new Hello(Optional.empty(), Optional.of(List.of()), Optional.empty()));
        device.receive(HelloReply.class);
        device.send(new Register(Optional.of(newChannel())));
        URI endpoint = device.receive(RegisterReply.class).pushEndpoint().orElseThrow();
        device.close();
        return baseOf(endpoint, "/update/");
    }

    private static URI baseOf(URI url, String prefix) {
        String text = url.toString();
        int at = text.lastIndexOf(prefix);
        assertThat(at).as("%s in %s", prefix, url).isPositive();
        return URI.create(text.substring(0, at));
    }

    private static String tokenOf(URI url) {
        String path = url.getRawPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static URI withLastSegment(URI url, String segment) {
        String text = url.toString();
        return URI.create(text.substring(0, text.lastIndexOf('/') + 1) + segment);
    }

    private static Update update(String channel, long version) {
        return Update.of(ChannelId.of(channel), Version.of(version));
    }

    private static String newChannel() {
        return UUID.randomUUID().toString();
    }

    private static byte[] randomBody(int length) {
        byte[] body = new byte[length];
        ThreadLocalRandom.current().nextBytes(body);
        return body;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A signer whose public key has {@code -} and {@code _} in base64url, so that its standard-alphabet spelling
     * differs (W3.2).
     */
    private static VapidSigner signerWithUrlSafeCharacters() {
        for (int tries = 0; tries < 1000; tries++) {
            VapidSigner signer = VapidSigner.generate();
            String key = signer.publicKey();
            if (key.contains("-") && key.contains("_")) {
                return signer;
            }
        }
        throw new IllegalStateException("no key with both - and _ in 1000 tries");
    }

    /** Authorization values that W7.2 refuses, each for one reason, for a subscription's endpoint. */
    private static final class VapidAuthorization {

        private final VapidSigner signer;
        private final URI endpoint;
        private final String audience;

        VapidAuthorization(VapidSigner signer, URI endpoint) {
            this.signer = signer;
            this.endpoint = endpoint;
            this.audience = VapidSigner.audience(endpoint);
        }

        String expiredToken() {
            return invalid("an expired token");
        }

        String invalid(String problem) {
            Instant valid = Instant.now().plus(Duration.ofHours(12));
            String key = signer.publicKey();
            switch (problem) {
                case "a corrupted signature": {
                    String jwt = signer.jwt(audience, valid);
                    int at = jwt.lastIndexOf('.') + 10;
                    return "vapid t=" + jwt.substring(0, at) + (jwt.charAt(at) == 'A' ? 'B' : 'A')
                            + jwt.substring(at + 1) + ", k=" + key;
                }
                case "a signature by another key":
                    return "vapid t=" + VapidSigner.generate().jwt(audience, valid) + ", k=" + key;
                case "an expired token":
                    return signer.authorization(audience, Instant.now().minus(Duration.ofMinutes(5)));
                case "exp more than 24 h ahead":
                    return signer.authorization(audience, Instant.now().plus(Duration.ofHours(25)));
                case "another aud":
                    return signer.authorization("https://push.example.net", valid);
                case "the endpoint URL as aud":
                    return signer.authorization(endpoint.toString(), valid);
                case "alg HS256":
                    return "vapid t=" + signer.sign("{\"typ\":\"JWT\",\"alg\":\"HS256\"}", claims(valid)) + ", k=" + key;
                case "no exp":
                    return "vapid t=" + signer.sign(VapidSigner.ES256_HEADER, "{\"aud\":\"" + audience
                            + "\",\"sub\":\"" + VapidSigner.SUBJECT + "\"}") + ", k=" + key;
                case "exp not a number":
                    return "vapid t=" + signer.sign(VapidSigner.ES256_HEADER, "{\"aud\":\"" + audience
                            + "\",\"exp\":\"" + valid.getEpochSecond() + "\",\"sub\":\"" + VapidSigner.SUBJECT
                            + "\"}") + ", k=" + key;
                case "two parts": {
                    String jwt = signer.jwt(audience, valid);
                    return "vapid t=" + jwt.substring(0, jwt.lastIndexOf('.')) + ", k=" + key;
                }
                case "k not a key":
                    return "vapid t=" + signer.jwt(audience, valid) + ", k=AAAA";
                case "no k":
                    return "vapid t=" + signer.jwt(audience, valid);
                case "WebPush <jwt> without Crypto-Key":
                    return "WebPush " + signer.jwt(audience, valid);
                case "scheme Basic":
                    return "Basic dXNlcjpwYXNzd29yZA==";
                default:
                    throw new IllegalArgumentException("unknown problem " + problem);
            }
        }

        private String claims(Instant expiry) {
            return "{\"aud\":\"" + audience + "\",\"exp\":" + expiry.getEpochSecond() + ",\"sub\":\""
                    + VapidSigner.SUBJECT + "\"}";
        }
    }
}
