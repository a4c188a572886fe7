package dev.simplepush.store.redis;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.WebPushMessage.Payload;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The text form of a {@link NodeMessage} on a node's pub/sub channel.
 *
 * <p><b>Envelope.</b> Every message is {@code <format version>\n<body>}: the version in 1 to 9 decimal digits,
 * one newline, then a body whose layout that version defines. A reader must be able to tell the version of any
 * message, including those of versions it does not know, so the envelope never changes; everything else may.
 *
 * <p><b>Version 1.</b> The body is one of
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
 * <p><b>Version 2</b> is version 1 plus one type, {@link NodeMessage.DeliverMessage}: the body
 * {@code m\n<uaid>\n<channelID>\n<message id>\n<expiresAt seconds>\n<expiresAt nanos>\n<topic>}, followed for a
 * message with a body by {@code \n<encoding>\n<encryption>\n<cryptoKey>\n<data>} (seven lines or eleven). The
 * expiry is the instant's epoch second (decimal, possibly negative) and nano of second (0 to 999999999). Texts
 * are percent-encoded as in {@code application/x-www-form-urlencoded} (UTF-8), so none holds a newline; the topic,
 * the encryption and the crypto key are optional: empty when absent, {@code +} followed by the encoded text when
 * present.
 *
 * <p><b>Unversioned.</b> Nodes from before the envelope send a version-1 body alone. Its first character is a
 * type letter, never a digit, so {@link #decode} reads such messages too, and a node of this release understands
 * the nodes already deployed. Those nodes do not understand any envelope, though: until the last of them is
 * replaced, updates this release sends them are dropped there (the device gets them from the store at its next
 * hello) and evictions arrive only with their next presence refresh.
 *
 * <p><b>Rolling upgrades.</b> During an upgrade nodes of two releases share one Redis, and a message is read by
 * whichever release holds the device. So a release that introduces format version N+1 must first ship a reader
 * of N+1 while it still writes N; only the next release, once no node older than the reader runs, writes N+1.
 * A reader skips a message of a version it does not know ({@link Decoded.UnknownVersion}) rather than
 * guessing at it.
 *
 * <p><b>Version 3</b> is version 2 plus two types, which let a node confirm that it handed an update or message to
 * the device (P4.3 200):
 * <ul>
 *   <li>{@code r\n<request>\n<sender>\n<body>}: {@link NodeMessage.WithReceipt}, the request number a signed
 *       64-bit decimal, the sender a node id, and the body a version-2 body of type {@code u}, {@code m} or
 *       {@code p};
 *   <li>{@code a\n<request>\n<taken>}: {@link NodeMessage.Receipt}, {@code taken} {@code 1} or {@code 0}.
 * </ul>
 * A node writes version 3 only to a node that told it reads it: the presence value of a device names its holder
 * as {@code <nodeId>/<connection>}, and a node of this release writes {@code <connection>} as
 * {@code <counter>.<newest format version it reads>} ({@link #READ_VERSION_SEPARATOR}), where older releases wrote
 * a bare counter (and only ever compared it whole). So a sender asks for a receipt only from a holder whose
 * presence says {@value #RECEIPT_VERSION} or more, and otherwise sends version 1 or 2 as before and counts the
 * publish's receivers; a receipt only ever answers a request, whose sender reads it. No node is ever sent a version
 * it cannot read, in either direction of an upgrade or a rollback.
 *
 * <p>Version 2 is the one exception, and a narrow one: {@link #encode} writes version 1 for everything version 1
 * can express (updates, evictions, probes), so nodes of the release before keep understanding all SimplePush
 * traffic, and writes version 2 only for Web Push messages, which no older release could deliver anyway. Such a
 * node skips them with a warning; the sender counts the message as handed over (the older node did receive it),
 * and the message stays queued, reaching the device at its next hello, except one of TTL 0 (never stored), which
 * is lost, as W6.3 allows for a connection that goes away.
 *
 * <p>Stateless; {@link #decode} never throws on any text, however broken.
 */
final class NodeMessageCodec {

    /** The format version {@link #encode} writes for every message version 1 can express. */
    static final int VERSION = 1;

    /** The format version {@link #encode} writes for {@link NodeMessage.DeliverMessage}. */
    static final int WEB_PUSH_VERSION = 2;

    /**
     * The format version {@link #encode} writes for {@link NodeMessage.WithReceipt} and
     * {@link NodeMessage.Receipt}; the newest one this release reads.
     */
    static final int RECEIPT_VERSION = 3;

    /** Separates the counter of a presence value's connection part from the newest format version its node reads. */
    static final char READ_VERSION_SEPARATOR = '.';

    private static final int MAX_VERSION_DIGITS = 9;
    private static final int MESSAGE_LINES = 7;
    private static final int MESSAGE_WITH_BODY_LINES = 11;

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

    /**
     * The text of {@code message}: version {@value #VERSION} if it can say it, else {@value #WEB_PUSH_VERSION} for
     * a Web Push message, else {@value #RECEIPT_VERSION}.
     */
    static String encode(NodeMessage message) {
        Objects.requireNonNull(message, "message");
        if (message instanceof NodeMessage.WithReceipt request) {
            StringBuilder text = new StringBuilder(256).append(RECEIPT_VERSION).append("\nr\n")
                    .append(request.request()).append('\n').append(request.sender()).append('\n');
            return appendBody(text, request.message()).toString();
        }
        if (message instanceof NodeMessage.Receipt receipt) {
            return RECEIPT_VERSION + "\na\n" + receipt.request() + "\n" + (receipt.taken() ? '1' : '0');
        }
        int version = message instanceof NodeMessage.DeliverMessage ? WEB_PUSH_VERSION : VERSION;
        return appendBody(new StringBuilder(96).append(version).append('\n'), message).toString();
    }

    /** Appends the body of a message of version 1 or 2 (without the envelope). */
    private static StringBuilder appendBody(StringBuilder text, NodeMessage message) {
        if (message instanceof NodeMessage.DeliverMessage deliver) {
            appendMessage(text, deliver);
        } else if (message instanceof NodeMessage.Deliver deliver) {
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
            throw new IllegalArgumentException("not a message of version 1 or 2: " + message.getClass().getName());
        }
        return text;
    }

    private static void appendMessage(StringBuilder text, NodeMessage.DeliverMessage deliver) {
        WebPushMessage message = deliver.message();
        text.append("m\n")
                .append(deliver.uaid().value()).append('\n')
                .append(message.channelId().value()).append('\n')
                .append(message.id().value()).append('\n')
                .append(message.expiresAt().getEpochSecond()).append('\n')
                .append(message.expiresAt().getNano()).append('\n')
                .append(optional(message.topic()));
        message.payload().ifPresent(payload -> text.append('\n').append(escape(payload.encoding()))
                .append('\n').append(optional(payload.encryption()))
                .append('\n').append(optional(payload.cryptoKey()))
                .append('\n').append(escape(payload.data())));
    }

    /** Reads a message of any format version this node knows, or an unversioned one; never throws. */
    static Decoded decode(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return new Decoded.Malformed("empty message");
        }
        if (!isDigit(text.charAt(0))) {
            return decodeBody(text, VERSION);
        }
        int digits = 0;
        while (digits < text.length() && isDigit(text.charAt(digits))) {
            digits++;
        }
        if (digits > MAX_VERSION_DIGITS || digits == text.length() || text.charAt(digits) != '\n') {
            return new Decoded.Malformed("no format version envelope");
        }
        int version = Integer.parseInt(text, 0, digits, 10);
        if (version < VERSION || version > RECEIPT_VERSION) {
            return new Decoded.UnknownVersion(version);
        }
        return decodeBody(text.substring(digits + 1), version);
    }

    /** A body of a known version; a version-1 body is also the whole of an unversioned message. */
    private static Decoded decodeBody(String body, int version) {
        if (body.equals("p")) {
            return new Decoded.Message(new NodeMessage.Probe());
        }
        if (body.startsWith("u\n")) {
            return decodeDeliver(body);
        }
        if (body.startsWith("e\n")) {
            return decodeEvict(body);
        }
        if (version >= WEB_PUSH_VERSION && body.startsWith("m\n")) {
            return decodeMessage(body);
        }
        if (version >= RECEIPT_VERSION && body.startsWith("r\n")) {
            return decodeWithReceipt(body);
        }
        if (version >= RECEIPT_VERSION && body.startsWith("a\n")) {
            return decodeReceipt(body);
        }
        return new Decoded.Malformed("unknown message type");
    }

    private static Decoded decodeWithReceipt(String body) {
        int requestEnd = body.indexOf('\n', 2);
        int senderEnd = requestEnd < 0 ? -1 : body.indexOf('\n', requestEnd + 1);
        if (senderEnd < 0) {
            return new Decoded.Malformed("request without a sender or body");
        }
        Optional<Long> request = requestNumber(body.substring(2, requestEnd));
        String sender = body.substring(requestEnd + 1, senderEnd);
        if (request.isEmpty() || sender.isEmpty()) {
            return new Decoded.Malformed("request with a bad number or sender");
        }
        Decoded inner = decodeBody(body.substring(senderEnd + 1), WEB_PUSH_VERSION);
        if (!(inner instanceof Decoded.Message message)) {
            return inner;
        }
        if (message.message() instanceof NodeMessage.Evict) {
            return new Decoded.Malformed("request for a receipt of an eviction");
        }
        return new Decoded.Message(new NodeMessage.WithReceipt(request.get(), sender, message.message()));
    }

    private static Decoded decodeReceipt(String body) {
        int requestEnd = body.indexOf('\n', 2);
        if (requestEnd < 0) {
            return new Decoded.Malformed("receipt without an answer");
        }
        Optional<Long> request = requestNumber(body.substring(2, requestEnd));
        String taken = body.substring(requestEnd + 1);
        if (request.isEmpty() || !(taken.equals("1") || taken.equals("0"))) {
            return new Decoded.Malformed("receipt with a bad number or answer");
        }
        return new Decoded.Message(new NodeMessage.Receipt(request.get(), taken.equals("1")));
    }

    /** A signed 64-bit decimal (optional minus, 1 to 19 digits); empty if it is not one. */
    private static Optional<Long> requestNumber(String text) {
        String digits = text.startsWith("-") ? text.substring(1) : text;
        if (!isNumber(digits, 19)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException outOfRange) {
            return Optional.empty();
        }
    }

    /**
     * The newest format version the node that wrote presence value {@code presence} reads: what follows
     * {@link #READ_VERSION_SEPARATOR} in its connection part, or {@value #WEB_PUSH_VERSION} for a bare counter (the
     * releases before receipts); never throws.
     */
    static int readVersion(String presence) {
        int slash = presence.lastIndexOf('/');
        int dot = presence.indexOf(READ_VERSION_SEPARATOR, slash + 1);
        if (dot < 0) {
            return WEB_PUSH_VERSION;
        }
        String version = presence.substring(dot + 1);
        return isNumber(version, MAX_VERSION_DIGITS) ? Integer.parseInt(version) : WEB_PUSH_VERSION;
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

    private static Decoded decodeMessage(String body) {
        String[] lines = body.split("\n", -1);
        if (lines.length != MESSAGE_LINES && lines.length != MESSAGE_WITH_BODY_LINES) {
            return new Decoded.Malformed("web push message with " + lines.length + " lines");
        }
        Optional<Uaid> uaid = Uaid.parse(lines[1]);
        Optional<ChannelId> channel = ChannelId.parse(lines[2]);
        Optional<MessageId> id = MessageId.parse(lines[3]);
        if (uaid.isEmpty() || channel.isEmpty() || id.isEmpty()) {
            return new Decoded.Malformed("web push message with a bad UAID, channel ID or message id");
        }
        Optional<Instant> expiresAt = instant(lines[4], lines[5]);
        if (expiresAt.isEmpty()) {
            return new Decoded.Malformed("web push message with a bad expiry");
        }
        Optional<Optional<String>> topic = optional(lines[6]);
        Optional<Optional<Payload>> payload = lines.length == MESSAGE_LINES
                ? Optional.of(Optional.empty())
                : payload(lines[7], lines[8], lines[9], lines[10]);
        if (topic.isEmpty() || payload.isEmpty()) {
            return new Decoded.Malformed("web push message with a badly encoded topic or body");
        }
        WebPushMessage message = new WebPushMessage(id.get(), channel.get(), expiresAt.get(), topic.get(),
                payload.get());
        return new Decoded.Message(new NodeMessage.DeliverMessage(uaid.get(), message));
    }

    /** An epoch second (optional minus, 1 to 19 digits) and a nano of second (1 to 9 digits); empty if bad. */
    private static Optional<Instant> instant(String seconds, String nanos) {
        boolean negative = seconds.startsWith("-");
        String secondDigits = negative ? seconds.substring(1) : seconds;
        if (!isNumber(secondDigits, 19) || !isNumber(nanos, 9)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(seconds), Integer.parseInt(nanos)));
        } catch (RuntimeException outOfRange) {
            // a 19-digit number beyond a long, or an epoch second beyond Instant's range
            return Optional.empty();
        }
    }

    private static Optional<Optional<Payload>> payload(String encoding, String encryption, String cryptoKey,
            String data) {
        Optional<String> decodedEncoding = unescape(encoding);
        Optional<Optional<String>> decodedEncryption = optional(encryption);
        Optional<Optional<String>> decodedCryptoKey = optional(cryptoKey);
        Optional<String> decodedData = unescape(data);
        if (decodedEncoding.isEmpty() || decodedEncryption.isEmpty() || decodedCryptoKey.isEmpty()
                || decodedData.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Optional.of(new Payload(decodedData.get(), decodedEncoding.get(),
                    decodedEncryption.get(), decodedCryptoKey.get())));
        } catch (IllegalArgumentException notBase64Url) {
            // Payload data is URL-safe base64; anything else is a broken message, never an exception here.
            return Optional.empty();
        }
    }

    private static String optional(Optional<String> text) {
        return text.map(value -> "+" + escape(value)).orElse("");
    }

    /** An optional text: empty (absent) or {@code +} and the encoded text; the outer empty if it is neither. */
    private static Optional<Optional<String>> optional(String token) {
        if (token.isEmpty()) {
            return Optional.of(Optional.empty());
        }
        if (token.charAt(0) != '+') {
            return Optional.empty();
        }
        return unescape(token.substring(1)).map(Optional::of);
    }

    private static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** The decoded text; empty if it is not percent-encoding (a bad escape). */
    private static Optional<String> unescape(String text) {
        try {
            return Optional.of(URLDecoder.decode(text, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException badEscape) {
            return Optional.empty();
        }
    }

    private static boolean isNumber(String text, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
