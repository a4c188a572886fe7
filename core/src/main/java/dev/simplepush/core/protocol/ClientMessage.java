package dev.simplepush.core.protocol;

import dev.simplepush.core.Update;
import dev.simplepush.core.WakeupAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message from a device. Fields that the session must judge (a UAID that may be malformed, a channelID that
 * may not be a UUID) are carried as the raw text the device sent; the codec only maps JSON shapes.
 */
public sealed interface ClientMessage
        permits ClientMessage.Hello, ClientMessage.Register, ClientMessage.Unregister, ClientMessage.Ack,
                ClientMessage.Ping {

    /**
     * {@code hello} (P2.1).
     *
     * @param uaid the UAID text, empty when absent, {@code ""} or {@code null}
     * @param channelIds the listed channel ID texts, empty when the key is absent (some Gecko versions omit it);
     *     a non-string entry is passed as its JSON text, which no channel matches
     * @param wakeup the wake-up address, when {@code wakeup_hostport} and {@code mobilenetwork} are both
     *     present and well-formed (P8.1); ill-formed ones are treated as absent
     */
    record Hello(Optional<String> uaid, Optional<List<String>> channelIds, Optional<WakeupAddress> wakeup)
            implements ClientMessage {
        /** Validates that no component is null and copies the list. */
        public Hello {
            Objects.requireNonNull(uaid, "uaid");
            channelIds = Objects.requireNonNull(channelIds, "channelIds").map(List::copyOf);
            Objects.requireNonNull(wakeup, "wakeup");
        }
    }

    /**
     * {@code register} (P3.1).
     *
     * @param channelId the channelID text, empty when missing or not a JSON string
     */
    record Register(Optional<String> channelId) implements ClientMessage {
        /** Validates that no component is null. */
        public Register {
            Objects.requireNonNull(channelId, "channelId");
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
     * @param updates the well-formed entries (a UUID channelID and a version in range); others are dropped by
     *     the codec, as acks for unknown channels are ignored anyway
     */
    record Ack(List<Update> updates) implements ClientMessage {
        /** Copies the list. */
        public Ack {
            updates = List.copyOf(updates);
        }
    }

    /** The ping {@code {}} (P6.1). */
    record Ping() implements ClientMessage {
        /** The one ping. */
        public static final Ping INSTANCE = new Ping();
    }
}
