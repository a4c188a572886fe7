package dev.simplepush.core.spi;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.WebPushMessage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The durable source of truth: devices, their channels, each channel's latest version and whether that version
 * is still pending (not acked) for SimplePush (P5), and each Web Push subscription's key hash and queue of messages
 * (W9).
 *
 * <p>Every method is atomic with respect to the others on the same device, across all nodes that share the
 * store. Thread-safe; never blocks the caller. Stages fail with {@link dev.simplepush.core.StoreException}.
 * Behaviour is specified by {@code DeviceStoreContract} in core's test-jar.
 */
public interface DeviceStore extends Lifecycle {

    /**
     * Creates a device with no channels; a no-op if it exists. A store that bounds how many devices it holds answers
     * {@link Create#FULL} for a new device past that bound, and creates nothing.
     */
    CompletionStage<Create> create(Uaid uaid);

    /** Outcome of {@link #create}. */
    enum Create {
        /** The device exists now: made, or already there. */
        CREATED,
        /** The store holds as many devices as it may; nothing was created, existing devices are untouched. */
        FULL
    }

    /**
     * Resumes a known device at hello (P2.4), atomically: if the device is unknown, {@link Resume#UNKNOWN};
     * if {@code listed} is present and names a channel the device does not have, {@link Resume#MISMATCH} and
     * nothing changes; otherwise the device's channels absent from a present {@code listed} are dropped (with
     * their pending updates), the device is marked as seen, and {@link Resume#RESUMED}.
     *
     * @param listed the channel IDs the device says it has, or empty if its hello carried no list
     */
    CompletionStage<Resume> resume(Uaid uaid, Optional<Set<ChannelId>> listed);

    /** Outcome of {@link #resume}. */
    enum Resume {
        /** The device exists and now holds exactly what it listed (or everything it had, with no list). */
        RESUMED,
        /** No such device. */
        UNKNOWN,
        /** The device listed a channel the store does not have: it must be reset. */
        MISMATCH
    }

    /**
     * Deletes a device with all its channels, pending updates and queued messages; its endpoints answer 410 from
     * then on.
     */
    CompletionStage<Void> drop(Uaid uaid);

    /**
     * Registers a SimplePush channel for a device (P3.1, P3.3, P3.4). A new channel takes {@code requested}'s
     * generation and takes SimplePush versions ({@link #advance}). Idempotent: an existing channel is
     * {@link Registration#EXISTS} and keeps its generation, version and pending update (and a Web Push subscription
     * of its own stays one).
     *
     * @param requested the registration to make: device, channel, no key hash, and the generation a new
     *     registration gets (a {@link Subscription#newGeneration()}, never {@link Subscription#NO_GENERATION})
     * @param maxChannels the most channels the device may hold
     * @return the outcome and, with {@code REGISTERED} or {@code EXISTS}, the channel's generation now, which the
     *     endpoint token seals (P3.5)
     * @throws IllegalArgumentException if {@code requested} has a key hash
     */
    CompletionStage<Subscribed> register(Subscription requested, int maxChannels);

    /** Outcome of {@link #register}. */
    enum Registration {
        /** The channel is new. */
        REGISTERED,
        /** The channel was already registered to this device. */
        EXISTS,
        /**
         * Web Push only (W3.3): the channel was registered with another application server key (or with a key and
         * now none, or none and now one); it now has the new one, its pending messages are gone and endpoints
         * issued for the old key answer 410.
         */
        REKEYED,
        /** The device already holds {@code maxChannels} channels; nothing changed. */
        LIMIT_REACHED,
        /** No such device. */
        UNKNOWN_DEVICE
    }

    /**
     * Registers a Web Push subscription (W3.1–W3.4): like {@link #register} for a new channel, which takes
     * {@code requested}'s key hash and generation but no SimplePush versions. An existing channel with the same key
     * hash (or none and none) is {@link Registration#EXISTS} and keeps its generation and queue (a SimplePush channel
     * stays one, W1.4); with another, {@link Registration#REKEYED}: it takes {@code requested}'s key hash and
     * generation, becomes a Web Push subscription of its own, and its queue is dropped.
     *
     * @param requested the subscription to make: device, channel, key hash, and the generation a new registration
     *     gets (never {@link Subscription#NO_GENERATION})
     * @return the outcome and, with {@code REGISTERED}, {@code EXISTS} or {@code REKEYED}, the channel's generation
     *     now
     */
    CompletionStage<Subscribed> subscribe(Subscription requested, int maxChannels);

    /**
     * Outcome of {@link #register} and {@link #subscribe}.
     *
     * @param registration what happened
     * @param generation the channel's generation after it; meaningless when it was refused
     */
    record Subscribed(Registration registration, long generation) {

        /** Validates that no component is null. */
        public Subscribed {
            Objects.requireNonNull(registration, "registration");
        }
    }

    /**
     * Whether the channel exists as exactly this registration: same key hash and generation (W6.9: otherwise the
     * endpoint answers 410, also after the channel was unregistered and registered again, W3.4).
     */
    CompletionStage<Boolean> subscribed(Subscription subscription);

