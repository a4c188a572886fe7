package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ClientMessage.Ack;
import dev.simplepush.core.protocol.ClientMessage.Hello;
import dev.simplepush.core.protocol.ClientMessage.Ping;
import dev.simplepush.core.protocol.ClientMessage.Register;
import dev.simplepush.core.protocol.ClientMessage.Unregister;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.DeviceConnection;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.protocol.ServerMessage.HelloReply;
import dev.simplepush.core.protocol.ServerMessage.Notification;
import dev.simplepush.core.protocol.ServerMessage.Pong;
import dev.simplepush.core.protocol.ServerMessage.RegisterReply;
import dev.simplepush.core.protocol.ServerMessage.UnregisterReply;
import dev.simplepush.core.spi.LocalDevice;
import dev.simplepush.core.spi.WakeupPolicy;
import dev.simplepush.core.testing.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The session on its own, with a store and router of this test and time that moves only when the test says so:
 * the rules that belong to one connection (P2.6–P2.9, P5.5, P6.2, P8.2) and its ordering of messages. What crosses
 * ports and transports is proven by {@code ProtocolScenarios}.
 */
class SessionTest {

    private static final ChannelId CHANNEL = ChannelId.of("d9b74644-4f97-46aa-b8fa-9393985cd6cd");
    private static final ChannelId OTHER = ChannelId.of("0a6e8b1c-2d3f-4a5b-8c7d-9e0f1a2b3c4d");
    private static final WakeupAddress PHONE = new WakeupAddress("10.1.2.3", 5000, "214", "07", Optional.empty());

    private final ManualScheduler time = new ManualScheduler();
    private final SessionStore store = new SessionStore();
    private final SessionRouter router = new SessionRouter();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private PushService service(Optional<WakeupPolicy> wakeup) {
        PushConfig config = PushConfig.builder()
                .helloTimeout(Duration.ofSeconds(30))
                .minPingInterval(Duration.ofSeconds(20))
                .maxChannelsPerDevice(2)
                .build();
        return new PushService(new SessionContext(config, store, router, EndpointTokens.withRandomKey(),
                token -> URI.create("http://push.test/update/" + token.value()), time.clock(), time,
                new SessionMeters(meters), wakeup, Optional.empty()));
    }

    private final PushService service = service(Optional.empty());

