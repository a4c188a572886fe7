package dev.simplepush.core;

import dev.simplepush.core.protocol.DeviceConnection;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.WakeupSender;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The use cases of a push server: a device opens a session; an app server notifies a SimplePush endpoint or posts
 * a message to a Web Push subscription, and may delete it.
 *
 * <p>Obtain it from the injector built with {@link PushCoreModule}. Thread-safe; never blocks: stages complete on
 * store or router threads, so continuations must not block either.
 */
public final class PushService {

    private static final Logger LOG = LoggerFactory.getLogger(PushService.class);

    private final SessionContext context;

    PushService(SessionContext context) {
        this.context = context;
    }

    /**
     * Opens the protocol session of a new device socket and arms its hello timeout (P2.8). The transport must
     * pass every decoded message to {@link DeviceSession#receive} and call {@link DeviceSession#closed()} once
     * when the socket is gone.
     */
    public DeviceSession openSession(DeviceConnection connection) {
        Session session = new Session(context, connection);
        context.meters().opened();
        session.armHelloTimeout();
        return session;
    }

    /**
     * Accepts an app server's update for an endpoint (P4): decodes the token, stores the version atomically
     * (P5.1) and hands it to the device's live connection, wherever it is. Never answers DELIVERED or STORED
     * before the update is durably stored. Never completes exceptionally: storage failures are
     * {@link NotifyOutcome#UNAVAILABLE}.
     *
     * @param token the endpoint token, the last path segment of the endpoint URL
     * @param versionText the {@code version} field; empty or blank means the current Unix time in seconds (P4.2)
     * @param data the {@code data} field, passed to a connected device only
     */
    public CompletionStage<NotifyOutcome> notify(EndpointToken token, Optional<String> versionText,
            Optional<String> data) {
        return accept(endpoint(token), versionText, data);
    }

    /**
     * The SimplePush registration a token stands for; empty if the token does not decode (forged, corrupted, or
     * made under a key this server does not have: P4.3 404). Reads no store, so a transport can refuse an unknown
     * token before it reads the request body; whether the registration is still the channel's current one (P3.5)
     * is the store's answer to the update.
     */
    public Optional<Subscription> endpoint(EndpointToken token) {
        return context.tokens().decodeSimplePush(token);
    }

    /**
     * As {@link #notify(EndpointToken, Optional, Optional)}, for a token already decoded by {@link #endpoint}.
     */
    public CompletionStage<NotifyOutcome> notify(Subscription registration, Optional<String> versionText,
            Optional<String> data) {
        return accept(Optional.of(registration), versionText, data);
    }

    private CompletionStage<NotifyOutcome> accept(Optional<Subscription> registration, Optional<String> versionText,
            Optional<String> data) {
        Optional<Version> version = versionText.filter(v -> !v.isEmpty())
                .map(Version::parse)
                .orElseGet(() -> Optional.of(Version.now(context.clock())));
        if (version.isEmpty()) {
            return done(NotifyOutcome.BAD_VERSION);
        }
        if (data.isPresent()
                && data.get().getBytes(StandardCharsets.UTF_8).length > context.config().maxDataBytes()) {
            return done(NotifyOutcome.DATA_TOO_LARGE);
        }
        if (registration.isEmpty()) {
            return done(NotifyOutcome.NOT_FOUND);
        }
        Uaid uaid = registration.get().uaid();
        Update update = new Update(registration.get().channelId(), version.get(), data);
        // P3.5: the store answers GONE unless the token names the channel's current registration, in this one call.
        return context.store().advance(registration.get(), update.version())
                .handle((advance, failure) -> {
                    if (failure != null) {
                        LOG.warn("update for {} not accepted, storage failed: {}", uaid,
                                Failures.rootMessage(failure));
                        return done(NotifyOutcome.UNAVAILABLE);
                    }
                    return switch (advance) {
                        case GONE -> done(NotifyOutcome.GONE);
                        // P5.1: accepted, same answer as a new version, but nothing is delivered.
                        case STALE -> delivered(context.router().isConnected(uaid), uaid);
                        case ADVANCED -> delivered(deliver(uaid, update), uaid).thenApply(outcome -> {
                            if (outcome == NotifyOutcome.STORED) {
                                wake(uaid);
                            }
                            return outcome;
                        });
                    };
                })
                .thenCompose(stage -> stage);
    }

    /**
     * The Web Push subscription an endpoint token stands for (W4.2), {@code restricted} saying which path it came
     * on; empty if the token does not decode as such (404).
     */
    public Optional<Subscription> subscription(EndpointToken token, boolean restricted) {
        return context.tokens().decodeSubscription(token, restricted);
    }

    /**
     * Whether the subscription still exists with its key (W6.9: otherwise 410). For answering a refused request in
     * the profile's order; {@link #post} finds out by itself.
     */
    public CompletionStage<Boolean> subscribed(Subscription subscription) {
        return context.store().subscribed(subscription);
    }

