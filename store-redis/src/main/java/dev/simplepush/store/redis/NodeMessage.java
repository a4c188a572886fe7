package dev.simplepush.store.redis;

import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.WebPushMessage;
import java.util.Objects;

/**
 * What one node sends another on its sharded pub/sub channel ({@link Keys#nodeChannel}); {@link NodeMessageCodec}
 * turns it into text and back.
 */
sealed interface NodeMessage {

    /**
     * An update for a device the receiving node holds; it hands the update to its local connection, or drops it if
     * the device is gone meanwhile (the update is stored, so the next hello flushes it).
     *
     * @param uaid the device
     * @param update the update, with its data if it has any
     */
    record Deliver(Uaid uaid, Update update) implements NodeMessage {

        public Deliver {
            Objects.requireNonNull(uaid, "uaid");
            Objects.requireNonNull(update, "update");
        }
    }

    /**
     * A Web Push message for a device the receiving node holds (W9.5); it hands the message to its local
     * connection, or drops it if the device is gone meanwhile (a message with a TTL is queued, so the next hello
     * flushes it; one of TTL 0 is lost, as W6.3 allows).
     *
     * @param uaid the device
     * @param message the message, with its payload if it has one
     */
    record DeliverMessage(Uaid uaid, WebPushMessage message) implements NodeMessage {

        public DeliverMessage {
            Objects.requireNonNull(uaid, "uaid");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * A newer connection of the device took over elsewhere (P2.5): the receiving node closes its connection if it
     * is still the one {@code presence} names.
     *
     * @param uaid the device
     * @param presence the presence value of the connection to close, {@code <nodeId>/<connection>}; never contains
     *     a newline
     */
    record Evict(Uaid uaid, String presence) implements NodeMessage {

        public Evict {
            Objects.requireNonNull(uaid, "uaid");
            Objects.requireNonNull(presence, "presence");
            if (presence.isEmpty() || presence.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a presence value is one non-empty line");
            }
        }
    }

    /**
     * Asks only whether the node still listens: the sender reads the receiver count of the publish, or, inside a
     * {@link WithReceipt}, waits for the node's {@link Receipt}.
     */
    record Probe() implements NodeMessage {
    }

    /**
     * A {@link Deliver}, {@link DeliverMessage} or {@link Probe} whose sender waits for a {@link Receipt}: P4.3's
     * 200 means handed to the device, which only the receiving node can tell, and only if it is not frozen.
     *
     * @param request the sender's number for this request, echoed by the receipt
     * @param sender the node id of the sender, whose channel the receipt goes to
     * @param message what to hand over; never another {@code WithReceipt} or a {@link Receipt}
     */
    record WithReceipt(long request, String sender, NodeMessage message) implements NodeMessage {

        public WithReceipt {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(message, "message");
            if (sender.isEmpty() || sender.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a node id is one non-empty line");
            }
            if (!(message instanceof Deliver || message instanceof DeliverMessage || message instanceof Probe)) {
                throw new IllegalArgumentException("only a delivery or a probe asks for a receipt");
            }
        }
    }

    /**
     * The answer to a {@link WithReceipt}, sent on the requesting node's channel.
     *
     * @param request the request's number
     * @param taken whether the update or message was handed to the device's live connection (for a probe: that
     *     the node answers at all, so always true)
     */
    record Receipt(long request, boolean taken) implements NodeMessage {
    }
}
