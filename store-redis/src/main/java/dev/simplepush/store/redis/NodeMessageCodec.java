package dev.simplepush.store.redis;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import java.util.Objects;
import java.util.Optional;

/**
 * The text form of a {@link NodeMessage} on a node's pub/sub channel.
 *
 * <p><b>Envelope.</b> Every message is {@code <format version>\n<body>}: the version in 1 to 9 decimal digits,
 * one newline, then a body whose layout that version defines. A reader must be able to tell the version of any
 * message, including those of versions it does not know, so the envelope never changes; everything else may.
 *
 * <p><b>Version 1</b> (what {@link #encode} writes). The body is one of
 * <ul>
 *   <li>{@code u\n<uaid>\n<channelID>\n<version>} or {@code u\n<uaid>\n<channelID>\n<version>\n<data>}:
 *       {@link NodeMessage.Deliver}. UAIDs, channel IDs and versions never contain a newline, and the data comes
 *       last, so it may contain anything (newlines too); a fifth part at all means the update carried data,
 *       possibly empty.
 *   <li>{@code e\n<uaid>\n<presence>}: {@link NodeMessage.Evict}.
 *   <li>{@code p}: {@link NodeMessage.Probe}.
 * </ul>
 * Another type letter is a malformed version-1 message: a new type of message is a new format version.
 *
 * <p><b>Unversioned.</b> Nodes from before the envelope send a version-1 body alone. Its first character is a
 * type letter, never a digit, so {@link #decode} reads such messages too, and a node of this release understands
 * the nodes already deployed. Those nodes do not understand version 1, though: until the last of them is
 * replaced, updates this release sends them are dropped there (the device gets them from the store at its next
 * hello) and evictions arrive only with their next presence refresh.
 *
 * <p><b>Rolling upgrades.</b> During an upgrade nodes of two releases share one Redis, and a message is read by
 * whichever release holds the device. So a release that introduces format version N+1 must first ship a reader
 * of N+1 while it still writes N; only the next release, once no node older than the reader runs, writes N+1.
 * A reader skips a message of a version it does not know ({@link Decoded.UnknownVersion}) rather than
 * guessing at it.
 *
 * <p>Stateless; {@link #decode} never throws on any text, however broken.
 */
final class NodeMessageCodec {

    /** The format version {@link #encode} writes. */
    static final int VERSION = 1;

    private static final int MAX_VERSION_DIGITS = 9;

    private NodeMessageCodec() {
    }

    /** What {@link #decode} made of a text. */
    sealed interface Decoded {

        /**
         * A message this node understands.
         *
         * @param message the message
         */
        record Message(NodeMessage message) implements Decoded {
        }

        /**
         * A well-formed envelope of a format version this node does not know, sent by a newer node; skip it.
         *
         * @param version the message's format version
         */
        record UnknownVersion(int version) implements Decoded {
        }

        /**
         * Neither a message of a known version nor an envelope of an unknown one.
         *
         * @param reason what is wrong, without quoting the text (which may hold UAIDs, credentials of devices)
         */
        record Malformed(String reason) implements Decoded {
        }
    }

    /** The text of {@code message} in the current format version ({@value #VERSION}). */
    static String encode(NodeMessage message) {
        Objects.requireNonNull(message, "message");
        StringBuilder text = new StringBuilder(96).append(VERSION).append('\n');
        if (message instanceof NodeMessage.Deliver deliver) {
            Update update = deliver.update();
            text.append("u\n").append(deliver.uaid().value())
                    .append('\n').append(update.channelId().value())
                    .append('\n').append(update.version().value());
            update.data().ifPresent(data -> text.append('\n').append(data));
        } else if (message instanceof NodeMessage.Evict evict) {
            text.append("e\n").append(evict.uaid().value()).append('\n').append(evict.presence());
        } else if (message instanceof NodeMessage.Probe) {
            text.append('p');
        } else {
            throw new IllegalArgumentException("not a node message: " + message.getClass().getName());
        }
        return text.toString();
    }

    /** Reads a message of any format version this node knows, or an unversioned one; never throws. */
    static Decoded decode(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return new Decoded.Malformed("empty message");
        }
        if (!isDigit(text.charAt(0))) {
            return decodeBody(text);
        }
        int digits = 0;
        while (digits < text.length() && isDigit(text.charAt(digits))) {
            digits++;
        }
        if (digits > MAX_VERSION_DIGITS || digits == text.length() || text.charAt(digits) != '\n') {
            return new Decoded.Malformed("no format version envelope");
        }
        int version = Integer.parseInt(text, 0, digits, 10);
        if (version != VERSION) {
            return new Decoded.UnknownVersion(version);
        }
        return decodeBody(text.substring(digits + 1));
    }

    /** A version-1 body, which is also the whole of an unversioned message. */
    private static Decoded decodeBody(String body) {
        if (body.equals("p")) {
            return new Decoded.Message(new NodeMessage.Probe());
        }
        if (body.startsWith("u\n")) {
            return decodeDeliver(body);
        }
        if (body.startsWith("e\n")) {
            return decodeEvict(body);
        }
        return new Decoded.Malformed("unknown message type");
    }

    private static Decoded decodeDeliver(String body) {
        int uaidEnd = body.indexOf('\n', 2);
        int channelEnd = uaidEnd < 0 ? -1 : body.indexOf('\n', uaidEnd + 1);
        if (channelEnd < 0) {
            return new Decoded.Malformed("update without a channel ID or version");
        }
        int versionEnd = body.indexOf('\n', channelEnd + 1);
        Optional<Uaid> uaid = Uaid.parse(body.substring(2, uaidEnd));
        Optional<ChannelId> channel = ChannelId.parse(body.substring(uaidEnd + 1, channelEnd));
        Optional<Version> version = Version.parse(
                body.substring(channelEnd + 1, versionEnd < 0 ? body.length() : versionEnd));
        if (uaid.isEmpty() || channel.isEmpty() || version.isEmpty()) {
            return new Decoded.Malformed("update with a bad UAID, channel ID or version");
        }
        Optional<String> data = versionEnd < 0 ? Optional.empty() : Optional.of(body.substring(versionEnd + 1));
        return new Decoded.Message(new NodeMessage.Deliver(uaid.get(), new Update(channel.get(), version.get(), data)));
    }

    private static Decoded decodeEvict(String body) {
        int uaidEnd = body.indexOf('\n', 2);
        if (uaidEnd < 0) {
            return new Decoded.Malformed("eviction without a presence value");
        }
        Optional<Uaid> uaid = Uaid.parse(body.substring(2, uaidEnd));
        String presence = body.substring(uaidEnd + 1);
        if (uaid.isEmpty() || presence.isEmpty() || presence.indexOf('\n') >= 0) {
            return new Decoded.Malformed("eviction with a bad UAID or presence value");
        }
        return new Decoded.Message(new NodeMessage.Evict(uaid.get(), presence));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
