package dev.simplepush.core;

import dev.simplepush.core.protocol.ClientMessage.Hello;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.ReplyError;
import dev.simplepush.core.protocol.ServerMessage.HelloReply;
import dev.simplepush.core.spi.WakeupPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Hello (P2): decide the UAID ({@link UaidResolver}, P2.4), claim it (P2.5), keep or forget the wake-up address
 * (P8.1), answer once in the dialect the hello chose (P2.2, W1), then flush the pending updates (P2.7) and, on a
 * Web Push connection, the queued messages (W9.3).
 */
final class HelloHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);

    private HelloHandler() {
    }

    static CompletionStage<Void> hello(Session session, Hello hello) {
        if (!session.beginHello()) {
            // P2.6: one hello per socket.
            session.send(new HelloReply(session.device(), ReplyError.SECOND_HELLO));
            session.close(CloseCodes.POLICY_VIOLATION, "second hello on this connection");
            return Session.DONE;
        }
        SessionContext context = session.context();
        Optional<Uaid> sentUaid = hello.uaid().flatMap(Uaid::parse);
        Optional<WakeupPolicy> policy = context.wakeupPolicy();
        // P8.1: only an eligible address is kept; with no policy bound the fields are ignored entirely.
        Optional<WakeupAddress> wakeup = policy.flatMap(p -> hello.wakeup().filter(p::isEligible));
        Optional<Duration> wakeIdle = wakeup.flatMap(address -> policy.map(WakeupPolicy::idleTimeout));
        return UaidResolver.resolve(context.store(), sentUaid, hello.channelIds())
                .thenCompose(resolved -> {
                    if (resolved.isEmpty()) {
                        refuseFull(session);
                        return Session.DONE;
                    }
                    return helloAs(session, hello, resolved.get(), sentUaid, wakeup, wakeIdle);
                })
                .exceptionally(failure -> {
                    session.log(LOG, Level.WARN)
                            .log("hello failed for {}: {}", session.describe(), Failures.rootMessage(failure));
                    if (!session.isReady()) {
                        session.send(new HelloReply(Optional.empty(), ReplyError.STORAGE_UNAVAILABLE));
                        session.close(CloseCodes.INTERNAL_ERROR, "storage unavailable; retry later");
                    }
                    return null;
                });
    }

    /** Claims {@code device}, answers and flushes. */
    private static CompletionStage<Void> helloAs(Session session, Hello hello, Uaid device, Optional<Uaid> sentUaid,
            Optional<WakeupAddress> wakeup, Optional<Duration> wakeIdle) {
        SessionContext context = session.context();
        return context.router().claim(device, session)
                .thenCompose(v -> context.wakeupPolicy().isEmpty()
                        ? Session.DONE
                        // Stored before the reply, so any node can wake the device once its socket is gone.
                        : context.store().setWakeup(device, wakeup))
                .thenCompose(v -> {
                    if (!session.ready(device, wakeIdle, hello.useWebPush())) {
                        return Session.DONE;
                    }
                    context.wakeupSender().ifPresent(sender -> sender.deviceReturned(device));
                    context.meters().hello(!sentUaid.equals(Optional.of(device)));
                    // P2.7: the claim above happened before this read, so an update stored meanwhile is either
                    // delivered live or found here.
                    CompletionStage<Void> updates = context.store().pending(device).thenAccept(session::sendAll);
                    if (!hello.useWebPush()) {
                        return updates;
                    }
                    // W9.3: then every queued message, in arrival order; expired ones are never sent.
                    return updates.thenCompose(v2 -> flushMessages(session, context, device));
                });
    }

    /**
     * The device needed a new UAID and the store holds as many devices as it may: the hello is refused as when
     * storage is unavailable (503, P1.2's {@code error}, P3.4's status for a limit), and the socket closed with 1013
     * (Try Again Later), so the device reconnects later with its usual back-off. Devices already known are unaffected.
     */
    private static void refuseFull(Session session) {
        session.send(new HelloReply(Optional.empty(), ReplyError.SERVER_FULL));
        session.close(CloseCodes.TRY_AGAIN_LATER, "server full; retry later");
    }

    private static CompletionStage<Void> flushMessages(Session session, SessionContext context, Uaid device) {
        CompletionStage<List<WebPushMessage>> messages = context.store().messages(device, context.clock().instant());
        return messages.thenAccept(session::sendMessages);
    }
}
