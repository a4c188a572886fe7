package dev.simplepush.core;

import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ClientMessage.Ack;
import dev.simplepush.core.protocol.ClientMessage.BroadcastSubscribe;
import dev.simplepush.core.protocol.ClientMessage.Hello;
import dev.simplepush.core.protocol.ClientMessage.Ping;
import dev.simplepush.core.protocol.ClientMessage.Unregister;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.DeviceConnection;
import dev.simplepush.core.protocol.ReplyStatus;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.protocol.ServerMessage.HelloReply;
import dev.simplepush.core.protocol.ServerMessage.Notification;
import dev.simplepush.core.protocol.ServerMessage.Pong;
import dev.simplepush.core.protocol.ServerMessage.WebPushHelloReply;
import dev.simplepush.core.protocol.ServerMessage.WebPushNotification;
import dev.simplepush.core.spi.LocalDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One device connection: awaiting hello → ready → closed. It orders the device's messages, owns the connection's
 * state and timers, and hands each message to the rules that handle it: {@link HelloHandler} (P2),
 * {@link ChannelCommands} (P3, P5.3), the ping floor here (P6). To the {@link dev.simplepush.core.spi.Router} it
 * is the {@link LocalDevice} that takes live updates, filtered by the connection's {@link SentMemo} (P5.5).
 *
 * <p>Once closed, by either side, nothing more is sent; of the messages received before the close and not yet handled,
 * the acks and unregisters are still applied to the store, the rest dropped.
 *
 * <p>An idle session holds only a few fields: no thread, no timer once hello is done (except the
 * {@link WakeIdleTimer} of a device accepted for UDP wake-up, P8.2), no channel list.
 *
 * <p>Thread-safe; never blocks.
 */
