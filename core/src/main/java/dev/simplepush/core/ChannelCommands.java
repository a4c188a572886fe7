package dev.simplepush.core;

import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ClientMessage.Ack;
import dev.simplepush.core.protocol.ClientMessage.Nack;
import dev.simplepush.core.protocol.ClientMessage.Register;
import dev.simplepush.core.protocol.ClientMessage.Unregister;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.ReplyError;
import dev.simplepush.core.protocol.ReplyStatus;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.protocol.ServerMessage.AckReply;
import dev.simplepush.core.protocol.ServerMessage.NackReply;
import dev.simplepush.core.protocol.ServerMessage.RegisterReply;
import dev.simplepush.core.protocol.ServerMessage.UnregisterReply;
import dev.simplepush.core.spi.DeviceStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What a ready SimplePush device may ask: register (P3.1–P3.4), unregister (P3.5) and ack (P5.3). A second dialect
 * brings its own commands; hello decides which a connection speaks.
 */
final class ChannelCommands {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);

    private ChannelCommands() {
    }

    /** P2.9: the reply to {@code message} when it arrives before hello, with the same messageType and 401. */
    static ServerMessage refusedBeforeHello(ClientMessage message) {
        if (message instanceof Register register) {
            return new RegisterReply(register.channelId(), ReplyError.BEFORE_HELLO);
        }
        if (message instanceof Unregister unregister) {
            return new UnregisterReply(unregister.channelId(), ReplyError.BEFORE_HELLO);
        }
        if (message instanceof Ack) {
            return new AckReply(ReplyError.BEFORE_HELLO);
        }
        if (message instanceof Nack) {
            return new NackReply(ReplyError.BEFORE_HELLO);
        }
        throw new IllegalStateException("unhandled message " + message);
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
            return unregister(session, device.get(), unregister);
        }
        if (message instanceof Ack ack) {
            return ack(session, device.get(), ack.updates());
        }
        if (message instanceof Nack) {
            // W8.2: informational; a SimplePush device has no use for it, and it is never a reason to close.
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
        SessionContext context = session.context();
        // P3.5: a new registration gets a new generation, sealed in its endpoint, so endpoints of an earlier
        // registration of the channel stay gone; registering again (P3.3) keeps the channel's generation.
        Subscription requested = new Subscription(device, channel.get(), Optional.empty(),
                Subscription.newGeneration());
        CompletableFuture<DeviceStore.Subscribed> registered = context.store()
                .register(requested, context.config().maxChannelsPerDevice()).toCompletableFuture();
        return answerRegistration(session, register, registered.thenApply(DeviceStore.Subscribed::registration),
                () -> Optional.of(context.endpointUrls().endpointFor(context.tokens()
                        .encodeSimplePush(requested.withGeneration(registered.join().generation())))));
    }

    /**
     * Answers a register once the store decided (P3.1–P3.4, W3.1–W3.3): the endpoint on success (or, if
     * {@code endpoint} has none, {@link ReplyError#NO_WEBPUSH_ENDPOINTS}), the refusal otherwise.
     */
    static CompletionStage<Void> answerRegistration(Session session, Register register,
            CompletionStage<DeviceStore.Registration> registration, Supplier<Optional<URI>> endpoint) {
        return registration.handle((outcome, failure) -> {
            if (failure != null) {
                session.log(LOG, Level.WARN)
                        .log("register failed for {}: {}", session.describe(), Failures.rootMessage(failure));
                session.send(new RegisterReply(register.channelId(), ReplyError.STORAGE_FAILED));
                return null;
            }
            switch (outcome) {
                case REGISTERED, EXISTS, REKEYED -> {
                    Optional<URI> url = endpoint.get();
                    session.send(url.isPresent()
                            ? new RegisterReply(register.channelId(), ReplyStatus.OK, url)
                            : new RegisterReply(register.channelId(), ReplyError.NO_WEBPUSH_ENDPOINTS));
                }
                case LIMIT_REACHED -> session.send(new RegisterReply(register.channelId(),
                        ReplyError.TOO_MANY_CHANNELS));
                case UNKNOWN_DEVICE -> {
                    // The device was reset by another connection: it must say hello again.
                    session.send(new RegisterReply(register.channelId(), ReplyError.DEVICE_RESET));
                    session.close(CloseCodes.NORMAL, "device no longer known; say hello again");
                }
            }
            return null;
        });
    }

    static CompletionStage<Void> unregister(Session session, Uaid device, Unregister unregister) {
        Optional<ChannelId> channel = unregister.channelId().flatMap(ChannelId::parse);
        if (channel.isEmpty()) {
            session.send(new UnregisterReply(unregister.channelId(), ReplyError.INVALID_CHANNEL_ID));
            return Session.DONE;
        }
        return session.context().store().unregister(device, channel.get()).handle((v, failure) -> {
            if (failure != null) {
                session.log(LOG, Level.WARN)
                        .log("unregister failed for {}: {}", session.describe(), Failures.rootMessage(failure));
                session.send(new UnregisterReply(unregister.channelId(), ReplyError.STORAGE_FAILED));
            } else {
                session.forgetSent(channel.get());
                session.send(new UnregisterReply(unregister.channelId(), ReplyStatus.OK));
            }
            return null;
        });
    }

    /** P5.3: conditional acks of SimplePush updates. */
    static CompletionStage<Void> ack(Session session, Uaid device, List<Update> updates) {
        if (updates.isEmpty()) {
            return Session.DONE;
        }
        List<CompletableFuture<Boolean>> acks = new ArrayList<>(updates.size());
        for (Update update : updates) {
            acks.add(session.context().store().ack(device, update.channelId(), update.version())
                    .toCompletableFuture());
        }
        // P5.3: a failed ack leaves the update pending, so it is redelivered; nothing is lost.
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).handle((v, failure) -> {
            if (failure != null) {
                session.log(LOG, Level.WARN)
                        .log("ack failed for {}: {}", session.describe(), Failures.rootMessage(failure));
            }
            return null;
        });
    }
}
