package dev.simplepush.store.redis;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
import java.util.Objects;

/**
 * The key layout. Every key of one device carries the device's UAID as its hash tag ({@code {uaid}}), so on a
 * Redis Cluster they all live in one slot and a script may touch them together.
 *
 * <ul>
 *   <li>{@code <prefix>{<uaid>}:d}, a hash: the device. Field {@value #EXISTS_FIELD} marks that it exists (so a
 *       device without channels is still a key), field {@value #WAKEUP_FIELD} holds its wake-up address, and one
 *       field {@code c:<channelID>} per channel holds its state:
 *       <ul>
 *         <li>{@code n.<generation>}: registered by SimplePush {@code register} as registration
 *             {@code <generation>} (P3.5), no SimplePush version yet;
 *         <li>{@code p<version>.<generation>}: SimplePush version pending (not acked), {@code <version>} in decimal;
 *         <li>{@code a<version>.<generation>}: SimplePush version acked;
 *         <li>{@code o<generation>}: an open Web Push subscription of its own (W3.2), the channel's registration
 *             {@code <generation>} (W3.4);
 *         <li>{@code k<keyHash>.<generation>}: a restricted Web Push subscription (W3.2), registered with the
 *             application server key of that hash (43 characters of URL-safe base64, which has no {@code .}) as
 *             registration {@code <generation>}.
 *       </ul>
 *       A generation is a signed 64-bit decimal ({@code Long.toString}); scripts pass it and compare it only as
 *       text. {@code n}, {@code p<version>} and {@code a<version>} without {@code .<generation>} are SimplePush
 *       channels stored before registrations had generations: generation {@value Subscription#NO_GENERATION}, which
 *       only endpoints minted before then name, so those keep working until the channel is unregistered. SimplePush
 *       states take SimplePush versions from an endpoint of their generation, and a Web Push subscribe without key
 *       keeps them as they are (W1.4, W3.3). {@code o} and {@code k} take none: an update for them is refused as gone
 *       (P5.1, W7.3). Builds before generations wrote {@code k<keyHash>} alone; none was released, so nothing
 *       converts it.
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
 *   <li>{@code <prefix>epoch}, a string without TTL: the store's epoch, 32 random hex characters written by the
 *       first node that finds none. A different value, or none, later means the store lost its data.
 *   <li>{@code <prefix>endpoint-keys}, a string without TTL: the endpoint token keys of nodes given none of their
 *       own ({@link RedisEndpointKeys}), base64 keys separated by commas, the first encrypting; written once by the
 *       first node that finds none, read by every node at start.
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

    String epoch() {
        return prefix + "epoch";
    }

    String endpointKeys() {
        return prefix + "endpoint-keys";
    }

    String nodeChannel(String nodeId) {
        return prefix + "node:" + nodeId;
    }

    static String channelField(ChannelId channelId) {
        return CHANNEL_PREFIX + channelId.value();
    }

    /**
     * The state of a new Web Push subscription: {@code k<keyHash>.<generation>} or {@code o<generation>}.
     */
    static String channelState(Subscription subscription) {
        String generation = Long.toString(subscription.generation());
        return subscription.keyHash().map(hash -> "k" + hash + "." + generation).orElse("o" + generation);
    }

    /**
     * Whether a stored channel state is {@code subscription}'s registration: the same key hash (none for
     * {@code o} and the SimplePush states) and the same generation.
     */
    static boolean isState(String value, Subscription subscription) {
        char kind = value.charAt(0);
        String key;
        String generation;
        if (kind == 'k') {
            int dot = value.indexOf('.');
            key = dot < 0 ? value.substring(1) : value.substring(1, dot);
            generation = dot < 0 ? "0" : value.substring(dot + 1);
        } else if (kind == 'o') {
            key = null;
            generation = value.substring(1);
        } else {
            int dot = value.indexOf('.');
            key = null;
            generation = dot < 0 ? Long.toString(Subscription.NO_GENERATION) : value.substring(dot + 1);
        }
        return Objects.equals(key, subscription.keyHash().orElse(null))
                && generation.equals(Long.toString(subscription.generation()));
    }

    /** The version text of a SimplePush state {@code p<version>} or {@code a<version>}, with or without generation. */
    static String simplePushVersion(String value) {
        int dot = value.indexOf('.');
        return dot < 0 ? value.substring(1) : value.substring(1, dot);
    }
}
