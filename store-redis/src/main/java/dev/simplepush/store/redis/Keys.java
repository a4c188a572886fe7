package dev.simplepush.store.redis;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;

/**
 * The key layout. Every key of one device carries the device's UAID as its hash tag ({@code {uaid}}), so on a
 * Redis Cluster they all live in one slot and a script may touch them together.
 *
 * <ul>
 *   <li>{@code <prefix>{<uaid>}:d}, a hash: the device. Field {@value #EXISTS_FIELD} marks that it exists (so a
 *       device without channels is still a key), field {@value #WAKEUP_FIELD} holds its wake-up address, and one
 *       field {@code c:<channelID>} per channel holds {@code <state><version>}: state {@code n} (registered, no
 *       version yet), {@code p} (version pending) or {@code a} (version acked), followed by the decimal version.
 *   <li>{@code <prefix>{<uaid>}:p}, a string: presence, {@code <nodeId>/<connection>} of the holder; expires.
 *   <li>{@code <prefix>node:<nodeId>}: the sharded pub/sub channel of one node.
 * </ul>
 */
final class Keys {

    static final String EXISTS_FIELD = "@";
    static final String WAKEUP_FIELD = "w";
    static final String CHANNEL_PREFIX = "c:";

    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    String device(Uaid uaid) {
        return prefix + "{" + uaid.value() + "}:d";
    }

    String presence(Uaid uaid) {
        return prefix + "{" + uaid.value() + "}:p";
    }

    String nodeChannel(String nodeId) {
        return prefix + "node:" + nodeId;
    }

    static String channelField(ChannelId channelId) {
        return CHANNEL_PREFIX + channelId.value();
    }
}
