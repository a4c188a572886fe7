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
 *       field {@code c:<channelID>} per channel holds its state:
 *       <ul>
 *         <li>{@code n}: registered, no SimplePush version yet (also an open Web Push subscription, W3.2);
 *         <li>{@code p<version>}: SimplePush version pending (not acked), {@code <version>} in decimal;
 *         <li>{@code a<version>}: SimplePush version acked;
 *         <li>{@code k<keyHash>}: a restricted Web Push subscription (W3.2), registered with the application
 *             server key of that hash (43 characters of URL-safe base64). It has no SimplePush version: an
 *             update for it is refused as gone (W7.3).
 *       </ul>
 *   <li>{@code <prefix>{<uaid>}:m}, a hash: the device's queued Web Push messages (W9.1), absent while there are
 *       none. Fields (channel IDs are hex digits and dashes, message ids URL-safe base64: none of them contains
 *       {@code :} or {@code #}, and no channel ID has {@code :} as its second character, so the kinds of field
 *       never collide):
 *       <ul>
 *         <li>{@code <channelID>:<messageID>}: one message, {@code <seq>\n<expiresAt seconds>\n<expiresAt
 *             nanos>\n<topic>}, followed for a message with a body by
 *             {@code \n<encoding>\n<encryption>\n<cryptoKey>\n<data>}. Texts are URL-encoded (so none holds a
 *             newline), and an optional one (topic, encryption, crypto key) is empty when absent and {@code +}
 *             followed by the text when present. {@code <seq>} orders the device's messages by arrival.
 *         <li>{@value #SEQUENCE_FIELD}: the last {@code <seq>} given out.
 *         <li>{@code n:<channelID>}: how many messages the channel has queued (absent: none).
 *         <li>{@code t:<channelID>:<topic>}: the id of the channel's message with that topic (W6.5), topic as in
 *             the message.
 *         <li>{@code x:<channelID>}: {@code <seconds> <nanos>}, no later than the earliest expiry among the
 *             channel's messages, so an enqueue looks for expired messages only when some may be.
 *       </ul>
 *       It has the device hash's TTL, and every script that refreshes the one refreshes the other, so a queued
 *       message lives exactly as long as its device.
 *   <li>{@code <prefix>{<uaid>}:p}, a string: presence, {@code <nodeId>/<connection>} of the holder; expires.
 *   <li>{@code <prefix>node:<nodeId>}: the sharded pub/sub channel of one node.
 * </ul>
 */
final class Keys {

    static final String EXISTS_FIELD = "@";
    static final String WAKEUP_FIELD = "w";
    static final String CHANNEL_PREFIX = "c:";
    static final String SEQUENCE_FIELD = "#";

    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    String device(Uaid uaid) {
        return prefix + "{" + uaid.value() + "}:d";
    }

    String messages(Uaid uaid) {
        return prefix + "{" + uaid.value() + "}:m";
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
