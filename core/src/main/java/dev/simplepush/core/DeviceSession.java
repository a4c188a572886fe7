package dev.simplepush.core;

import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ClientMessage.Ack;
import dev.simplepush.core.protocol.ClientMessage.Hello;
import dev.simplepush.core.protocol.ClientMessage.Ping;
import dev.simplepush.core.protocol.ClientMessage.Register;
import dev.simplepush.core.protocol.ClientMessage.Unregister;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.DeviceConnection;
import dev.simplepush.core.protocol.ServerMessage.HelloReply;
import dev.simplepush.core.protocol.ServerMessage.Notification;
import dev.simplepush.core.protocol.ServerMessage.Pong;
import dev.simplepush.core.protocol.ServerMessage.RegisterReply;
import dev.simplepush.core.protocol.ServerMessage.UnregisterReply;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.LocalDevice;
import dev.simplepush.core.spi.WakeupPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state machine of one device connection: awaiting hello → ready → closed.
 *
 * <p>The transport creates one per socket with {@link PushService#openSession}, passes every decoded message to
 * {@link #receive} and calls {@link #closed()} once when the socket is gone. Messages are processed one at a
 * time in arrival order, even though each may wait for the store; no thread is held meanwhile.
 *
 * <p>An idle session holds only a few fields: no thread, no timer once hello is done (except the idle timer of a
 * device accepted for UDP wake-up, P8.2), no channel list. The one
 * collection, the highest version sent per channel on this connection (P5.5), exists only once something was
 * sent, and is bounded by the channel limit.
 *
 * <p>Thread-safe; never blocks.
 */
public final class DeviceSession implements LocalDevice {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final long NEVER = Long.MIN_VALUE;

    private enum State { AWAITING_HELLO, HELLO_PENDING, READY, CLOSED }

    private final PushService service;
    private final DeviceConnection connection;

    private volatile State state = State.AWAITING_HELLO;
    private volatile @Nullable Uaid uaid;
    private @Nullable Future<?> helloTimeout;
    private long lastPingMillis = NEVER;
    private CompletionStage<Void> tail = DONE;
    private @Nullable Map<ChannelId, Long> sent;
    private boolean socketGone;
    /** Set once hello accepted the device for UDP wake-up (P8.2); from then on messages record their arrival. */
    private volatile boolean wakeable;
    private volatile long lastActivityMillis;
    private @Nullable Future<?> idleTimer;

    DeviceSession(PushService service, DeviceConnection connection) {
        this.service = service;
        this.connection = connection;
    }

    void armHelloTimeout() {
        Future<?> timer = service.timers().schedule(this::helloTimedOut, service.config().helloTimeout());
        synchronized (this) {
            helloTimeout = timer;
        }
        if (state != State.AWAITING_HELLO) {
            timer.cancel(false);
        }
    }

    /** The device's UAID, once hello succeeded. */
    public Optional<Uaid> uaid() {
        return Optional.ofNullable(uaid);
    }

    /**
     * Processes a message from the device. Returns at once; the message is handled after the ones before it.
     * Never throws.
     */
    public void receive(ClientMessage message) {
        if (wakeable) {
            // P8.2: any client message restarts the idle timer; the timer re-arms itself from this time.
            lastActivityMillis = service.clock().millis();
        }
        CompletableFuture<Void> next = new CompletableFuture<>();
        CompletionStage<Void> previous;
        synchronized (this) {
            previous = tail;
            tail = next;
        }
        previous.whenComplete((ignored, alsoIgnored) -> {
            CompletionStage<Void> handled;
            try {
                handled = handle(message);
            } catch (RuntimeException bug) {
                LOG.error("failed to handle {} for {}", message.getClass().getSimpleName(), describe(), bug);
                handled = DONE;
            }
            handled.whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.error("failed to handle {} for {}", message.getClass().getSimpleName(), describe(), failure);
                }
                synchronized (this) {
                    if (tail == next) {
                        tail = DONE;
                    }
                }
                next.complete(null);
            });
        });
    }

    /** The socket is gone (closed by either side). Releases the device's presence. Idempotent. */
    public void closed() {
        Uaid held;
        synchronized (this) {
            if (socketGone) {
                return;
            }
            socketGone = true;
            state = State.CLOSED;
            held = uaid;
            uaid = null;
        }
        cancelHelloTimeout();
        cancelIdleTimer();
        service.sessionClosed();
        if (held != null) {
            release(held);
        }
    }

    private void release(Uaid held) {
        service.router().release(held, this).whenComplete((v, failure) -> {
            if (failure != null) {
                LOG.warn("could not release presence of {}: {}", held, rootMessage(failure));
            }
        });
    }

    private CompletionStage<Void> handle(ClientMessage message) {
        if (state == State.CLOSED) {
            return DONE;
        }
        if (message instanceof Ping) {
            return ping();
        }
        if (message instanceof Hello hello) {
            return hello(hello);
        }
        if (state != State.READY) {
            // P2.9: register, unregister and ack need a device.
            String type = message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            close(CloseCodes.POLICY_VIOLATION, type + " before hello");
            return DONE;
        }
        if (message instanceof Register register) {
            return register(register);
        }
        if (message instanceof Unregister unregister) {
            return unregister(unregister);
        }
        if (message instanceof Ack ack) {
            return ack(ack);
        }
        throw new IllegalStateException("unhandled message " + message);
    }

    private CompletionStage<Void> ping() {
        long now = service.clock().millis();
        long floor = service.config().minPingInterval().toMillis();
        // P6.2: the first ping is always answered; a later one sooner than the floor closes the socket.
        if (lastPingMillis != NEVER && now - lastPingMillis < floor) {
            close(CloseCodes.POLICY_VIOLATION, "pings too frequent: at most one every "
                    + service.config().minPingInterval().toSeconds() + "s");
            return DONE;
        }
        lastPingMillis = now;
        connection.send(Pong.INSTANCE);
        return DONE;
    }

    private CompletionStage<Void> hello(Hello hello) {
        if (state != State.AWAITING_HELLO) {
            // P2.6: one hello per socket.
            connection.send(new HelloReply(Optional.ofNullable(uaid), 401));
            close(CloseCodes.POLICY_VIOLATION, "second hello on this connection");
            return DONE;
        }
        state = State.HELLO_PENDING;
        cancelHelloTimeout();
        DeviceStore store = service.store();
        Optional<Uaid> sentUaid = hello.uaid().flatMap(Uaid::parse);
        CompletionStage<Uaid> decided;
        if (sentUaid.isEmpty()) {
            decided = fresh(Optional.empty());
        } else {
            Optional<Set<ChannelId>> listed = parseListed(hello.channelIds());
            Uaid known = sentUaid.get();
            if (listed.isPresent() && listed.get() == INVALID) {
                decided = fresh(Optional.of(known));
            } else {
                decided = store.resume(known, listed).thenCompose(resume -> {
                    switch (resume) {
                        case RESUMED:
                            return CompletableFuture.completedFuture(known);
                        case MISMATCH:
                            return fresh(Optional.of(known));
                        default:
                            return fresh(Optional.empty());
                    }
                });
            }
        }
        Optional<WakeupPolicy> policy = service.wakeupPolicy();
        // P8.1: only an eligible address is kept; with no policy bound the fields are ignored entirely.
        Optional<WakeupAddress> wakeup = policy.flatMap(p -> hello.wakeup().filter(p::isEligible));
        return decided
                .thenCompose(device -> service.router().claim(device, this).thenApply(v -> device))
                .thenCompose(device -> policy.isEmpty()
                        ? CompletableFuture.completedFuture(device)
                        // Stored before the reply, so any node can wake the device once its socket is gone.
                        : store.setWakeup(device, wakeup).thenApply(v -> device))
                .thenCompose(device -> {
                    synchronized (this) {
                        if (state == State.CLOSED) {
                            release(device);
                            return DONE;
                        }
                        uaid = device;
                        // The reply goes out before READY, so no notification can precede it (P2.2).
                        connection.send(new HelloReply(Optional.of(device), wakeup.isPresent() ? 201 : 200));
                        state = State.READY;
                        if (wakeup.isPresent()) {
                            lastActivityMillis = service.clock().millis();
                            wakeable = true;
                        }
                    }
                    if (wakeup.isPresent()) {
                        armIdleTimer(policy.get().idleTimeout());
                    }
                    service.wakeupSender().ifPresent(sender -> sender.deviceReturned(device));
                    service.helloCompleted(!sentUaid.equals(Optional.of(device)));
                    // P2.7: the claim above happened before this read, so an update stored meanwhile is either
                    // delivered live or found here.
                    return store.pending(device).thenAccept(this::sendAll);
                })
                .exceptionally(failure -> {
                    LOG.warn("hello failed for {}: {}", describe(), rootMessage(failure));
                    if (state != State.READY) {
                        connection.send(new HelloReply(Optional.empty(), 503));
                        close(CloseCodes.INTERNAL_ERROR, "storage unavailable; retry later");
                    }
                    return null;
                });
    }

    private static final Set<ChannelId> INVALID = Set.of();

    /** The listed channels; {@link #INVALID} if one entry is not a UUID, which no stored channel can match. */
    private static Optional<Set<ChannelId>> parseListed(Optional<List<String>> texts) {
        if (texts.isEmpty()) {
            return Optional.empty();
        }
        Set<ChannelId> listed = new LinkedHashSet<>();
        for (String text : texts.get()) {
            Optional<ChannelId> id = ChannelId.parse(text);
            if (id.isEmpty()) {
                return Optional.of(INVALID);
            }
            listed.add(id.get());
        }
        return Optional.of(listed);
    }

    /** P2.4 reset: mint a new UAID; the old one's data, if any, is dropped so its endpoints answer 410. */
    private CompletionStage<Uaid> fresh(Optional<Uaid> dropped) {
        Uaid minted = Uaid.random();
        CompletionStage<Void> before = dropped.isPresent() ? service.store().drop(dropped.get()) : DONE;
        return before.thenCompose(v -> service.store().create(minted)).thenApply(v -> minted);
    }

    private CompletionStage<Void> register(Register register) {
        Optional<ChannelId> channel = register.channelId().flatMap(ChannelId::parse);
        if (channel.isEmpty()) {
            connection.send(new RegisterReply(register.channelId(), 401, Optional.empty()));
            return DONE;
        }
        Uaid device = uaid;
        if (device == null) {
            return DONE;
        }
        return service.store().register(device, channel.get(), service.config().maxChannelsPerDevice())
                .handle((outcome, failure) -> {
                    if (failure != null) {
                        LOG.warn("register failed for {}: {}", describe(), rootMessage(failure));
                        connection.send(new RegisterReply(register.channelId(), 500, Optional.empty()));
                        return null;
                    }
                    switch (outcome) {
                        case REGISTERED:
                        case EXISTS:
                            String token = service.tokens().encode(new Endpoint(device, channel.get()));
                            connection.send(new RegisterReply(register.channelId(), 200,
                                    Optional.of(service.endpointUrls().endpointFor(token))));
                            break;
                        case LIMIT_REACHED:
                            connection.send(new RegisterReply(register.channelId(), 503, Optional.empty()));
                            break;
                        default:
                            // The device was reset by another connection: it must say hello again.
                            connection.send(new RegisterReply(register.channelId(), 410, Optional.empty()));
                            close(CloseCodes.NORMAL, "device no longer known; say hello again");
                    }
                    return null;
                });
    }

    private CompletionStage<Void> unregister(Unregister unregister) {
        Optional<ChannelId> channel = unregister.channelId().flatMap(ChannelId::parse);
        Uaid device = uaid;
        if (channel.isEmpty() || device == null) {
            connection.send(new UnregisterReply(unregister.channelId(), 401));
            return DONE;
        }
        return service.store().unregister(device, channel.get()).handle((v, failure) -> {
            if (failure != null) {
                LOG.warn("unregister failed for {}: {}", describe(), rootMessage(failure));
                connection.send(new UnregisterReply(unregister.channelId(), 500));
            } else {
                forgetSent(channel.get());
                connection.send(new UnregisterReply(unregister.channelId(), 200));
            }
            return null;
        });
    }

    /**
     * P5.5 orders the versions of one registration: once a channel is unregistered, what this connection sent
     * for it no longer holds back updates of the same channelID registered again (P3.3, P4.3 200 = delivered).
     */
    private synchronized void forgetSent(ChannelId channel) {
        if (sent != null) {
            sent.remove(channel);
        }
    }

    private CompletionStage<Void> ack(Ack ack) {
        Uaid device = uaid;
        if (device == null || ack.updates().isEmpty()) {
            return DONE;
        }
        List<CompletableFuture<Boolean>> acks = new ArrayList<>(ack.updates().size());
        for (Update update : ack.updates()) {
            acks.add(service.store().ack(device, update.channelId(), update.version()).toCompletableFuture());
        }
        // P5.3: a failed ack leaves the update pending, so it is redelivered; nothing is lost.
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).handle((v, failure) -> {
            if (failure != null) {
                LOG.warn("ack failed for {}: {}", describe(), rootMessage(failure));
            }
            return null;
        });
    }

    @Override
    public synchronized boolean deliver(Update update) {
        // Under the lock hello holds from sending its reply to READY: a device that already has its hello reply
        // may get an update at once, which must not be turned away as "not ready yet" (P4.3 200, not 202).
        if (state != State.READY) {
            return false;
        }
        return sendAll(List.of(update));
    }

    @Override
    public void evict() {
        close(CloseCodes.NORMAL, "replaced by a newer connection of this device");
    }

    /**
     * Sends the updates whose version is above what this connection already sent for their channel (P5.5), in
     * one notification. Returns false if the connection is closed.
     */
    private synchronized boolean sendAll(List<Update> updates) {
        if (state == State.CLOSED) {
            return false;
        }
        List<Update> fresh = new ArrayList<>(updates.size());
        for (Update update : updates) {
            Long already = sent == null ? null : sent.get(update.channelId());
            if (already != null && already >= update.version().value()) {
                continue;
            }
            if (sent == null) {
                sent = new HashMap<>(4);
            }
            sent.put(update.channelId(), update.version().value());
            fresh.add(update);
        }
        if (fresh.isEmpty()) {
            return true;
        }
        boolean queued = connection.send(new Notification(fresh));
        if (queued) {
            service.notificationsSent(fresh.size());
        }
        return queued;
    }

    private void helloTimedOut() {
        if (state == State.AWAITING_HELLO) {
            close(CloseCodes.POLICY_VIOLATION, "no hello within " + service.config().helloTimeout().toSeconds() + "s");
        }
    }

    private void armIdleTimer(Duration delay) {
        Future<?> timer = service.timers().schedule(this::idleTimerExpired, delay);
        synchronized (this) {
            if (state == State.CLOSED) {
                timer.cancel(false);
                return;
            }
            idleTimer = timer;
        }
    }

    /**
     * P8.2: one timer per wakeable socket, re-armed on expiry for the time left since the last message rather
     * than cancelled and rescheduled on every message.
     */
    private void idleTimerExpired() {
        if (state == State.CLOSED) {
            return;
        }
        long timeout = service.wakeupPolicy().map(WakeupPolicy::idleTimeout)
                .orElse(WakeupPolicy.DEFAULT_IDLE_TIMEOUT).toMillis();
        long idle = service.clock().millis() - lastActivityMillis;
        if (idle >= timeout) {
            close(CloseCodes.UDP_WAKEUP, "UDP Wakeup");
        } else {
            armIdleTimer(Duration.ofMillis(timeout - idle));
        }
    }

    private void cancelIdleTimer() {
        Future<?> timer;
        synchronized (this) {
            timer = idleTimer;
            idleTimer = null;
        }
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void close(int code, String reason) {
        if (state != State.CLOSED) {
            LOG.debug("closing {}: {} {}", describe(), code, reason);
        }
        // closed() follows from the transport when the socket is gone; mark now so nothing more is sent.
        synchronized (this) {
            state = State.CLOSED;
        }
        connection.close(code, reason);
    }

    private void cancelHelloTimeout() {
        Future<?> timer;
        synchronized (this) {
            timer = helloTimeout;
            helloTimeout = null;
        }
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private String describe() {
        Uaid device = uaid;
        return device == null ? "a device before hello" : "device " + device;
    }

    static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }
}
