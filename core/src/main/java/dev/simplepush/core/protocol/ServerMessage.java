package dev.simplepush.core.protocol;

import dev.simplepush.core.Update;
import dev.simplepush.core.Uaid;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A message to a device; the codec writes each as one JSON text frame (P1.2). */
public sealed interface ServerMessage
        permits ServerMessage.HelloReply, ServerMessage.RegisterReply, ServerMessage.UnregisterReply,
                ServerMessage.Notification, ServerMessage.Pong {

    /**
     * The reply to hello (P2.2, P2.6).
     *
     * @param uaid the device's UAID; empty only when the server has none to give
     * @param status 200, 201 (accepted for UDP wake-up), or an error status
     */
    record HelloReply(Optional<Uaid> uaid, int status) implements ServerMessage {
        /** Validates that no component is null. */
        public HelloReply {
            Objects.requireNonNull(uaid, "uaid");
        }
    }

    /**
     * The reply to register (P3.1, P3.2, P3.4).
     *
     * @param channelId the channelID text exactly as sent; empty when the request had none (written as null)
     * @param status 200 on success
     * @param pushEndpoint the endpoint, present exactly when status is 200
     */
    record RegisterReply(Optional<String> channelId, int status, Optional<URI> pushEndpoint)
            implements ServerMessage {
        /** Validates that no component is null. */
        public RegisterReply {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(pushEndpoint, "pushEndpoint");
        }
    }

    /**
     * The reply to unregister (P3.5).
     *
     * @param channelId the channelID text exactly as sent; empty when the request had none (written as null)
     * @param status 200 on success
     */
    record UnregisterReply(Optional<String> channelId, int status) implements ServerMessage {
        /** Validates that no component is null. */
        public UnregisterReply {
            Objects.requireNonNull(channelId, "channelId");
        }
    }

    /**
     * Updates for the device (P5.2); versions as JSON numbers, {@code data} only on live deliveries.
     *
     * @param updates at least one update
     */
    record Notification(List<Update> updates) implements ServerMessage {
        /** Copies the list and checks it is not empty. */
        public Notification {
            updates = List.copyOf(updates);
            if (updates.isEmpty()) {
                throw new IllegalArgumentException("a notification carries at least one update");
            }
        }
    }

    /** The answer {@code {}} to a ping (P6.1). */
    record Pong() implements ServerMessage {
        /** The one pong. */
        public static final Pong INSTANCE = new Pong();
    }
}
