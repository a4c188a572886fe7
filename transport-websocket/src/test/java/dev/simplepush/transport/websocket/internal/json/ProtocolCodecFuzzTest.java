package dev.simplepush.transport.websocket.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.ServerMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzzes {@link ProtocolCodec} with arbitrary frames, with client messages built from the fuzzer's choices (every
 * message type, fields in any order and spelling of {@code messageType}, unknown fields, odd values), with such
 * messages corrupted as text, and with server messages of arbitrary content.
 *
 * <p>For every frame, decoding returns a message or refuses it with 1007 or 1008, never anything else. For frames of
 * valid UTF-8 (all that the frame reader hands on) the answer is the one P1.3, P1.4 and P6.1 give, judged from
 * Jackson's tree of the same text: not exactly one JSON object → 1007; no {@code messageType} → a ping when the object
 * is empty, else 1008; a {@code messageType} that is not a known string → 1008; a malformed {@code broadcasts} (W2.5) →
 * 1008. A message built from values decodes to exactly those values. Every server message encodes to strict UTF-8
 * JSON, one object without repeated names, which reads back as the fields P1.2 and W1–W8 name.
 *
 * <p>The codec takes no pooled buffer: it reads the frame's own array and writes a new one.
 */
class ProtocolCodecFuzzTest {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> KNOWN_FIELDS = Set.of("messagetype", "uaid", "channelids", "channelid",
            "updates", "use_webpush", "broadcasts", "key", "version", "code", "wakeup_hostport", "mobilenetwork");
    private static final String[] TYPES = {"hello", "register", "unregister", "ack", "nack", "ping",
        "broadcast_subscribe"};

    @FuzzTest
    void framesGetTheProfilesAnswerAndServerMessagesAreJson(FuzzedDataProvider data) throws IOException {
        switch (data.consumeInt(0, 3)) {
            case 0 -> judge(data.consumeRemainingAsBytes());
            case 1 -> {
                Built built = clientMessage(data);
                assertThat(decode(built.json)).as("decoded %s", built.json).isEqualTo(built.message);
            }
            case 2 -> judge(corrupt(clientMessage(data).json, data));
            default -> assertEncodesAsJson(serverMessage(data));
        }
    }

    // ---- decoding

    /** Decodes {@code frame} and checks the answer against the tree Jackson reads from the same text. */
    private static void judge(byte[] frame) {
        Object answer = answer(frame);
        if (answer instanceof Integer code) {
            assertThat(code).as("close code for %s", HexFormat.of().formatHex(frame))
                    .isIn(CloseCodes.INVALID_PAYLOAD, CloseCodes.POLICY_VIOLATION);
        }
        Optional<String> text = strictUtf8(frame);
        if (text.isEmpty()) {
            // The frame reader refuses such frames with 1007 first; the codec need only not fail otherwise.
            return;
        }
        JsonNode tree;
        try {
            // RFC 8259 §8.1: a parser may ignore a byte order mark, as Jackson does on bytes.
            tree = JSON.readTree(text.get().startsWith("\uFEFF") ? text.get().substring(1) : text.get());
        } catch (IOException notJson) {
            tree = null;
        }
        if (tree == null || !tree.isObject()) {
            assertThat(answer).as("answer to %s, which is not one JSON object (P1.3)", text.get())
                    .isEqualTo(CloseCodes.INVALID_PAYLOAD);
            return;
        }
        if (hasRepeatedNames(text.get())) {
            // Which of a repeated name counts is the parser's choice (RFC 8259 §4); valid JSON is never 1007.
            assertThat(answer).as("answer to %s", text.get()).isNotEqualTo(CloseCodes.INVALID_PAYLOAD);
            return;
        }
        assertThat(kind(answer)).as("answer to %s", text.get()).isEqualTo(expectedKind(tree));
    }

    /** The message type of a decoded message, or the close code of a refusal. */
    private static Object kind(Object answer) {
        if (answer instanceof ClientMessage.Ping) {
            return "ping";
        }
        if (answer instanceof ClientMessage.Hello) {
            return "hello";
        }
        if (answer instanceof ClientMessage.Register) {
            return "register";
        }
        if (answer instanceof ClientMessage.Unregister) {
            return "unregister";
        }
        if (answer instanceof ClientMessage.Ack) {
            return "ack";
        }
        if (answer instanceof ClientMessage.Nack) {
            return "nack";
        }
        if (answer instanceof ClientMessage.BroadcastSubscribe) {
            return "broadcast_subscribe";
        }
        return answer;
    }

