package dev.simplepush.store.redis;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.WebPushMessage.Payload;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * A Web Push message as a field of a device's message hash ({@link Keys}), and back.
 *
 * <p>The field is {@code <channelID>:<messageID>}. The value is newline-separated:
 * {@code <seq>\n<expiresAt seconds>\n<expiresAt nanos>\n<topic>}, and for a message with a body
 * {@code \n<encoding>\n<encryption>\n<cryptoKey>\n<data>} after it (four lines or eight: a body, even an empty
 * one, is never mistaken for none). Texts are URL-encoded, so none holds a newline; an optional text is empty when
 * absent and {@code +} followed by the text when present. The scripts read the first four lines: the sequence the
 * store sets, the expiry, and the topic token, which is also the suffix of the topic's field.
 *
 * @param sequence the message's place in its device's arrival order
 * @param message the message
 */
record StoredMessage(long sequence, WebPushMessage message) {

    /** The message-hash field of {@code message}. */
    static String field(ChannelId channelId, MessageId id) {
        return channelId.value() + ":" + id.value();
    }

    /** The topic line of {@code message}: empty without a topic, else {@code +} and the encoded topic. */
    static String topicToken(WebPushMessage message) {
        return optional(message.topic());
    }

    /** What follows the topic line: empty without a body, else the body's four lines, each after a newline. */
    static String payloadLines(WebPushMessage message) {
        if (message.payload().isEmpty()) {
            return "";
        }
        Payload payload = message.payload().get();
        return '\n' + escape(payload.encoding()) + '\n' + optional(payload.encryption()) + '\n'
                + optional(payload.cryptoKey()) + '\n' + escape(payload.data());
    }

    /**
     * Reads one field and value the scripts returned.
     *
     * @throws IllegalArgumentException if they are not what {@link DeviceScripts#ENQUEUE} writes
     */
    static StoredMessage decode(String field, String value) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a stored message field");
        }
        ChannelId channel = ChannelId.of(field.substring(0, colon));
        MessageId id = new MessageId(field.substring(colon + 1));
        String[] lines = value.split("\n", -1);
        if (lines.length != 4 && lines.length != 8) {
            throw new IllegalArgumentException("not a stored message: " + lines.length + " lines");
        }
        long sequence = Long.parseLong(lines[0]);
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(lines[1]), Long.parseLong(lines[2]));
        Optional<String> topic = optional(lines[3]);
        Optional<Payload> payload = lines.length == 4 ? Optional.empty()
                : Optional.of(new Payload(unescape(lines[7]), unescape(lines[4]), optional(lines[5]),
                        optional(lines[6])));
        return new StoredMessage(sequence, new WebPushMessage(id, channel, expiresAt, topic, payload));
    }

    private static String optional(Optional<String> text) {
        return text.map(value -> "+" + escape(value)).orElse("");
    }

    private static Optional<String> optional(String token) {
        return token.isEmpty() ? Optional.empty() : Optional.of(unescape(token.substring(1)));
    }

    private static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String unescape(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
