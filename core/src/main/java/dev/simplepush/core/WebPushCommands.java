package dev.simplepush.core;

import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ClientMessage.Ack;
import dev.simplepush.core.protocol.ClientMessage.MessageAck;
import dev.simplepush.core.protocol.ClientMessage.Nack;
import dev.simplepush.core.protocol.ClientMessage.Register;
import dev.simplepush.core.protocol.ClientMessage.Unregister;
import dev.simplepush.core.protocol.ReplyError;
import dev.simplepush.core.protocol.ServerMessage.RegisterReply;
import dev.simplepush.core.spi.DeviceStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What a ready Web Push device may ask (W3, W8): register with or without an application server key, unregister,
 * ack messages by id, nack. Beside {@link ChannelCommands}, which it shares unregister and the SimplePush ack with.
 */
final class WebPushCommands {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);

    private WebPushCommands() {
    }

    static CompletionStage<Void> handle(Session session, ClientMessage message) {
        Optional<Uaid> device = session.device();
        if (device.isEmpty()) {
            return Session.DONE;
        }
        if (message instanceof Register register) {
            return register(session, device.get(), register);
        }
        if (message instanceof Unregister unregister) {
            // W3.4: the code is informational; the rules are P3.5's, and the queue goes with the channel.
            return ChannelCommands.unregister(session, device.get(), unregister);
        }
        if (message instanceof Ack ack) {
            return ack(session, device.get(), ack);
        }
        if (message instanceof Nack nack) {
            // W8.2: informational only: no reply, no redelivery, never a reason to close.
            session.context().meters().nacked();
            session.log(LOG, Level.DEBUG)
                    .log("{} reports code {} for a message it acked", session.describe(), nack.code());
            return Session.DONE;
        }
        throw new IllegalStateException("unhandled message " + message);
    }

    private static CompletionStage<Void> register(Session session, Uaid device, Register register) {
        Optional<ChannelId> channel = register.channelId().flatMap(ChannelId::parse);
        if (channel.isEmpty()) {
            session.send(new RegisterReply(register.channelId(), ReplyError.INVALID_CHANNEL_ID));
            return Session.DONE;
        }
        Optional<VapidKey> key = Optional.empty();
        if (register.key().isPresent()) {
            key = VapidKey.parse(register.key().get());
            if (key.isEmpty()) {
                // W3.2: refused, and the socket stays open.
                session.send(new RegisterReply(register.channelId(), ReplyError.INVALID_KEY));
                return Session.DONE;
            }
        }
        SessionContext context = session.context();
        // W3.4: a new registration gets a new generation, so endpoints of an earlier one of the channel stay gone.
        Subscription requested = new Subscription(device, channel.get(), key.map(VapidKey::hash),
                Subscription.newGeneration());
        CompletableFuture<DeviceStore.Subscribed> subscribed = context.store()
                .subscribe(requested, context.config().maxChannelsPerDevice()).toCompletableFuture();
        return ChannelCommands.answerRegistration(session, register,
                subscribed.thenApply(DeviceStore.Subscribed::registration),
                () -> endpoint(context, requested.withGeneration(subscribed.join().generation())));
    }

    /** W4.1: {@code /wpush/v1/} or {@code /wpush/v2/}, as the transport spells them. */
    private static Optional<URI> endpoint(SessionContext context, Subscription subscription) {
        EndpointToken token = context.tokens().encode(subscription);
        try {
            return Optional.of(context.endpointUrls().webPushEndpointFor(token, subscription.restricted()));
        } catch (UnsupportedOperationException noWebPush) {
            LOG.error("a Web Push device registered, but the transport serves no Web Push endpoints: {}",
                    noWebPush.getMessage());
            return Optional.empty();
        }
    }

    /**
     * W8.1: every entry removes its message for good, whatever the code; an entry whose version is a SimplePush
     * version (W1.4) is a conditional ack of that version (P5.3). Unknown ids and channels are ignored; nothing
     * is answered.
     */
    private static CompletionStage<Void> ack(Session session, Uaid device, Ack ack) {
        List<CompletableFuture<?>> done = new ArrayList<>(ack.messages().size() + 1);
        if (!ack.updates().isEmpty()) {
            done.add(ChannelCommands.ack(session, device, ack.updates()).toCompletableFuture());
        }
        for (MessageAck entry : ack.messages()) {
            session.context().meters().acked(entry.code());
            // A decimal version is never a message id (those are far longer than 19 digits).
            Optional<Version> version = Version.parse(entry.version());
            Optional<MessageId> id = MessageId.parse(entry.version());
            if (version.isPresent()) {
                done.add(ChannelCommands.ack(session, device, List.of(Update.of(entry.channelId(), version.get())))
                        .toCompletableFuture());
            } else if (id.isPresent()) {
                done.add(session.context().store().remove(device, entry.channelId(), id.get()).toCompletableFuture());
            }
        }
        // A failed removal leaves the message queued, so it is sent again after the next hello: nothing is lost.
        CompletableFuture<?> all = done.size() == 1
                ? done.get(0)
                : CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
        return all.handle((v, failure) -> {
            if (failure != null) {
                session.log(LOG, Level.WARN)
                        .log("ack failed for {}: {}", session.describe(), Failures.rootMessage(failure));
            }
            return null;
        });
    }
}
