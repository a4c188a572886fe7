package dev.simplepush.core.protocol;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.WebPushMessage;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to a device; the codec writes each as one JSON text frame (P1.2). A reply whose status is neither 200
 * nor 201 carries {@code error}, a short reason from {@link ReplyError} (P1.2); clients must not depend on its
 * wording.
 */
public sealed interface ServerMessage
        permits ServerMessage.HelloReply, ServerMessage.WebPushHelloReply, ServerMessage.RegisterReply,
                ServerMessage.UnregisterReply, ServerMessage.AckReply, ServerMessage.NackReply,
                ServerMessage.Notification, ServerMessage.WebPushNotification, ServerMessage.Broadcast,
                ServerMessage.Pong {

    /**
     * The reply to hello (P2.2, P2.6).
     *
     * @param uaid the device's UAID; empty only when the server has none to give
     * @param status 200, 201 (accepted for UDP wake-up), or an error status
     * @param error the reason, with an error status (P1.2)
     */
    record HelloReply(Optional<Uaid> uaid, int status, Optional<String> error) implements ServerMessage {
        /** Validates that no component is null. */
        public HelloReply {
            Objects.requireNonNull(uaid, "uaid");
            Objects.requireNonNull(error, "error");
        }

        /** A reply without a reason. */
        public HelloReply(Optional<Uaid> uaid, int status) {
            this(uaid, status, Optional.empty());
        }

        /** The reply refusing a hello for {@code error}. */
        public HelloReply(Optional<Uaid> uaid, ReplyError error) {
            this(uaid, error.status(), Optional.of(error.text()));
        }
    }

    /**
     * The reply to a Web Push hello (W1.2): {@code use_webpush} echoed, {@code broadcasts} always present.
     *
     * @param uaid the device's UAID
     * @param status 200, or 201 when the device was accepted for UDP wake-up (P8)
     * @param broadcasts the broadcasts whose version differs from the device's (W2.2); empty when none
     */
    record WebPushHelloReply(Uaid uaid, int status, Map<String, String> broadcasts) implements ServerMessage {
        /** Validates that no component is null and copies the map, keeping its order. */
        public WebPushHelloReply {
            Objects.requireNonNull(uaid, "uaid");
            broadcasts = Collections.unmodifiableMap(new LinkedHashMap<>(broadcasts));
        }
    }

    /**
     * The reply to register (P3.1, P3.2, P3.4).
     *
     * @param channelId the channelID text exactly as sent; empty when the request had none (written as null)
     * @param status 200 on success
     * @param pushEndpoint the endpoint, present exactly when status is 200
     * @param error the reason, with an error status (P1.2)
     */
    record RegisterReply(Optional<String> channelId, int status, Optional<URI> pushEndpoint, Optional<String> error)
            implements ServerMessage {
        /** Validates that no component is null. */
        public RegisterReply {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(pushEndpoint, "pushEndpoint");
            Objects.requireNonNull(error, "error");
        }

        /** A reply without a reason. */
        public RegisterReply(Optional<String> channelId, int status, Optional<URI> pushEndpoint) {
            this(channelId, status, pushEndpoint, Optional.empty());
        }

        /** The reply refusing a register for {@code error}. */
        public RegisterReply(Optional<String> channelId, ReplyError error) {
            this(channelId, error.status(), Optional.empty(), Optional.of(error.text()));
        }
    }

    /**
     * The reply to unregister (P3.5).
     *
     * @param channelId the channelID text exactly as sent; empty when the request had none (written as null)
     * @param status 200 on success
     * @param error the reason, with an error status (P1.2)
     */
    record UnregisterReply(Optional<String> channelId, int status, Optional<String> error) implements ServerMessage {
        /** Validates that no component is null. */
        public UnregisterReply {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(error, "error");
        }

        /** A reply without a reason. */
        public UnregisterReply(Optional<String> channelId, int status) {
            this(channelId, status, Optional.empty());
        }

        /** The reply refusing an unregister for {@code error}. */
        public UnregisterReply(Optional<String> channelId, ReplyError error) {
            this(channelId, error.status(), Optional.of(error.text()));
        }
    }

    /**
     * The reply to an ack the server refuses (P2.9: before hello). An accepted ack is never answered.
     *
     * @param status the error status
     * @param error the reason (P1.2)
     */
    record AckReply(int status, Optional<String> error) implements ServerMessage {
        /** Validates that no component is null. */
        public AckReply {
            Objects.requireNonNull(error, "error");
        }

        /** The reply refusing an ack for {@code error}. */
        public AckReply(ReplyError error) {
            this(error.status(), Optional.of(error.text()));
        }
    }

    /**
     * The reply to a nack the server refuses (W8.3, P2.9: before hello). An accepted nack is never answered.
     *
     * @param status the error status
     * @param error the reason (P1.2)
     */
    record NackReply(int status, Optional<String> error) implements ServerMessage {
        /** Validates that no component is null. */
        public NackReply {
            Objects.requireNonNull(error, "error");
        }

        /** The reply refusing a nack for {@code error}. */
        public NackReply(ReplyError error) {
            this(error.status(), Optional.of(error.text()));
        }
    }

    /**
     * One Web Push message for the device (W5.1): {@code version} is the message id, {@code data} and
     * {@code headers} only when the message has a body.
     *
     * @param channelId the channel, exactly as registered
     * @param version the message id (W5.2), or for a SimplePush update the decimal version
     * @param ttl the TTL left, in seconds (W5.3)
     * @param payload the body and its encoding (W5.4, W5.5)
     */
    record WebPushNotification(ChannelId channelId, String version, long ttl, Optional<WebPushMessage.Payload> payload)
            implements ServerMessage {
        /** Validates that no component is null. */
        public WebPushNotification {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * Broadcast versions for the device (W2.2, W2.4): the ids whose version differs from the device's, and the ids
     * the server does not know under {@code errors}.
     *
     * @param broadcasts id to the server's version
     * @param errors id to the reason, {@code Broadcast not found}
     */
    record Broadcast(Map<String, String> broadcasts, Map<String, String> errors) implements ServerMessage {
        /** Copies the maps, keeping their order. */
        public Broadcast {
            broadcasts = Collections.unmodifiableMap(new LinkedHashMap<>(broadcasts));
            errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
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