    @Test
    void aSocketWithoutHelloIsClosedWhenTheHelloTimeoutEnds_P2_8() {
        Socket socket = new Socket(service);

        time.advance(Duration.ofSeconds(29));
        assertThat(socket.closeCode).isNull();
        time.advance(Duration.ofSeconds(1));

        assertThat(socket.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    void helloStopsTheHelloTimeout_P2_8() {
        Socket socket = new Socket(service);
        socket.send(hello());

        time.advance(Duration.ofMinutes(5));

        assertThat(socket.closeCode).isNull();
        assertThat(time.pending()).isZero();
    }

    @Test
    void aNewDeviceGetsAFreshUaid_P2_4() {
        Socket socket = new Socket(service);
        socket.send(hello());

        HelloReply reply = socket.reply(HelloReply.class);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(store.has(reply.uaid().orElseThrow())).isTrue();
    }

    @Test
    void aKnownDeviceKeepsItsUaidAndAnUnknownOneIsReplaced_P2_4() {
        Uaid known = Uaid.random();
        store.add(known, CHANNEL);
        Uaid unknown = Uaid.random();

        Socket first = new Socket(service);
        first.send(new Hello(Optional.of(known.value()), Optional.of(List.of(CHANNEL.value())), Optional.empty()));
        Socket second = new Socket(service);
        second.send(new Hello(Optional.of(unknown.value()), Optional.empty(), Optional.empty()));

        assertThat(first.reply(HelloReply.class).uaid()).contains(known);
        assertThat(second.reply(HelloReply.class).uaid()).isPresent().get().isNotEqualTo(unknown);
    }

    @Test
    void aListedChannelTheStoreLacksResetsTheDevice_P2_4() {
        Uaid known = Uaid.random();
        store.add(known, CHANNEL);

        Socket socket = new Socket(service);
        socket.send(new Hello(Optional.of(known.value()), Optional.of(List.of(OTHER.value())), Optional.empty()));

        assertThat(socket.reply(HelloReply.class).uaid()).isPresent().get().isNotEqualTo(known);
        assertThat(store.has(known)).as("the old device's data is dropped").isFalse();
    }

    @Test
    void aSecondHelloIsAnswered401AndCloses_P2_6() {
        Socket socket = ready(service);

        socket.send(hello());

        assertThat(socket.reply(HelloReply.class).status()).isEqualTo(401);
        assertThat(socket.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    void aCommandBeforeHelloIsAnswered401ThenCloses_P2_9() {
        Socket socket = new Socket(service);

        socket.send(new Register(Optional.of(CHANNEL.value())));

        RegisterReply reply = socket.reply(RegisterReply.class);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error()).contains("say hello first");
        assertThat(socket.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    void messagesAreHandledOneAtATimeInArrivalOrderWhileTheStoreIsSlow() {
        store.hold();
        Socket socket = new Socket(service);
        socket.send(hello());
        socket.send(new Register(Optional.of(CHANNEL.value())));
        socket.send(new Unregister(Optional.of(CHANNEL.value())));

        assertThat(socket.received).isEmpty();
        assertThat(store.calls()).as("nothing after the hello's first call").containsExactly("create");
        store.release();

        assertThat(socket.received).extracting(m -> m.getClass().getSimpleName())
                .containsExactly("HelloReply", "RegisterReply", "UnregisterReply");
    }

    @Test
    void theFirstPingIsAnsweredAndOneSoonerThanTheFloorCloses_P6_2() {
        Socket socket = ready(service);

        socket.send(Ping.INSTANCE);
        time.advance(Duration.ofSeconds(20));
        socket.send(Ping.INSTANCE);
        time.advance(Duration.ofSeconds(19));
        socket.send(Ping.INSTANCE);

        assertThat(socket.received).filteredOn(Pong.class::isInstance).hasSize(2);
        assertThat(socket.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }

    @Test
    void registerAnswersAnEndpointAndTheLimitWith503_P3_1_P3_4() {
        Socket socket = ready(service);

        socket.send(new Register(Optional.of(CHANNEL.value())));
        socket.send(new Register(Optional.of(OTHER.value())));
        socket.send(new Register(Optional.of("5c1a2b3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d")));
        socket.send(new Register(Optional.of("not a uuid")));

        List<RegisterReply> replies = socket.all(RegisterReply.class);
        assertThat(replies).extracting(RegisterReply::status).containsExactly(200, 200, 503, 401);
        assertThat(replies.get(0).pushEndpoint()).isPresent().get().asString()
                .startsWith("http://push.test/update/");
    }

    @Test
    void aConnectionNeverSendsAChannelsVersionTwiceOrLower_P5_5() {
        Socket socket = ready(service);
        LocalDevice device = router.holder(socket.uaid());

        assertThat(device.deliver(update(CHANNEL, 5))).isTrue();
        assertThat(device.deliver(update(CHANNEL, 5))).isTrue();
        assertThat(device.deliver(update(CHANNEL, 4))).isTrue();
        assertThat(device.deliver(update(CHANNEL, 6))).isTrue();

        assertThat(socket.all(Notification.class)).extracting(n -> n.updates().get(0).version().value())
                .containsExactly(5L, 6L);
    }

    @Test
    void anUnregisteredChannelStartsAgainFromNothing_P5_5() {
        Socket socket = ready(service);
        socket.send(new Register(Optional.of(CHANNEL.value())));
        LocalDevice device = router.holder(socket.uaid());
        device.deliver(update(CHANNEL, 5));

        socket.send(new Unregister(Optional.of(CHANNEL.value())));
        socket.send(new Register(Optional.of(CHANNEL.value())));
        device.deliver(update(CHANNEL, 1));

        assertThat(socket.all(UnregisterReply.class)).extracting(UnregisterReply::status).containsExactly(200);
        assertThat(socket.all(Notification.class)).extracting(n -> n.updates().get(0).version().value())
                .containsExactly(5L, 1L);
    }

    @Test
    void anAckClearsThePendingUpdate_P5_3() {
        Socket socket = ready(service);
        socket.send(new Register(Optional.of(CHANNEL.value())));
        store.advance(socket.uaid(), CHANNEL, Version.of(7));

        socket.send(new Ack(List.of(update(CHANNEL, 7))));

        assertThat(store.pending(socket.uaid()).toCompletableFuture().join()).isEmpty();
    }

    @Test
    void pendingUpdatesFollowTheHelloReply_P2_2_P2_7() {
        Uaid known = Uaid.random();
        store.add(known, CHANNEL);
        store.advance(known, CHANNEL, Version.of(3));

        Socket socket = new Socket(service);
        socket.send(new Hello(Optional.of(known.value()), Optional.empty(), Optional.empty()));

        assertThat(socket.received).hasSize(2);
        assertThat(socket.received.get(0)).isInstanceOf(HelloReply.class);
        assertThat(((Notification) socket.received.get(1)).updates()).containsExactly(update(CHANNEL, 3));
    }

    @Test
    void nothingIsDeliveredBeforeHelloOrAfterClose() {
        Socket socket = new Socket(service);
        Session session = (Session) socket.session;

        assertThat(session.deliver(update(CHANNEL, 1))).isFalse();
        socket.send(hello());
        socket.session.closed();

        assertThat(session.deliver(update(CHANNEL, 2))).isFalse();
        assertThat(socket.received).hasSize(1);
    }

    @Test
    void acksAndUnregistersReceivedBeforeTheCloseStillReachTheStoreButNothingIsSent_P5_3() {
        Socket socket = ready(service);
        store.hold();
        socket.send(new Ack(List.of(update(CHANNEL, 1))));
        socket.send(new Ack(List.of(update(OTHER, 1))));
        socket.send(new Unregister(Optional.of(CHANNEL.value())));
        socket.send(new Register(Optional.of(OTHER.value())));
        socket.send(Ping.INSTANCE);
        socket.session.closed();
        int before = store.calls().size();

        store.release();

        assertThat(store.calls().subList(before - 1, store.calls().size()))
                .as("the first ack was under way at the close; the rest follow it, but no register")
                .containsExactly("ack", "ack", "unregister");
        assertThat(socket.received).as("only the hello reply").hasSize(1);
    }

    @Test
    void messagesReceivedAfterTheCloseAreIgnored() {
        Socket socket = ready(service);
        socket.session.closed();
        int before = store.calls().size();

        socket.send(new Ack(List.of(update(CHANNEL, 1))));

        assertThat(store.calls()).hasSize(before);
    }

    @Test
    void closedReleasesThePresenceOnceAndCountsTheSocket() {
        Socket socket = ready(service);
        Uaid uaid = socket.uaid();
        assertThat(service.openSessions()).isEqualTo(1);

        socket.session.closed();
        socket.session.closed();

        assertThat(router.releases).containsExactly(uaid);
        assertThat(service.openSessions()).isZero();
    }

    @Test
    void aNewerConnectionEvictsTheOlderWithANormalClose_P2_5() {
        Socket older = ready(service);

        router.holder(older.uaid()).evict();

        assertThat(older.closeCode).isEqualTo(CloseCodes.NORMAL);
    }

    @Test
    void aStoreOutageAtHelloIsAnswered503AndCloses() {
        store.fail();
        Socket socket = new Socket(service);

        socket.send(hello());

        assertThat(socket.reply(HelloReply.class).status()).isEqualTo(503);
        assertThat(socket.closeCode).isEqualTo(CloseCodes.INTERNAL_ERROR);
    }

    @Test
    void anEligiblePhoneIsAnswered201AndClosedWith4774WhenIdle_P8_2() {
        PushService wakeups = service(Optional.of(address -> true));
        Socket phone = new Socket(wakeups);
        phone.send(new Hello(Optional.empty(), Optional.empty(), Optional.of(PHONE)));
        assertThat(phone.reply(HelloReply.class).status()).isEqualTo(201);

        time.advance(Duration.ofSeconds(8));
        phone.send(new Register(Optional.of(CHANNEL.value())));
        time.advance(Duration.ofSeconds(8));
        assertThat(phone.closeCode).as("a message restarts the idle time").isNull();
        time.advance(Duration.ofSeconds(2));

        assertThat(phone.closeCode).isEqualTo(CloseCodes.UDP_WAKEUP);
    }

    @Test
    void anIneligiblePhoneIsAnOrdinaryClient_P8_1() {
        PushService wakeups = service(Optional.of(address -> false));
        Socket phone = new Socket(wakeups);
        phone.send(new Hello(Optional.empty(), Optional.empty(), Optional.of(PHONE)));

        time.advance(Duration.ofMinutes(5));

        assertThat(phone.reply(HelloReply.class).status()).isEqualTo(200);
        assertThat(phone.closeCode).isNull();
    }

    @Test
    void aClosedPhoneLeavesNoTimerBehind_P8_2() {
        PushService wakeups = service(Optional.of(address -> true));
        Socket phone = new Socket(wakeups);
        phone.send(new Hello(Optional.empty(), Optional.empty(), Optional.of(PHONE)));

        phone.session.closed();

        assertThat(time.pending()).isZero();
    }

    private static Hello hello() {
        return new Hello(Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Update update(ChannelId channel, long version) {
        return new Update(channel, Version.of(version), Optional.empty());
    }

    private Socket ready(PushService on) {
        Socket socket = new Socket(on);
        socket.send(hello());
        assertThat(socket.reply(HelloReply.class).status()).isEqualTo(200);
        return socket;
    }

    /** One device socket, as a transport offers it; the session answers on the test's thread. */
    private static final class Socket implements DeviceConnection {
        final List<ServerMessage> received = new ArrayList<>();
        final DeviceSession session;
        Integer closeCode;

        Socket(PushService service) {
            session = service.openSession(this);
        }

        void send(ClientMessage message) {
            session.receive(message);
        }

        @Override
        public synchronized boolean send(ServerMessage message) {
            if (closeCode != null) {
                return false;
            }
            received.add(message);
            return true;
        }

        @Override
        public synchronized void close(int code, String reason) {
            if (closeCode == null) {
                closeCode = code;
            }
        }

        synchronized <T extends ServerMessage> T reply(Class<T> type) {
            List<T> all = all(type);
            assertThat(all).as("replies of type %s", type.getSimpleName()).isNotEmpty();
            return all.get(all.size() - 1);
        }

        synchronized <T extends ServerMessage> List<T> all(Class<T> type) {
            return received.stream().filter(type::isInstance).map(type::cast).toList();
        }

        Uaid uaid() {
            return reply(HelloReply.class).uaid().orElseThrow();
        }
    }
}
