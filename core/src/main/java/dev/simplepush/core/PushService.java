package dev.simplepush.core;

import dev.simplepush.core.protocol.DeviceConnection;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.WakeupPolicy;
import dev.simplepush.core.spi.WakeupSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The use cases of a push server: a device opens a session; an app server notifies an endpoint.
 *
 * <p>Obtain it from the injector built with {@link PushCoreModule}. Thread-safe; never blocks: stages complete on
 * store or router threads, so continuations must not block either.
 */
public final class PushService {

    private static final Logger LOG = LoggerFactory.getLogger(PushService.class);

    private final PushConfig config;
    private final DeviceStore store;
    private final Router router;
    private final EndpointTokens tokens;
    private final EndpointUrls endpointUrls;
    private final Clock clock;
    private final Timers timers;
    private final Optional<WakeupPolicy> wakeupPolicy;
    private final Optional<WakeupSender> wakeupSender;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Counter hellos;
    private final Counter resets;
    private final Counter notificationsSent;
    private final Map<NotifyOutcome, Counter> outcomes = new EnumMap<>(NotifyOutcome.class);

    PushService(PushConfig config, DeviceStore store, Router router, EndpointTokens tokens, EndpointUrls endpointUrls,
            Clock clock, Timers timers, MeterRegistry meters, Optional<WakeupPolicy> wakeupPolicy,
            Optional<WakeupSender> wakeupSender) {
        this.config = config;
        this.wakeupPolicy = wakeupPolicy;
        this.wakeupSender = wakeupSender;
        this.store = store;
        this.router = router;
        this.tokens = tokens;
        this.endpointUrls = endpointUrls;
        this.clock = clock;
        this.timers = timers;
        Gauge.builder("simplepush.connections", openSessions, AtomicInteger::get)
                .description("device sockets currently open").register(meters);
        hellos = Counter.builder("simplepush.hellos").description("successful hellos").register(meters);
        resets = Counter.builder("simplepush.hellos.reset")
                .description("hellos answered with a new UAID (new device or reset, P2.4)").register(meters);
        notificationsSent = Counter.builder("simplepush.updates.sent")
                .description("updates written to device sockets").register(meters);
        for (NotifyOutcome outcome : NotifyOutcome.values()) {
            outcomes.put(outcome, Counter.builder("simplepush.endpoint.requests")
                    .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .tag("status", Integer.toString(outcome.httpStatus()))
                    .description("app server updates by outcome").register(meters));
        }
    }

    /**
     * Opens the protocol session of a new device socket and arms its hello timeout (P2.8). The transport must
     * pass every decoded message to {@link DeviceSession#receive} and call {@link DeviceSession#closed()} once
     * when the socket is gone.
     */
    public DeviceSession openSession(DeviceConnection connection) {
        DeviceSession session = new DeviceSession(this, connection);
        openSessions.incrementAndGet();
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
    public CompletionStage<NotifyOutcome> notify(String token, Optional<String> versionText, Optional<String> data) {
        return accept(token, versionText, data).thenApply(outcome -> {
            outcomes.get(outcome).increment();
            return outcome;
        });
    }

    private CompletionStage<NotifyOutcome> accept(String token, Optional<String> versionText, Optional<String> data) {
        Optional<Version> version = versionText.filter(v -> !v.isEmpty())
                .map(v -> Version.parse(v))
                .orElseGet(() -> Optional.of(Version.now(clock)));
        if (version.isEmpty()) {
            return done(NotifyOutcome.BAD_VERSION);
        }
        if (data.isPresent() && data.get().getBytes(StandardCharsets.UTF_8).length > config.maxDataBytes()) {
            return done(NotifyOutcome.DATA_TOO_LARGE);
        }
        Optional<Endpoint> endpoint = tokens.decode(token);
        if (endpoint.isEmpty()) {
            return done(NotifyOutcome.NOT_FOUND);
        }
        Uaid uaid = endpoint.get().uaid();
        Update update = new Update(endpoint.get().channelId(), version.get(), data);
        return store.advance(uaid, update.channelId(), update.version())
                .handle((advance, failure) -> {
                    if (failure != null) {
                        LOG.warn("update for {} not accepted, storage failed: {}", uaid,
                                DeviceSession.rootMessage(failure));
                        return done(NotifyOutcome.UNAVAILABLE);
                    }
                    switch (advance) {
                        case GONE:
                            return done(NotifyOutcome.GONE);
                        case STALE:
                            // P5.1: accepted, same answer as a new version, but nothing is delivered.
                            return delivered(router.isConnected(uaid), uaid);
                        default:
                            return delivered(router.deliver(uaid, update), uaid).thenApply(outcome -> {
                                if (outcome == NotifyOutcome.STORED) {
                                    wake(uaid);
                                }
                                return outcome;
                            });
                    }
                })
                .thenCompose(stage -> stage);
    }

    private static CompletionStage<NotifyOutcome> delivered(CompletionStage<Boolean> live, Uaid uaid) {
        return live.handle((connected, failure) -> {
            if (failure != null) {
                // The update is already stored: the device gets it on its next hello.
                LOG.warn("live delivery to {} failed, update kept for its next hello: {}", uaid,
                        DeviceSession.rootMessage(failure));
                return NotifyOutcome.STORED;
            }
            return connected ? NotifyOutcome.DELIVERED : NotifyOutcome.STORED;
        });
    }

    /**
     * P8.3: a new update stored for an offline device wakes it, if it left a wake-up address. Fire and forget:
     * the 202 never waits for the store read or the wake-up, and a failure loses nothing (the update is stored).
     */
    private void wake(Uaid uaid) {
        if (wakeupSender.isEmpty()) {
            return;
        }
        WakeupSender sender = wakeupSender.get();
        store.wakeup(uaid)
                .thenCompose(address -> address.isPresent()
                        ? sender.wake(uaid, address.get())
                        : CompletableFuture.<Void>completedFuture(null))
                .whenComplete((v, failure) -> {
                    if (failure != null) {
                        LOG.warn("wake-up of {} failed: {}", uaid, DeviceSession.rootMessage(failure));
                    }
                });
    }

    private static CompletionStage<NotifyOutcome> done(NotifyOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    /** The number of device sockets currently open on this node. */
    public int openSessions() {
        return openSessions.get();
    }

    PushConfig config() {
        return config;
    }

    DeviceStore store() {
        return store;
    }

    Router router() {
        return router;
    }

    EndpointTokens tokens() {
        return tokens;
    }

    EndpointUrls endpointUrls() {
        return endpointUrls;
    }

    Clock clock() {
        return clock;
    }

    Timers timers() {
        return timers;
    }

    Optional<WakeupPolicy> wakeupPolicy() {
        return wakeupPolicy;
    }

    Optional<WakeupSender> wakeupSender() {
        return wakeupSender;
    }

    void sessionClosed() {
        openSessions.decrementAndGet();
    }

    void helloCompleted(boolean reset) {
        hellos.increment();
        if (reset) {
            resets.increment();
        }
    }

    void notificationsSent(int count) {
        notificationsSent.increment(count);
    }
}