final class Session implements DeviceSession, LocalDevice {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);
    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final long NEVER = Long.MIN_VALUE;
    private static final AtomicInteger IDS = new AtomicInteger();

    private enum State { AWAITING_HELLO, HELLO_PENDING, READY, CLOSED }

    private final SessionContext context;
    private final DeviceConnection connection;
    // Names the connection in logs, beside the node id; it wraps after 2^32 connections. A session is 64 bytes
    // with it, 56 without (JOL).
    private final int id = IDS.incrementAndGet();

    private volatile State state = State.AWAITING_HELLO;
    private volatile @Nullable Uaid uaid;
    private volatile @Nullable WakeIdleTimer idle;
    // W1.1: fixed by the hello, before READY; read by deliver under this.
    private volatile boolean webPush;
    // Guarded by this.
    private @Nullable Future<?> helloTimeout;
    private CompletionStage<Void> tail = DONE;
    private @Nullable SentMemo sent;
    private boolean socketGone;
    // Only touched by the message being handled, one at a time.
    private long lastPingMillis = NEVER;

    Session(SessionContext context, DeviceConnection connection) {
        this.context = context;
        this.connection = connection;
    }

    /** P2.8: a socket that does not say hello in time is closed. */
    void armHelloTimeout() {
        Duration timeout = context.config().helloTimeout();
        Future<?> timer = context.scheduler().schedule(() -> {
            if (state == State.AWAITING_HELLO) {
                close(CloseCodes.POLICY_VIOLATION, "no hello within " + timeout.toSeconds() + "s");
            }
        }, timeout);
        synchronized (this) {
            helloTimeout = timer;
        }
        if (state != State.AWAITING_HELLO) {
            timer.cancel(false);
        }
    }

    @Override
    public void receive(ClientMessage message) {
        if (state == State.CLOSED) {
            // Received after the close: neither answered nor applied.
            return;
        }
        WakeIdleTimer timer = idle;
        if (timer != null) {
            // P8.2: any client message restarts the idle time.
            timer.touch();
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
                log(LOG, Level.ERROR).setCause(bug)
                        .log("failed to handle {} for {}", message.getClass().getSimpleName(), describe());
                handled = DONE;
            }
            handled.whenComplete((v, failure) -> {
                if (failure != null) {
                    log(LOG, Level.ERROR).setCause(failure)
                            .log("failed to handle {} for {}", message.getClass().getSimpleName(), describe());
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

    @Override
    public void closed() {
        Uaid held;
        Future<?> timer;
        synchronized (this) {
            if (socketGone) {
                return;
            }
            socketGone = true;
            state = State.CLOSED;
            // The UAID stays known: messages received before the close still reach the store (see afterClose).
            held = uaid;
            timer = helloTimeout;
            helloTimeout = null;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        WakeIdleTimer idleTimer = idle;
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        context.meters().closed();
        if (held != null) {
            release(held);
        }
    }

    private CompletionStage<Void> handle(ClientMessage message) {
        if (state == State.CLOSED) {
            return afterClose(message);
        }
        if (message instanceof Ping) {
            return ping();
        }
        if (message instanceof Hello hello) {
            return HelloHandler.hello(this, hello);
        }
        if (message instanceof BroadcastSubscribe subscribe) {
            // W2.3: answered whatever the state; never a reason to close.
            Broadcasts.subscribe(this, subscribe);
            return DONE;
        }
        if (state != State.READY) {
            // P2.9, W8.3: register, unregister, ack and nack need a device: say why, then close.
            connection.send(ChannelCommands.refusedBeforeHello(message));
            String type = message.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            close(CloseCodes.POLICY_VIOLATION, type + " before hello");
            return DONE;
        }
        return webPush ? WebPushCommands.handle(this, message) : ChannelCommands.handle(this, message);
    }

    /**
     * A message received before the close and handled after it: the device meant its acks (P5.3, W8.1) and
     * unregisters (P3.5), which are applied to the store as if it were still connected, or the update it acked
     * would be sent again at its next hello. Nothing is answered ({@link #send} drops it), nothing else is done.
     */
    private CompletionStage<Void> afterClose(ClientMessage message) {
        if (uaid == null || !(message instanceof Ack || message instanceof Unregister)) {
            return DONE;
        }
        return webPush ? WebPushCommands.handle(this, message) : ChannelCommands.handle(this, message);
    }

    private CompletionStage<Void> ping() {
        long now = context.clock().millis();
        Duration floor = context.config().minPingInterval();
        // P6.2: the first ping is always answered; a later one sooner than the floor closes the socket.
        if (lastPingMillis != NEVER && now - lastPingMillis < floor.toMillis()) {
            close(CloseCodes.POLICY_VIOLATION, "pings too frequent: at most one every " + floor.toSeconds() + "s");
            return DONE;
        }
        lastPingMillis = now;
        connection.send(Pong.INSTANCE);
        return DONE;
    }

    // ---- for the rules that handle messages

    SessionContext context() {
        return context;
    }

    /** The device, once hello succeeded; still known once the socket is gone, for the messages received before. */
    Optional<Uaid> device() {
        return Optional.ofNullable(uaid);
    }

    /** Sends {@code message} unless the connection is closed: nothing is sent after the close. */
    void send(ServerMessage message) {
        if (state != State.CLOSED) {
            connection.send(message);
        }
    }

    /** Moves from awaiting hello to hello pending; false if a hello was already received (P2.6). */
    synchronized boolean beginHello() {
        if (state != State.AWAITING_HELLO) {
            return false;
        }
        state = State.HELLO_PENDING;
        Future<?> timer = helloTimeout;
        helloTimeout = null;
        if (timer != null) {
            timer.cancel(false);
        }
        return true;
    }

    /**
     * Hello succeeded for {@code device}: answers it in the connection's dialect ({@code webPush}, W1.2) and becomes
     * ready; with {@code wakeIdle} present the device was accepted for UDP wake-up (status 201) and its idle timer
     * starts (P8.2). False, and the device released, if the socket closed meanwhile.
     */
    boolean ready(Uaid device, Optional<Duration> wakeIdle, boolean webPush) {
        WakeIdleTimer timer = null;
        synchronized (this) {
            if (state == State.CLOSED) {
                release(device);
                return false;
            }
            uaid = device;
            this.webPush = webPush;
            // The reply goes out before READY, under the lock deliver takes, so no notification precedes it (P2.2).
            int status = wakeIdle.isPresent() ? ReplyStatus.WAKEABLE : ReplyStatus.OK;
            connection.send(webPush
                    ? new WebPushHelloReply(device, status, Broadcasts.helloReply())
                    : new HelloReply(Optional.of(device), status));
            state = State.READY;
            if (wakeIdle.isPresent()) {
                timer = new WakeIdleTimer(this, wakeIdle.get());
                idle = timer;
            }
        }
        if (timer != null) {
            timer.arm();
        }
        return true;
    }

    boolean isReady() {
        return state == State.READY;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /** Closes the socket; nothing is sent from now on. {@link #closed()} follows from the transport. */
    void close(int code, String reason) {
        if (state != State.CLOSED) {
            log(LOG, Level.DEBUG).log("closing {}: {} {}", describe(), code, reason);
        }
        synchronized (this) {
            state = State.CLOSED;
        }
        connection.close(code, reason);
    }

    /**
     * Sends the updates whose version is above what this connection already sent for their channel (P5.5), in
     * one notification. Returns false if the connection is closed.
     */
    synchronized boolean sendAll(List<Update> updates) {
        if (state == State.CLOSED) {
            return false;
        }
        if (updates.isEmpty()) {
            // The flush after most hellos: no memo is made for a connection that was sent nothing (idle heap).
            return true;
        }
        SentMemo memo = sent;
        if (memo == null) {
            memo = new SentMemo();
            sent = memo;
        }
        List<Update> fresh = memo.fresh(updates);
        if (fresh.isEmpty()) {
            return true;
        }
        boolean queued;
        if (webPush) {
            // W1.4: a SimplePush update on a Web Push connection, one notification each, its version as the id.
            queued = true;
            for (Update update : fresh) {
                queued &= connection.send(new WebPushNotification(update.channelId(), update.version().toString(),
                        WebPushMessage.MAX_TTL_SECONDS, Optional.empty()));
            }
        } else {
            queued = connection.send(new Notification(fresh));
        }
        if (queued) {
            context.meters().updatesSent(fresh.size());
        }
        return queued;
    }

    /**
     * Sends Web Push messages, one notification each in the given order (W5.1, W5.6), with the TTL left now. Returns
     * false if the connection is closed or speaks SimplePush, which cannot carry a message id (the messages stay
     * queued for a Web Push connection of the device).
     */
    synchronized boolean sendMessages(List<WebPushMessage> messages) {
        if (state == State.CLOSED || !webPush) {
            return false;
        }
        if (messages.isEmpty()) {
            return true;
        }
        Instant now = context.clock().instant();
        boolean queued = true;
        for (WebPushMessage message : messages) {
            queued &= connection.send(new WebPushNotification(message.channelId(), message.id().value(),
                    message.ttlSecondsAt(now), message.payload()));
        }
        if (queued) {
            context.meters().messagesSent(messages.size());
        }
        return queued;
    }

    /** Whether this connection speaks the Web Push dialect (W1.1); fixed once ready. */
    boolean isWebPush() {
        return webPush;
    }

    /** P5.5 orders the versions of one registration: an unregistered channel starts again from nothing. */
    synchronized void forgetSent(ChannelId channel) {
        if (sent != null) {
            sent.forget(channel);
        }
    }

    String describe() {
        Uaid device = uaid;
        return device == null ? "a device before hello" : "device " + device;
    }

    /**
     * A log line about this connection at {@code level}, carrying the connection's id as the key-value pair
     * {@code connection} (a field of its own in JSON logs), so the lines of one connection can be followed. Built
     * only when the level is on: nothing is added to the handling of a message that logs nothing.
     */
    LoggingEventBuilder log(Logger log, Level level) {
        return log.atLevel(level).addKeyValue("connection", id);
    }

    // ---- for the router

    @Override
    public synchronized boolean deliver(Notice notice) {
        // Under the lock hello holds from sending its reply to READY: a device that already has its hello reply
        // may get an update at once, which must not be turned away as "not ready yet" (P4.3: delivered, not stored).
        if (state != State.READY) {
            return false;
        }
        if (notice instanceof Update update) {
            return sendAll(List.of(update));
        }
        return sendMessages(List.of((WebPushMessage) notice));
    }

    @Override
    public void evict() {
        close(CloseCodes.NORMAL, "replaced by a newer connection of this device");
    }

    private void release(Uaid held) {
        context.router().release(held, this).whenComplete((v, failure) -> {
            if (failure != null) {
                log(LOG, Level.WARN).log("could not release presence of {}: {}", held, Failures.rootMessage(failure));
            }
        });
    }
}