    /**
     * Accepts an app server's Web Push message (W6, W9): stores it in the subscription's queue, then hands it to
     * the device's live connection, wherever it is. A message of TTL 0 is never stored (W6.3): it reaches a live
     * connection or no one. Never answers an accepted outcome before the message is stored or handed over. Never
     * completes exceptionally: storage failures are {@link NotifyOutcome#UNAVAILABLE}.
     *
     * @param subscription the decoded endpoint, whose key (if any) the caller has already checked (W7)
     * @param ttlSeconds the TTL, 0 or more; above {@link WebPushMessage#MAX_TTL_SECONDS} it is lowered to that
     * @param topic the {@code Topic}: a pending message with the same topic is replaced (W6.5)
     * @param payload the encrypted body, passed through untouched; empty for none
     */
    public CompletionStage<PostResult> post(Subscription subscription, long ttlSeconds, Optional<String> topic,
            Optional<WebPushMessage.Payload> payload) {
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("a TTL is not negative: " + ttlSeconds);
        }
        Instant now = context.clock().instant();
        long ttl = Math.min(ttlSeconds, WebPushMessage.MAX_TTL_SECONDS);
        MessageId id = context.tokens().newMessageId(subscription);
        WebPushMessage message = new WebPushMessage(id, subscription.channelId(), now.plusSeconds(ttl), topic, payload);
        Uaid uaid = subscription.uaid();
        CompletionStage<NotifyOutcome> outcome;
        if (ttl == 0) {
            outcome = subscribed(subscription).thenCompose(known -> known
                    ? deliver(uaid, message).handle((live, failure) ->
                            failure == null && live ? NotifyOutcome.DELIVERED : NotifyOutcome.DISCARDED)
                    : done(NotifyOutcome.GONE));
        } else {
            outcome = context.store().enqueue(subscription, message, context.config().maxQueuedMessages(), now)
                    .thenCompose(enqueued -> switch (enqueued) {
                        case GONE -> done(NotifyOutcome.GONE);
                        case QUEUE_FULL -> done(NotifyOutcome.QUEUE_FULL);
                        case QUEUED -> delivered(deliver(uaid, message), uaid);
                    });
        }
        return outcome.handle((result, failure) -> {
            if (failure != null) {
                LOG.warn("message for {} not accepted, storage failed: {}", uaid, Failures.rootMessage(failure));
                return PostResult.refused(NotifyOutcome.UNAVAILABLE);
            }
            if (result == NotifyOutcome.STORED) {
                wake(uaid);
            }
            return result.accepted() ? new PostResult(result, Optional.of(id)) : PostResult.refused(result);
        });
    }

    /**
     * Deletes a pending message (W6.8). Completes with {@code false} if the id does not decode (404), {@code true}
     * otherwise, whether or not the message was still pending. Fails only if the store does.
     */
    public CompletionStage<Boolean> cancel(MessageId id) {
        Optional<Endpoint> owner = context.tokens().decode(id);
        if (owner.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return context.store().remove(owner.get().uaid(), owner.get().channelId(), id).thenApply(removed -> true);
    }

    /** Hands a notice the store accepted just now to the device's live connection, timing it when it arrives. */
    private CompletionStage<Boolean> deliver(Uaid uaid, Notice notice) {
        long accepted = System.nanoTime();
        return context.router().deliver(uaid, notice).thenApply(live -> {
            if (live) {
                context.meters().delivered(notice, System.nanoTime() - accepted);
            }
            return live;
        });
    }

    private static CompletionStage<NotifyOutcome> delivered(CompletionStage<Boolean> live, Uaid uaid) {
        return live.handle((connected, failure) -> {
            if (failure != null) {
                // The update is already stored: the device gets it on its next hello.
                LOG.warn("live delivery to {} failed, update kept for its next hello: {}", uaid,
                        Failures.rootMessage(failure));
                return NotifyOutcome.STORED;
            }
            return connected ? NotifyOutcome.DELIVERED : NotifyOutcome.STORED;
        });
    }

    /**
     * P8.3: a new update stored for an offline device wakes it, if it left a wake-up address. Fire and forget:
     * the answer never waits for the store read or the wake-up, and a failure loses nothing (the update is stored).
     */
    private void wake(Uaid uaid) {
        if (context.wakeupSender().isEmpty()) {
            return;
        }
        WakeupSender sender = context.wakeupSender().get();
        DeviceStore store = context.store();
        store.wakeup(uaid)
                .thenCompose(address -> address.isPresent()
                        ? sender.wake(uaid, address.get())
                        : CompletableFuture.<Void>completedFuture(null))
                .whenComplete((v, failure) -> {
                    if (failure != null) {
                        LOG.warn("wake-up of {} failed: {}", uaid, Failures.rootMessage(failure));
                    }
                });
    }

    private static CompletionStage<NotifyOutcome> done(NotifyOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    /**
     * Looks up a device for an operator: its counts from the store and its holder from the router, read side by
     * side (so a device that connects meanwhile may show either way). Empty if the store does not know it. Fails if
     * the store or the router does.
     */
    public CompletionStage<Optional<DeviceReport>> inspect(Uaid uaid) {
        Objects.requireNonNull(uaid, "uaid");
        CompletableFuture<Optional<String>> node = context.router().holderNode(uaid).toCompletableFuture();
        return context.store().counts(uaid).thenCombine(node, (counts, holder) -> counts.map(c -> new DeviceReport(
                holder.isPresent(), holder, c.channels(), c.pendingUpdates(), c.queuedMessages())));
    }

    /** The number of device sockets currently open on this node. */
    public int openSessions() {
        return context.meters().open();
    }
}
