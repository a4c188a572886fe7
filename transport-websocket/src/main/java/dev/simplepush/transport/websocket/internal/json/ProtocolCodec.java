package dev.simplepush.transport.websocket.internal.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.ServerMessage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the WebSocket protocol (P1–P6, and the Web Push dialect's W1–W8), over Jackson's streaming API: frames are read in one pass without a
 * tree, and replies are written straight to bytes. The HTTP side's bodies are {@link HttpBodies}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProtocolCodec {

    static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

    private ProtocolCodec() {
    }

    /** A frame the protocol does not accept; the socket is closed with {@link #closeCode()} (P1.3). */
    public static final class MalformedFrameException extends Exception {
        private static final long serialVersionUID = 1L;

        private final int closeCode;

        MalformedFrameException(int closeCode, String reason) {
            super(reason, null, false, false);
            this.closeCode = closeCode;
        }

        /** The close code the socket is closed with: 1007 or 1008. */
        public int closeCode() {
            return closeCode;
        }
    }

    /**
     * Decodes one text frame (UTF-8) into a message.
     *
     * @throws MalformedFrameException with {@link CloseCodes#INVALID_PAYLOAD} when the frame is not exactly one JSON
     *     object, or {@link CloseCodes#POLICY_VIOLATION} when {@code messageType} is unknown or not a string
     */
    public static ClientMessage decode(byte[] frame, int length) throws MalformedFrameException {
        // Jackson takes a zero byte among the first four for the mark of UTF-16 or UTF-32 and reads the frame so:
        // "{\0}\0" would be the ping {} and "\0\0\0 \0" an IOException. A frame is UTF-8 (RFC 6455 §5.6), where
        // JSON has no raw zero byte at all (RFC 8259 §2, §7): such a frame is invalid JSON.
        for (int i = 0; i < Math.min(length, 4); i++) {
            if (frame[i] == 0) {
                throw new MalformedFrameException(CloseCodes.INVALID_PAYLOAD, "invalid JSON");
            }
        }
        Fields fields = new Fields();
        try (JsonParser parser = JSON.createParser(frame, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedFrameException(CloseCodes.INVALID_PAYLOAD, "a message must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                fields.read(name, parser);
            }
            if (parser.nextToken() != null) {
                throw new MalformedFrameException(CloseCodes.INVALID_PAYLOAD, "one JSON object per frame");
            }
        } catch (JsonProcessingException e) {
            throw new MalformedFrameException(CloseCodes.INVALID_PAYLOAD, "invalid JSON");
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a byte array", e);
        }
        // Judged after the whole frame parsed, so that invalid JSON is always 1007 whatever came first.
        return fields.toMessage();
    }

    /** Decodes a whole text frame given as a string; for tests and callers that already hold text. */
    static ClientMessage decode(String frame) throws MalformedFrameException {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        return decode(bytes, bytes.length);
    }

    /**
     * The JSON of a server message (P1.2), UTF-8, written into the buffer that {@code open} gives for its length in
     * bytes (a frame with its header written, for example), and returned flipped. A Web Push notification's
     * kilobytes of data are copied once, from the payload straight into that buffer's array.
     *
     * @param open gives a writable heap buffer with at least the given number of bytes remaining
     */
    public static ByteBuffer encode(ServerMessage message, IntFunction<ByteBuffer> open) {
        if (message instanceof ServerMessage.WebPushNotification notification && notification.payload().isPresent()) {
            WebPushMessage.Payload payload = notification.payload().get();
            // The JSON around the data, and where the data goes in it.
            ByteArrayBuilder out = new ByteArrayBuilder(256);
            int dataAt;
            try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                json.writeStartObject();
                dataAt = writeWebPushNotification(json, out, notification, payload);
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to a byte array", e);
            }
            byte[] around = out.toByteArray();
            int length = payload.dataLength();
            ByteBuffer target = open.apply(around.length + length);
            target.put(around, 0, dataAt);
            payload.copyData(target.array(), target.arrayOffset() + target.position());
            target.position(target.position() + length);
            return target.put(around, dataAt, around.length - dataAt).flip();
        }
        byte[] json = encode(message);
        return open.apply(json.length).put(json).flip();
    }

    /** The JSON of a server message (P1.2), UTF-8. */
    public static byte[] encode(ServerMessage message) {
        if (message instanceof ServerMessage.Pong) {
            return EMPTY_OBJECT.clone();
        }
        if (message instanceof ServerMessage.WebPushNotification notification && notification.payload().isPresent()) {
            return encode(message, ByteBuffer::allocate).array();
        }
        ByteArrayBuilder out = new ByteArrayBuilder(message instanceof ServerMessage.WebPushNotification ? 256 : 128);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            if (message instanceof ServerMessage.HelloReply hello) {
                json.writeStringField("messageType", "hello");
                if (hello.uaid().isPresent()) {
                    json.writeStringField("uaid", hello.uaid().get().value());
                }
                json.writeNumberField("status", hello.status());
                writeError(json, hello.error());
            } else if (message instanceof ServerMessage.WebPushHelloReply hello) {
                // W1.2: use_webpush echoed, broadcasts always present.
                json.writeStringField("messageType", "hello");
                json.writeStringField("uaid", hello.uaid().value());
                json.writeNumberField("status", hello.status());
                json.writeBooleanField("use_webpush", true);
                writeStringMap(json, "broadcasts", hello.broadcasts());
            } else if (message instanceof ServerMessage.RegisterReply register) {
                json.writeStringField("messageType", "register");
                writeChannelId(json, register.channelId());
                json.writeNumberField("status", register.status());
                if (register.pushEndpoint().isPresent()) {
                    json.writeStringField("pushEndpoint", register.pushEndpoint().get().toString());
                }
                writeError(json, register.error());
            } else if (message instanceof ServerMessage.UnregisterReply unregister) {
                json.writeStringField("messageType", "unregister");
                writeChannelId(json, unregister.channelId());
                json.writeNumberField("status", unregister.status());
                writeError(json, unregister.error());
            } else if (message instanceof ServerMessage.AckReply ack) {
                json.writeStringField("messageType", "ack");
                json.writeNumberField("status", ack.status());
                writeError(json, ack.error());
            } else if (message instanceof ServerMessage.NackReply nack) {
                json.writeStringField("messageType", "nack");
                json.writeNumberField("status", nack.status());
                writeError(json, nack.error());
            } else if (message instanceof ServerMessage.WebPushNotification notification) {
                writeWebPushNotification(json, out, notification, null);
            } else if (message instanceof ServerMessage.Broadcast broadcast) {
                // W2.2: changed versions, and unknown ids under "errors".
                json.writeStringField("messageType", "broadcast");
                json.writeObjectFieldStart("broadcasts");
                for (Map.Entry<String, String> entry : broadcast.broadcasts().entrySet()) {
                    json.writeStringField(entry.getKey(), entry.getValue());
                }
                if (!broadcast.errors().isEmpty()) {
                    writeStringMap(json, "errors", broadcast.errors());
                }
                json.writeEndObject();
            } else if (message instanceof ServerMessage.Notification notification) {
                json.writeStringField("messageType", "notification");
                json.writeArrayFieldStart("updates");
                for (Update update : notification.updates()) {
                    json.writeStartObject();
                    json.writeStringField("channelID", update.channelId().value());
                    json.writeNumberField("version", update.version().value());
                    if (update.data().isPresent()) {
                        json.writeStringField("data", update.data().get());
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
            } else {
                throw new IllegalArgumentException("unknown server message " + message);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array", e);
        }
        return out.toByteArray();
    }

    /**
     * W5.1: one message per notification; data and headers only with a body (W5.4, W5.5). The data itself is left
     * out: the answer is where in {@code out} it goes, between two quotes already written (-1 without a payload).
     */
    private static int writeWebPushNotification(JsonGenerator json, ByteArrayBuilder out,
            ServerMessage.WebPushNotification notification, WebPushMessage.@Nullable Payload payload)
            throws IOException {
        json.writeStringField("messageType", "notification");
        json.writeStringField("channelID", notification.channelId().value());
        json.writeStringField("version", notification.version());
        json.writeNumberField("ttl", notification.ttl());
        if (payload == null) {
            return -1;
        }
        // URL-safe base64 never needs escaping: its bytes go in as they are.
        json.writeFieldName("data");
        json.writeRawValue("\"");
        json.flush();
        int dataAt = out.size();
        json.writeRaw('"');
        json.writeObjectFieldStart("headers");
        json.writeStringField("encoding", payload.encoding());
        if (payload.encryption().isPresent()) {
            json.writeStringField("encryption", payload.encryption().get());
        }
        if (payload.cryptoKey().isPresent()) {
            json.writeStringField("crypto_key", payload.cryptoKey().get());
        }
        json.writeEndObject();
        return dataAt;
    }

    private static void writeStringMap(JsonGenerator json, String name, Map<String, String> map) throws IOException {
        json.writeObjectFieldStart(name);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }

    /** P1.2: a refusal says why. */
    private static void writeError(JsonGenerator json, Optional<String> error) throws IOException {
        if (error.isPresent()) {
            json.writeStringField("error", error.get());
        }
    }

    private static void writeChannelId(JsonGenerator json, Optional<String> channelId) throws IOException {
        if (channelId.isPresent()) {
            json.writeStringField("channelID", channelId.get());
        } else {
            json.writeNullField("channelID");
        }
    }

    /** The fields of one client frame that any message type may use; the type is judged at the end. */
    private static final class Fields {
        private boolean empty = true;
        private @Nullable JsonToken typeToken;
        private @Nullable String type;
        private Optional<String> uaid = Optional.empty();
        private Optional<List<String>> channelIds = Optional.empty();
        private Optional<String> channelId = Optional.empty();
        private List<Update> updates = List.of();
        private List<ClientMessage.MessageAck> messageAcks = List.of();
        private boolean useWebPush;
        private @Nullable Map<String, String> broadcasts;
        private @Nullable String broadcastsProblem;
        private Optional<String> key = Optional.empty();
        private Optional<String> version = Optional.empty();
        private int code;
        private WakeupFields.@Nullable HostPort hostPort;
        private WakeupFields.@Nullable Network network;

        void read(String name, JsonParser parser) throws IOException {
            empty = false;
            JsonToken token = parser.currentToken();
            switch (name) {
                case "messageType":
                    typeToken = token;
                    type = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                    parser.skipChildren();
                    break;
                case "uaid":
                    // P2.1: absent, "" and null all mean a new device.
                    String text = token == JsonToken.VALUE_NULL ? "" : textOf(parser);
                    uaid = text.isEmpty() ? Optional.empty() : Optional.of(text);
                    break;
                case "channelIDs":
                    channelIds = channelIds(parser);
                    break;
                case "channelID":
                    channelId = token == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                    parser.skipChildren();
                    break;
                case "updates":
                    readUpdates(parser);
                    break;
                case "use_webpush":
                    // W1.1: only the JSON value true; absent, false or anything else is SimplePush.
                    useWebPush = token == JsonToken.VALUE_TRUE;
                    parser.skipChildren();
                    break;
                case "broadcasts":
                    readBroadcasts(parser);
                    break;
                case "key":
                    key = token == JsonToken.VALUE_NULL ? Optional.empty() : Optional.of(textOf(parser));
                    break;
                case "version":
                    version = token == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                    parser.skipChildren();
                    break;
                case "code":
                    code = longValue(parser).filter(c -> c >= 0 && c <= Integer.MAX_VALUE).orElse(0L).intValue();
                    break;
                case "wakeup_hostport":
                    hostPort = WakeupFields.HostPort.read(parser);
                    break;
                case "mobilenetwork":
                    network = WakeupFields.Network.read(parser);
                    break;
                default:
                    parser.skipChildren();
            }
        }

        ClientMessage toMessage() throws MalformedFrameException {
            if (typeToken == null) {
                if (empty) {
                    // P6.1: {} is a ping.
                    return ClientMessage.Ping.INSTANCE;
                }
                // P1.4: an object with fields but no messageType is an unknown message, not a ping.
                throw new MalformedFrameException(CloseCodes.POLICY_VIOLATION, "no messageType");
            }
            if (type == null) {
                throw new MalformedFrameException(CloseCodes.POLICY_VIOLATION, "messageType must be a string");
            }
            // P1.4: messageType is matched without regard to case.
            switch (type.toLowerCase(Locale.ROOT)) {
                case "ping":
                    // P6.1: {"messageType":"ping"} is a ping like {}.
                    return ClientMessage.Ping.INSTANCE;
                case "hello":
                    return new ClientMessage.Hello(uaid, channelIds, wakeup(), useWebPush, broadcasts());
                case "register":
                    return new ClientMessage.Register(channelId, key);
                case "unregister":
                    return new ClientMessage.Unregister(channelId);
                case "ack":
                    return new ClientMessage.Ack(updates, messageAcks);
                case "nack":
                    return new ClientMessage.Nack(version, code);
                case "broadcast_subscribe":
                    return new ClientMessage.BroadcastSubscribe(broadcasts());
                default:
                    throw new MalformedFrameException(CloseCodes.POLICY_VIOLATION,
                            "unknown messageType " + abbreviated(type));
            }
        }

        /** W2.5: a {@code broadcasts} that is not an object of strings is a protocol error (P1.3). */
        private Map<String, String> broadcasts() throws MalformedFrameException {
            if (broadcastsProblem != null) {
                throw new MalformedFrameException(CloseCodes.POLICY_VIOLATION, broadcastsProblem);
            }
            return broadcasts == null ? Map.of() : broadcasts;
        }

        private void readBroadcasts(JsonParser parser) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return;
            }
            if (token != JsonToken.START_OBJECT) {
                broadcastsProblem = "broadcasts must be an object";
                parser.skipChildren();
                return;
            }
            Map<String, String> read = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String id = parser.currentName();
                if (parser.nextToken() == JsonToken.VALUE_STRING) {
                    read.put(id, parser.getText());
                } else {
                    broadcastsProblem = "broadcast versions must be strings";
                    parser.skipChildren();
                }
            }
            broadcasts = read;
        }

        /**
         * P5.3 and W8.1: an entry with a UUID channelID and an integer version is a SimplePush ack; with a string
         * version, a Web Push ack (its {@code code} kept); other entries are dropped.
         */
        private void readUpdates(JsonParser parser) throws IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                parser.skipChildren();
                return;
            }
            List<Update> simplePush = new ArrayList<>();
            List<ClientMessage.MessageAck> webPush = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                Optional<ChannelId> channel = Optional.empty();
                Optional<Version> number = Optional.empty();
                Optional<String> text = Optional.empty();
                int entryCode = 0;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (name.equals("channelID") && value == JsonToken.VALUE_STRING) {
                        channel = ChannelId.parse(parser.getText());
                    } else if (name.equals("version") && value == JsonToken.VALUE_STRING) {
                        text = Optional.of(parser.getText());
                    } else if (name.equals("version")) {
                        number = longValue(parser).filter(v -> v >= 0).map(Version::of);
                    } else if (name.equals("code")) {
                        entryCode = longValue(parser).filter(c -> c >= 0 && c <= Integer.MAX_VALUE).orElse(0L)
                                .intValue();
                    } else {
                        parser.skipChildren();
                    }
                }
                if (channel.isPresent() && number.isPresent()) {
                    simplePush.add(Update.of(channel.get(), number.get()));
                } else if (channel.isPresent() && text.isPresent()) {
                    webPush.add(new ClientMessage.MessageAck(channel.get(), text.get(), entryCode));
                }
            }
            updates = simplePush;
            messageAcks = webPush;
        }

        private Optional<WakeupAddress> wakeup() {
            if (hostPort == null || network == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(new WakeupAddress(hostPort.ip(), hostPort.port(), network.mcc(), network.mnc(),
                        network.netid()));
            } catch (IllegalArgumentException illFormed) {
                // P8.1: an ill-formed wake-up address makes the device an ordinary WebSocket client.
                return Optional.empty();
            }
        }
    }

    /**
     * {@code channelIDs}: null means absent; an array gives its entries (non-strings as their JSON text, which no
     * channel matches); any other value becomes a one-entry list of its text, so a known UAID is reset (P2.4)
     * rather than trusted with a list the server cannot read.
     */
    private static Optional<List<String>> channelIds(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (token != JsonToken.START_ARRAY) {
            return Optional.of(List.of(textOf(parser)));
        }
        List<String> ids = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            ids.add(textOf(parser));
        }
        return Optional.of(ids);
    }

    /** The value as a long if it is a JSON integer in range; structures are skipped. */
    static Optional<Long> longValue(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = parser.getNumberType();
            if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                return Optional.of(parser.getLongValue());
            }
            return Optional.empty();
        }
        parser.skipChildren();
        return Optional.empty();
    }

    /** A string's text, or any other value as its JSON text; leaves the parser on the value's last token. */
    private static String textOf(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            StringWriter text = new StringWriter();
            try (JsonGenerator json = JSON.createGenerator(text)) {
                json.copyCurrentStructure(parser);
            }
            return text.toString();
        }
        return parser.getText();
    }

    private static String abbreviated(String text) {
        return text.length() > 32 ? text.substring(0, 32) + "..." : text;
    }
}