    /** The decoded message, or the close code of the refusal. Any other exception fails the test. */
    private static Object answer(byte[] frame) {
        try {
            return ProtocolCodec.decode(frame, frame.length);
        } catch (ProtocolCodec.MalformedFrameException refused) {
            return refused.closeCode();
        }
    }

    /** P1.3, P1.4, P6.1, W2.5: the answer to one JSON object, as a message type or a close code. */
    private static Object expectedKind(JsonNode object) {
        JsonNode type = object.get("messageType");
        if (type == null) {
            return object.isEmpty() ? "ping" : CloseCodes.POLICY_VIOLATION;
        }
        if (!type.isTextual()) {
            return CloseCodes.POLICY_VIOLATION;
        }
        String name = type.textValue().toLowerCase(Locale.ROOT);
        if ((name.equals("hello") || name.equals("broadcast_subscribe")) && badBroadcasts(object.get("broadcasts"))) {
            return CloseCodes.POLICY_VIOLATION;
        }
        return switch (name) {
            case "ping", "hello", "register", "unregister", "ack", "nack", "broadcast_subscribe" -> name;
            default -> CloseCodes.POLICY_VIOLATION;
        };
    }

    private static boolean badBroadcasts(JsonNode broadcasts) {
        if (broadcasts == null || broadcasts.isNull()) {
            return false;
        }
        if (!broadcasts.isObject()) {
            return true;
        }
        for (JsonNode version : broadcasts) {
            if (!version.isTextual()) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasRepeatedNames(String text) {
        try {
            STRICT_JSON.readTree(text);
            return false;
        } catch (IOException repeated) {
            return true;
        }
    }

    private static ClientMessage decode(String json) {
        byte[] frame = json.getBytes(StandardCharsets.UTF_8);
        try {
            return ProtocolCodec.decode(frame, frame.length);
        } catch (ProtocolCodec.MalformedFrameException e) {
            throw new AssertionError("refused " + json + " with " + e.closeCode() + ": " + e.getMessage(), e);
        }
    }

    // ---- client messages from values

    /** A client message and a JSON text of it. */
    private record Built(ClientMessage message, String json) {
    }

    private static Built clientMessage(FuzzedDataProvider data) {
        String type = data.pickValue(TYPES);
        ObjectNode json = NODES.objectNode();
        ClientMessage message;
        switch (type) {
            case "hello" -> {
                Optional<String> uaid = optionalText(data, json, "uaid", true);
                Optional<List<String>> channelIds = Optional.empty();
                switch (data.consumeInt(0, 2)) {
                    case 0 -> json.putNull("channelIDs");
                    case 1 -> {
                        List<String> ids = strings(data);
                        ArrayNode array = json.putArray("channelIDs");
                        ids.forEach(array::add);
                        channelIds = Optional.of(ids);
                    }
                    default -> { }
                }
                boolean webPush = data.consumeBoolean();
                if (webPush) {
                    json.put("use_webpush", true);
                } else if (data.consumeBoolean()) {
                    json.put("use_webpush", false);
                }
                Map<String, String> broadcasts = broadcasts(data, json);
                message = new ClientMessage.Hello(uaid, channelIds, Optional.empty(), webPush, broadcasts);
            }
            case "register" -> {
                Optional<String> channelId = channelId(data, json);
                Optional<String> key = optionalText(data, json, "key", false);
                message = new ClientMessage.Register(channelId, key);
            }
            case "unregister" -> message = new ClientMessage.Unregister(channelId(data, json));
            case "ack" -> {
                List<Update> updates = new ArrayList<>();
                List<ClientMessage.MessageAck> acks = new ArrayList<>();
                ArrayNode entries = json.putArray("updates");
                int count = data.consumeInt(0, 4);
                for (int i = 0; i < count; i++) {
                    ChannelId channel = ChannelId.of(uuid(data));
                    ObjectNode entry = entries.addObject().put("channelID", channel.value());
                    if (data.consumeBoolean()) {
                        long version = data.consumeLong(0, Long.MAX_VALUE);
                        entry.put("version", version);
                        updates.add(Update.of(channel, Version.of(version)));
                    } else {
                        String version = text(data, 20);
                        int code = data.consumeInt(0, 400);
                        entry.put("version", version).put("code", code);
                        acks.add(new ClientMessage.MessageAck(channel, version, code));
                    }
                }
                message = new ClientMessage.Ack(updates, acks);
            }
            case "nack" -> {
                Optional<String> version = optionalText(data, json, "version", false);
                int code = data.consumeBoolean() ? data.consumeInt(0, Integer.MAX_VALUE) : 0;
                if (code != 0 || data.consumeBoolean()) {
                    json.put("code", code);
                }
                message = new ClientMessage.Nack(version, code);
            }
            case "broadcast_subscribe" -> message = new ClientMessage.BroadcastSubscribe(broadcasts(data, json));
            default -> message = ClientMessage.Ping.INSTANCE;
        }
        if (!type.equals("ping") || data.consumeBoolean()) {
            json.put("messageType", spelling(type, data));
        }
        if (!type.equals("ping") || json.size() > 0) {
            // P1.2: fields the protocol does not name are ignored (but a field makes {} more than a ping, P1.4).
            int extra = data.consumeInt(0, 2);
            for (int i = 0; i < extra; i++) {
                String name = text(data, 12);
                if (!KNOWN_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
                    json.set(name, anyValue(data, 2));
                }
            }
        }
        return new Built(message, shuffled(json, data).toString());
    }

    /** P1.4: any case. */
    private static String spelling(String type, FuzzedDataProvider data) {
        StringBuilder spelled = new StringBuilder(type.length());
        for (char c : type.toCharArray()) {
            spelled.append(data.consumeBoolean() ? Character.toUpperCase(c) : c);
        }
        return spelled.toString();
    }

    /** A text field that may be absent, null or (when {@code emptyIsAbsent}, P2.1) empty. */
    private static Optional<String> optionalText(FuzzedDataProvider data, ObjectNode json, String name,
            boolean emptyIsAbsent) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                json.putNull(name);
                return Optional.empty();
            }
            case 1 -> {
                String text = text(data, 40);
                json.put(name, text);
                return text.isEmpty() && emptyIsAbsent ? Optional.empty() : Optional.of(text);
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** P3.2: a channelID that is text is passed as it is; anything else is absent. */
    private static Optional<String> channelId(FuzzedDataProvider data, ObjectNode json) {
        switch (data.consumeInt(0, 3)) {
            case 0 -> {
                String text = data.consumeBoolean() ? uuid(data) : text(data, 40);
                json.put("channelID", text);
                return Optional.of(text);
            }
            case 1 -> json.put("channelID", data.consumeLong());
            case 2 -> json.putNull("channelID");
            default -> { }
        }
        return Optional.empty();
    }

    private static Map<String, String> broadcasts(FuzzedDataProvider data, ObjectNode json) {
        Map<String, String> broadcasts = new LinkedHashMap<>();
        switch (data.consumeInt(0, 2)) {
            case 0 -> json.putNull("broadcasts");
            case 1 -> {
                ObjectNode object = json.putObject("broadcasts");
                int count = data.consumeInt(0, 3);
                for (int i = 0; i < count; i++) {
                    String id = text(data, 16);
                    String version = text(data, 16);
                    object.put(id, version);
                    broadcasts.put(id, version);
                }
            }
            default -> { }
        }
        return broadcasts;
    }

    private static List<String> strings(FuzzedDataProvider data) {
        List<String> strings = new ArrayList<>();
        int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++) {
            strings.add(data.consumeBoolean() ? uuid(data) : text(data, 20));
        }
        return strings;
    }

    /** Text as a client sends it, in UTF-8: an unpaired surrogate becomes {@code ?}. */
    private static String text(FuzzedDataProvider data, int maxLength) {
        return new String(data.consumeString(maxLength).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static String uuid(FuzzedDataProvider data) {
        String hex = HexFormat.of().formatHex(ByteBuffer.allocate(16).putLong(data.consumeLong())
                .putLong(data.consumeLong()).array());
        if (data.consumeBoolean()) {
            hex = hex.toUpperCase(Locale.ROOT);
        }
        return data.consumeBoolean() ? hex
                : hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                        + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private static JsonNode anyValue(FuzzedDataProvider data, int depth) {
        switch (data.consumeInt(0, depth > 0 ? 6 : 4)) {
            case 0:
                return NODES.textNode(text(data, 20));
            case 1:
                return NODES.numberNode(data.consumeLong());
            case 2:
                return NODES.numberNode(data.consumeDouble());
            case 3:
                return NODES.booleanNode(data.consumeBoolean());
            case 4:
                return NODES.nullNode();
            case 5: {
                ArrayNode array = NODES.arrayNode();
                int count = data.consumeInt(0, 3);
                for (int i = 0; i < count; i++) {
                    array.add(anyValue(data, depth - 1));
                }
                return array;
            }
            default: {
                ObjectNode object = NODES.objectNode();
                int count = data.consumeInt(0, 3);
                for (int i = 0; i < count; i++) {
                    object.set(text(data, 8), anyValue(data, depth - 1));
                }
                return object;
            }
        }
    }

    /** The same fields in an order the fuzzer picks: the protocol fixes none. */
    private static ObjectNode shuffled(ObjectNode json, FuzzedDataProvider data) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(json.properties());
        ObjectNode shuffled = NODES.objectNode();
        while (!fields.isEmpty()) {
            Map.Entry<String, JsonNode> field = fields.remove(data.consumeInt(0, fields.size() - 1));
            shuffled.set(field.getKey(), field.getValue());
        }
        return shuffled;
    }

    /** A message's text with one change: a character dropped, replaced or added, or the text cut short. */
    private static byte[] corrupt(String json, FuzzedDataProvider data) {
        StringBuilder text = new StringBuilder(json);
        int at = data.consumeInt(0, text.length());
        String inserted = data.pickValue(new String[] {"{", "}", "[", "]", "\"", ",", ":", "\\", " ", "\u0000",
            "\u00e9", "\ud83d\ude00", "\ud800", "0", "-", "e", "n", "t", "/", "x"});
        switch (data.consumeInt(0, 3)) {
            case 0 -> {
                if (at < text.length()) {
                    text.deleteCharAt(at);
                }
            }
            case 1 -> {
                if (at < text.length()) {
                    text.replace(at, at + 1, inserted);
                }
            }
            case 2 -> text.insert(at, inserted);
            default -> text.setLength(at);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- encoding

    private static ServerMessage serverMessage(FuzzedDataProvider data) {
        int status = data.consumeInt(100, 599);
        Optional<String> error = data.consumeBoolean() ? Optional.of(data.consumeString(40)) : Optional.empty();
        switch (data.consumeInt(0, 9)) {
            case 0:
                return new ServerMessage.HelloReply(data.consumeBoolean() ? Optional.of(uaid(data)) : Optional.empty(),
                        status, error);
            case 1:
                return new ServerMessage.WebPushHelloReply(uaid(data), status, stringMap(data, false));
            case 2:
                return new ServerMessage.RegisterReply(optionalString(data), status,
                        data.consumeBoolean() ? Optional.of(URI.create("http://127.0.0.1:8080/update/"
                                + HexFormat.of().formatHex(data.consumeBytes(24)))) : Optional.empty(), error);
            case 3:
                return new ServerMessage.UnregisterReply(optionalString(data), status, error);
            case 4:
                return new ServerMessage.AckReply(status, error);
            case 5:
                return new ServerMessage.NackReply(status, error);
            case 6: {
                List<Update> updates = new ArrayList<>();
                int count = data.consumeInt(1, 4);
                for (int i = 0; i < count; i++) {
                    updates.add(new Update(ChannelId.of(uuid(data)), Version.of(data.consumeLong(0, Long.MAX_VALUE)),
                            optionalString(data)));
                }
                return new ServerMessage.Notification(updates);
            }
            case 7: {
                Optional<WebPushMessage.Payload> payload = data.consumeBoolean()
                        ? Optional.of(new WebPushMessage.Payload(
                                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(data.consumeBytes(64)),
                                data.consumeString(12), optionalString(data), optionalString(data)))
                        : Optional.empty();
                return new ServerMessage.WebPushNotification(ChannelId.of(uuid(data)), data.consumeString(40),
                        data.consumeLong(0, Long.MAX_VALUE), payload);
            }
            case 8:
                // W2.3: this server knows no broadcast, so no id of its own can be named "errors".
                return new ServerMessage.Broadcast(stringMap(data, true), stringMap(data, false));
            default:
                return ServerMessage.Pong.INSTANCE;
        }
    }

    private static void assertEncodesAsJson(ServerMessage message) throws IOException {
        byte[] encoded = ProtocolCodec.encode(message);
        Optional<String> text = strictUtf8(encoded);
        assertThat(text).as("encoding of %s is UTF-8 (P1.2: a text frame)", message).isPresent();
        JsonNode read;
        try {
            read = STRICT_JSON.readTree(text.get());
        } catch (IOException e) {
            throw new AssertionError("encoding of " + message + " is not one JSON object without repeated names: "
                    + text.get(), e);
        }
        assertThat(read).as("encoding of %s", message).isEqualTo(normalized(expectedJson(message)));
    }

    /** P1.2, P2.2, P3, P5.2, P6.1, W1.2, W2.2, W5.1: the fields of each server message. */
    private static ObjectNode expectedJson(ServerMessage message) {
        ObjectNode json = NODES.objectNode();
        if (message instanceof ServerMessage.HelloReply hello) {
            json.put("messageType", "hello");
            hello.uaid().ifPresent(uaid -> json.put("uaid", uaid.value()));
            json.put("status", hello.status());
            hello.error().ifPresent(error -> json.put("error", error));
        } else if (message instanceof ServerMessage.WebPushHelloReply hello) {
            json.put("messageType", "hello").put("uaid", hello.uaid().value()).put("status", hello.status())
                    .put("use_webpush", true);
            ObjectNode broadcasts = json.putObject("broadcasts");
            hello.broadcasts().forEach(broadcasts::put);
        } else if (message instanceof ServerMessage.RegisterReply register) {
            json.put("messageType", "register").put("channelID", register.channelId().orElse(null))
                    .put("status", register.status());
            register.pushEndpoint().ifPresent(endpoint -> json.put("pushEndpoint", endpoint.toString()));
            register.error().ifPresent(error -> json.put("error", error));
        } else if (message instanceof ServerMessage.UnregisterReply unregister) {
            json.put("messageType", "unregister").put("channelID", unregister.channelId().orElse(null))
                    .put("status", unregister.status());
            unregister.error().ifPresent(error -> json.put("error", error));
        } else if (message instanceof ServerMessage.AckReply ack) {
            json.put("messageType", "ack").put("status", ack.status());
            ack.error().ifPresent(error -> json.put("error", error));
        } else if (message instanceof ServerMessage.NackReply nack) {
            json.put("messageType", "nack").put("status", nack.status());
            nack.error().ifPresent(error -> json.put("error", error));
        } else if (message instanceof ServerMessage.Notification notification) {
            json.put("messageType", "notification");
            ArrayNode updates = json.putArray("updates");
            for (Update update : notification.updates()) {
                ObjectNode entry = updates.addObject().put("channelID", update.channelId().value())
                        .put("version", update.version().value());
                update.data().ifPresent(data -> entry.put("data", data));
            }
        } else if (message instanceof ServerMessage.WebPushNotification notification) {
            json.put("messageType", "notification").put("channelID", notification.channelId().value())
                    .put("version", notification.version()).put("ttl", notification.ttl());
            notification.payload().ifPresent(payload -> {
                json.put("data", payload.data());
                ObjectNode headers = json.putObject("headers").put("encoding", payload.encoding());
                payload.encryption().ifPresent(value -> headers.put("encryption", value));
                payload.cryptoKey().ifPresent(value -> headers.put("crypto_key", value));
            });
        } else if (message instanceof ServerMessage.Broadcast broadcast) {
            json.put("messageType", "broadcast");
            ObjectNode broadcasts = json.putObject("broadcasts");
            broadcast.broadcasts().forEach(broadcasts::put);
            if (!broadcast.errors().isEmpty()) {
                ObjectNode errors = broadcasts.putObject("errors");
                broadcast.errors().forEach(errors::put);
            }
        }
        return json;
    }

    /** The same tree with numbers as a parser reads them (an int where it fits). */
    private static JsonNode normalized(ObjectNode json) {
        try {
            return JSON.readTree(JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Uaid uaid(FuzzedDataProvider data) {
        return new Uaid(HexFormat.of().formatHex(ByteBuffer.allocate(16).putLong(data.consumeLong())
                .putLong(data.consumeLong()).array()));
    }

    private static Optional<String> optionalString(FuzzedDataProvider data) {
        return data.consumeBoolean() ? Optional.of(data.consumeString(40)) : Optional.empty();
    }

    private static Map<String, String> stringMap(FuzzedDataProvider data, boolean serverIds) {
        Map<String, String> map = new LinkedHashMap<>();
        int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++) {
            String key = data.consumeString(16);
            if (!(serverIds && key.equals("errors"))) {
                map.put(key, data.consumeString(16));
            }
        }
        return map;
    }

    private static Optional<String> strictUtf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
