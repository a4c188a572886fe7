package dev.simplepush.core.protocol;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Update;
import dev.simplepush.core.WakeupAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message from a device. Fields that the session must judge (a UAID that may be malformed, a channelID that
 * may not be a UUID) are carried as the raw text the device sent; the codec only maps JSON shapes.
 */
public sealed interface ClientMessage
        permits ClientMessage.Hello, ClientMessage.Register, ClientMessage.Unregister, ClientMessage.Ack,
                ClientMessage.Nack, ClientMessage.BroadcastSubscribe, ClientMessage.Ping {

    /**
     * {@code hello} (P2.1).
     *
     * @param uaid the UAID text, empty when absent, {@code ""} or {@code null}
     * @param channelIds the listed channel ID texts, empty when the key is absent (some Gecko versions omit it);
     *     a non-string entry is passed as its JSON text, which no channel matches
     * @param wakeup the wake-up address, when {@code wakeup_hostport} and {@code mobilenetwork} are both
     *     present and well-formed (P8.1); ill-formed ones are treated as absent
     * @param useWebPush {@code use_webpush} was {@code true}: the connection speaks the Web Push dialect (W1.1)
     * @param broadcasts the broadcasts the device holds, id to version (W2.1); empty when absent
     */
    record Hello(Optional<String> uaid, Optional<List<String>> channelIds, Optional<WakeupAddress> wakeup,
            boolean useWebPush, Map<String, String> broadcasts) implements ClientMessage {
        /** Validates that no component is null and copies the list and the map. */
        public Hello {
            Objects.requireNonNull(uaid, "uaid");
            channelIds = Objects.requireNonNull(channelIds, "channelIds").map(List::copyOf);
            Objects.requireNonNull(wakeup, "wakeup");
            broadcasts = Collections.unmodifiableMap(new LinkedHashMap<>(broadcasts));
        }

        /** A SimplePush hello. */
        public Hello(Optional<String> uaid, Optional<List<String>> channelIds, Optional<WakeupAddress> wakeup) {
            this(uaid, channelIds, wakeup, false, Map.of());
        }
    }

    /**
     * {@code register} (P3.1).
     *
     * @param channelId the channelID text, empty when missing or not a JSON string
     * @param key the application server key text (W3.2), empty when absent or null; another JSON value is passed as
     *     its JSON text, which no key matches
     */
    record Register(Optional<String> channelId, Optional<String> key) implements ClientMessage {
        /** Validates that no component is null. */
        public Register {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(key, "key");
        }

        /** A register without a key. */
        public Register(Optional<String> channelId) {
            this(channelId, Optional.empty());
        }
    }

    /**
     * {@code unregister} (P3.5).
     *
     * @param channelId the channelID text, empty when missing or not a JSON string
     */
    record Unregister(Optional<String> channelId) implements ClientMessage {
        /** Validates that no component is null. */
        public Unregister {
            Objects.requireNonNull(channelId, "channelId");
        }
    }

    /**
     * {@code ack} (P5.3).
     *
     * @param updates the well-formed SimplePush entries (a UUID channelID and a version that is a JSON integer in
     *     range); others are dropped by the codec, as acks for unknown channels are ignored anyway
     * @param messages the Web Push entries (W8.1): a UUID channelID and a version that is a JSON string
     */
    record Ack(List<Update> updates, List<MessageAck> messages) implements ClientMessage {
        /** Copies the lists. */
        public Ack {
            updates = List.copyOf(updates);
            messages = List.copyOf(messages);
        }

        /** A SimplePush ack. */
        public Ack(List<Update> updates) {
            this(updates, List.of());
        }
    }

    /**
     * One Web Push ack entry (W8.1).
     *
     * @param channelId the channel
     * @param version the message id text as the device echoed it
     * @param code 100 delivered, 101 decryption failed, 102 not delivered; others count as 100
     */
    record MessageAck(ChannelId channelId, String version, int code) {
        /** Validates that no component is null. */
        public MessageAck {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * {@code nack} (W8.2): the service worker failed on a message already acked. Informational only.
     *
     * @param version the message id text, empty when missing or not a string
     * @param code 301, 302 or 303; 0 when missing or not an integer
     */
    record Nack(Optional<String> version, int code) implements ClientMessage {
        /** Validates that no component is null. */
        public Nack {
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * {@code broadcast_subscribe} (W2.1).
     *
     * @param broadcasts broadcast id to the version the device holds
     */
    record BroadcastSubscribe(Map<String, String> broadcasts) implements ClientMessage {
        /** Copies the map, keeping its order. */
        public BroadcastSubscribe {
            broadcasts = Collections.unmodifiableMap(new LinkedHashMap<>(broadcasts));
        }
    }

    /** The ping {@code {}} (P6.1). */
    record Ping() implements ClientMessage {
        /** The one ping. */
        public static final Ping INSTANCE = new Ping();
    }
}