    /**
     * Adds a Web Push message to its channel's queue (W9.1), atomically: if the device or channel does not exist,
     * or the channel is not {@code subscription}'s registration (another key hash or generation), {@link Enqueue#GONE};
     * otherwise messages of the channel that expired at {@code now} are dropped, a pending message with the same
     * topic is replaced (W6.5), and if the channel still holds {@code maxQueued} messages, {@link Enqueue#QUEUE_FULL}
     * and nothing changes (W9.4); else the message is appended, {@link Enqueue#QUEUED}. A channel's SimplePush
     * version (P5.1) is untouched.
     */
    CompletionStage<Enqueue> enqueue(Subscription subscription, WebPushMessage message, int maxQueued, Instant now);

    /** Outcome of {@link #enqueue}. */
    enum Enqueue {
        /** Stored: the message stays until acked, deleted, replaced or expired. */
        QUEUED,
        /** The device or channel does not exist, or was registered again with another key. */
        GONE,
        /** The channel's queue is full; nothing changed. */
        QUEUE_FULL
    }

    /**
     * The device's Web Push messages unexpired at {@code now}, in arrival order (per channel, and across channels
     * as they arrived), with their payloads (W9.3). Expired ones are dropped, never returned. Empty if none or if
     * the device is unknown.
     */
    CompletionStage<List<WebPushMessage>> messages(Uaid uaid, Instant now);

    /**
     * Removes one message for good (W8.1 ack, W6.8 delete). Completes with whether it was there; an unknown device,
     * channel or id is {@code false}.
     */
    CompletionStage<Boolean> remove(Uaid uaid, ChannelId channelId, MessageId id);

    /**
     * Unregisters a channel and drops its pending update (P3.5) and its queued messages (W3.4). Idempotent. A later
     * registration of the channel is a new one, with a new generation, so this one's endpoints stay gone.
     */
    CompletionStage<Void> unregister(Uaid uaid, ChannelId channelId);

    /**
     * Compare-and-raise (P5.1): if the channel exists as exactly {@code registration} (same generation, P3.5) and as
     * {@link #register} makes it (no key hash, not a Web Push subscription of its own, which takes no versions), and
     * {@code version} is newer than its stored version (as {@link Version#isNewerThan} defines), stores it and marks it
     * pending, {@link Advance#ADVANCED}; if not newer, changes nothing, {@link Advance#STALE}; otherwise (no such
     * device or channel, another registration of the channel, a Web Push subscription of its own)
     * {@link Advance#GONE}. A fresh channel's stored version is below every version, so its first update always
     * advances.
     *
     * @param registration what the endpoint token names; generation {@link Subscription#NO_GENERATION} matches only a
     *     channel stored before registrations had generations
     * @throws IllegalArgumentException if {@code registration} has a key hash
     */
    CompletionStage<Advance> advance(Subscription registration, Version version);

    /** Outcome of {@link #advance}. */
    enum Advance {
        /** Stored and pending. */
        ADVANCED,
        /** Accepted but not newer than what is stored: nothing changed. */
        STALE,
        /** The device or the channel does not exist, or not as that registration. */
        GONE
    }

    /** The device's pending updates (without data), one per channel; empty if none or if the device is unknown. */
    CompletionStage<List<Update>> pending(Uaid uaid);

    /**
     * Conditional ack (P5.3): clears the channel's pending mark only if {@code version} ≥ the pending version,
     * so a newer version that arrived meanwhile survives. Completes with whether it cleared something; an
     * unknown device or channel, or nothing pending, is {@code false}.
     */
    CompletionStage<Boolean> ack(Uaid uaid, ChannelId channelId, Version version);

    /**
     * How much the device holds, read atomically: its channels, its pending SimplePush updates and its queued Web
     * Push messages (which may include expired ones not yet dropped). Empty if the device is unknown. For an
     * operator's look-up; marks nothing as seen.
     */
    CompletionStage<Optional<Counts>> counts(Uaid uaid);

    /**
     * What {@link #counts} reads.
     *
     * @param channels the device's channels, SimplePush and Web Push
     * @param pendingUpdates SimplePush channels whose latest version is not acked
     * @param queuedMessages Web Push messages waiting in the device's queues
     */
    record Counts(int channels, int pendingUpdates, int queuedMessages) {

        /** Validates that no count is negative. */
        public Counts {
            if (channels < 0 || pendingUpdates < 0 || queuedMessages < 0) {
                throw new IllegalArgumentException("negative count: " + channels + ", " + pendingUpdates + ", "
                        + queuedMessages);
            }
        }
    }

    /** The device's channels; empty if none or the device is unknown. */
    CompletionStage<Set<ChannelId>> channels(Uaid uaid);

    /** Records (or, with empty, forgets) how to wake the device by UDP (P8); a no-op for an unknown device. */
    CompletionStage<Void> setWakeup(Uaid uaid, Optional<WakeupAddress> address);

    /** How to wake the device, if it said so at its last hello. */
    CompletionStage<Optional<WakeupAddress>> wakeup(Uaid uaid);
}
