package dev.simplepush.transport.websocket.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ServerMessage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the profiles as a device writes and reads it, independent of the transport's codec: SimplePush
 * (P1–P6) and the Web Push dialect (W1–W10). Decoding is strict: a server message with a field the profile does not
 * name, a value of the wrong JSON type, or a shape the profile forbids is rejected (P1.2, P5.2, W1.2, W2.2, W5).
 *
 * <p>Stateless and thread-safe.
 */
public final class WireJson {

    private static final JsonFactory JSON = new JsonFactory();

    private static final Set<String> HELLO_FIELDS = Set.of("messageType", "uaid", "status", "error");
    private static final Set<String> WEBPUSH_HELLO_FIELDS =
            Set.of("messageType", "uaid", "status", "use_webpush", "broadcasts");
    private static final Set<String> REGISTER_FIELDS =
            Set.of("messageType", "channelID", "status", "pushEndpoint", "error");
    private static final Set<String> UNREGISTER_FIELDS = Set.of("messageType", "channelID", "status", "error");
    private static final Set<String> REFUSAL_FIELDS = Set.of("messageType", "status", "error");
    private static final Set<String> NOTIFICATION_FIELDS = Set.of("messageType", "updates");
    private static final Set<String> UPDATE_FIELDS = Set.of("channelID", "version", "data");
    private static final Set<String> WEBPUSH_NOTIFICATION_FIELDS =
            Set.of("messageType", "channelID", "version", "ttl", "data", "headers");
    private static final Set<String> HEADERS_FIELDS = Set.of("encoding", "encryption", "crypto_key");
    private static final Set<String> BROADCAST_FIELDS = Set.of("messageType", "broadcasts");
    /** W2.2: the ids the server does not know, inside {@code broadcasts}. */
    private static final String ERRORS = "errors";
    /** W5.2, W5.4: message ids and data are URL-safe base64, data without padding. */
    private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9_-]*");

    private WireJson() {
    }

    /** The frame a device sends for {@code message}; the Web Push fields only where the message carries them. */
    public static String encode(ClientMessage message) {
        if (message instanceof ClientMessage.Ping) {
            return "{}";
        }
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            if (message instanceof ClientMessage.Hello hello) {
                writeHello(json, hello);
            } else if (message instanceof ClientMessage.Register register) {
                json.writeStringField("messageType", "register");
                if (register.channelId().isPresent()) {
                    json.writeStringField("channelID", register.channelId().get());
                }
                if (register.key().isPresent()) {
                    json.writeStringField("key", register.key().get());
                }
            } else if (message instanceof ClientMessage.Unregister unregister) {
                json.writeStringField("messageType", "unregister");
                if (unregister.channelId().isPresent()) {
                    json.writeStringField("channelID", unregister.channelId().get());
                }
            } else if (message instanceof ClientMessage.Ack ack) {
                json.writeStringField("messageType", "ack");
                json.writeArrayFieldStart("updates");
                for (Update update : ack.updates()) {
                    json.writeStartObject();
                    json.writeStringField("channelID", update.channelId().value());
                    json.writeNumberField("version", update.version().value());
                    json.writeEndObject();
                }
                for (ClientMessage.MessageAck entry : ack.messages()) {
                    json.writeStartObject();
                    json.writeStringField("channelID", entry.channelId().value());
                    json.writeStringField("version", entry.version());
                    json.writeNumberField("code", entry.code());
                    json.writeEndObject();
                }
                json.writeEndArray();
            } else if (message instanceof ClientMessage.Nack nack) {
                json.writeStringField("messageType", "nack");
                if (nack.version().isPresent()) {
                    json.writeStringField("version", nack.version().get());
                }
                if (nack.code() != 0) {
                    json.writeNumberField("code", nack.code());
                }
            } else if (message instanceof ClientMessage.BroadcastSubscribe subscribe) {
                json.writeStringField("messageType", "broadcast_subscribe");
                writeStringMap(json, "broadcasts", subscribe.broadcasts());
            } else {
                throw new IllegalArgumentException("unknown client message " + message);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** A Web Push hello always carries {@code broadcasts}, as Firefox's does (W2.1); a SimplePush one only if any. */
    private static void writeHello(JsonGenerator json, ClientMessage.Hello hello) throws IOException {
        json.writeStringField("messageType", "hello");
        if (hello.uaid().isPresent()) {
            json.writeStringField("uaid", hello.uaid().get());
        }
        if (hello.channelIds().isPresent()) {
            json.writeArrayFieldStart("channelIDs");
            for (String channel : hello.channelIds().get()) {
                json.writeString(channel);
            }
            json.writeEndArray();
        }
        if (hello.wakeup().isPresent()) {
            WakeupAddress wakeup = hello.wakeup().get();
            json.writeObjectFieldStart("wakeup_hostport");
            json.writeStringField("ip", wakeup.ip());
            json.writeNumberField("port", wakeup.port());
            json.writeEndObject();
            json.writeObjectFieldStart("mobilenetwork");
            json.writeStringField("mcc", wakeup.mcc());
            json.writeStringField("mnc", wakeup.mnc());
            if (wakeup.netid().isPresent()) {
                json.writeStringField("netid", wakeup.netid().get());
            }
            json.writeEndObject();
        }
        if (hello.useWebPush()) {
            json.writeBooleanField("use_webpush", true);
        }
        if (hello.useWebPush() || !hello.broadcasts().isEmpty()) {
            writeStringMap(json, "broadcasts", hello.broadcasts());
        }
    }

    private static void writeStringMap(JsonGenerator json, String name, Map<String, String> map) throws IOException {
        json.writeObjectFieldStart(name);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }

    /**
     * The server message of a text frame.
     *
     * @throws IllegalArgumentException if the frame is not a message of the profiles
     */
    public static ServerMessage decode(String frame) {
        Map<String, Object> object = asObject(parse(frame), "the message");
        if (object.isEmpty()) {
            return ServerMessage.Pong.INSTANCE;
        }
        Object type = object.get("messageType");
        if ("hello".equals(type)) {
            return object.containsKey("use_webpush") ? webPushHello(object) : hello(object);
        }
        if ("register".equals(type)) {
            onlyFields(object, REGISTER_FIELDS);
            return new ServerMessage.RegisterReply(optionalString(object, "channelID"), status(object),
                    optionalString(object, "pushEndpoint").map(URI::create), error(object));
        }
        if ("unregister".equals(type)) {
            onlyFields(object, UNREGISTER_FIELDS);
            return new ServerMessage.UnregisterReply(optionalString(object, "channelID"), status(object),
                    error(object));
        }
        if ("ack".equals(type)) {
            onlyFields(object, REFUSAL_FIELDS);
            return new ServerMessage.AckReply(status(object), error(object));
        }
        if ("nack".equals(type)) {
            onlyFields(object, REFUSAL_FIELDS);
            return new ServerMessage.NackReply(status(object), error(object));
        }
        if ("notification".equals(type)) {
            return object.containsKey("updates") ? notification(object) : webPushNotification(object);
        }
        if ("broadcast".equals(type)) {
            onlyFields(object, BROADCAST_FIELDS);
            Map<String, Object> broadcasts = asObject(object.get("broadcasts"), "W2.2: broadcasts");
            return new ServerMessage.Broadcast(versions(broadcasts), errors(broadcasts));
        }
        throw new IllegalArgumentException("unknown messageType " + type);
    }

    private static ServerMessage.HelloReply hello(Map<String, Object> object) {
        onlyFields(object, HELLO_FIELDS);
        Optional<Uaid> uaid = optionalString(object, "uaid").map(WireJson::uaid);
        return new ServerMessage.HelloReply(uaid, status(object), error(object));
    }

    /** W1.2: {@code use_webpush:true} echoed, a UAID, and {@code broadcasts} always present. */
    private static ServerMessage.WebPushHelloReply webPushHello(Map<String, Object> object) {
        onlyFields(object, WEBPUSH_HELLO_FIELDS);
        if (!Boolean.TRUE.equals(object.get("use_webpush"))) {
            throw new IllegalArgumentException("W1.2: use_webpush is not true: " + object.get("use_webpush"));
        }
        Uaid uaid = uaid(optionalString(object, "uaid")
                .orElseThrow(() -> new IllegalArgumentException("W1.2: a Web Push hello reply without uaid")));
        if (!object.containsKey("broadcasts")) {
            throw new IllegalArgumentException("W1.2: a Web Push hello reply without broadcasts");
        }
        Map<String, Object> broadcasts = asObject(object.get("broadcasts"), "W1.2: broadcasts");
        errors(broadcasts);
        return new ServerMessage.WebPushHelloReply(uaid, status(object), versions(broadcasts));
    }

    private static Uaid uaid(String text) {
        if (Uaid.parse(text).isEmpty()) {
            throw new IllegalArgumentException("P2.3: uaid is not 32 lowercase hex: " + text);
        }
        return new Uaid(text);
    }

    private static ServerMessage.Notification notification(Map<String, Object> object) {
        onlyFields(object, NOTIFICATION_FIELDS);
        if (!(object.get("updates") instanceof List<?> entries)) {
            throw new IllegalArgumentException("updates is not an array");
        }
        List<Update> updates = new ArrayList<>();
        for (Object entry : entries) {
            Map<String, Object> update = asObject(entry, "an update");
            onlyFields(update, UPDATE_FIELDS);
            if (!(update.get("channelID") instanceof String channel)) {
                throw new IllegalArgumentException("an update's channelID is not a string");
            }
            if (!(update.get("version") instanceof Long version)) {
                throw new IllegalArgumentException("P5.2: an update's version is not a JSON integer");
            }
            updates.add(new Update(ChannelId.of(channel), Version.of(version), optionalString(update, "data")));
        }
        return new ServerMessage.Notification(updates);
    }

    /**
     * W5.1: one message, {@code channelID} and {@code version} strings, {@code ttl} a whole number of seconds,
     * {@code data} URL-safe base64 without padding (W5.4) exactly when {@code headers} is there (W5.5).
     */
    private static ServerMessage.WebPushNotification webPushNotification(Map<String, Object> object) {
        onlyFields(object, WEBPUSH_NOTIFICATION_FIELDS);
        if (!(object.get("channelID") instanceof String channel)) {
            throw new IllegalArgumentException("W5.1: channelID is missing or not a string");
        }
        if (!(object.get("version") instanceof String version) || version.isEmpty()
                || !URL_SAFE.matcher(version).matches()) {
            throw new IllegalArgumentException("W5.2: version is not a URL-safe string: " + object.get("version"));
        }
        if (!(object.get("ttl") instanceof Long ttl) || ttl < 0) {
            throw new IllegalArgumentException("W5.3: ttl is not a whole number of seconds: " + object.get("ttl"));
        }
        Optional<String> data = optionalString(object, "data");
        if (data.isPresent() != object.containsKey("headers")) {
            throw new IllegalArgumentException("W5.4/W5.5: data and headers come together or not at all");
        }
        Optional<WebPushMessage.Payload> payload = Optional.empty();
        if (data.isPresent()) {
            if (!URL_SAFE.matcher(data.get()).matches()) {
                throw new IllegalArgumentException("W5.4: data is not URL-safe base64 without padding");
            }
            Map<String, Object> headers = asObject(object.get("headers"), "W5.5: headers");
            onlyFields(headers, HEADERS_FIELDS);
            String encoding = optionalString(headers, "encoding")
                    .orElseThrow(() -> new IllegalArgumentException("W5.5: headers without encoding"));
            payload = Optional.of(new WebPushMessage.Payload(data.get(), encoding,
                    optionalString(headers, "encryption"), optionalString(headers, "crypto_key")));
        }
        return new ServerMessage.WebPushNotification(ChannelId.of(channel), version, ttl, payload);
    }

    /** The versions of a {@code broadcasts} object: every entry but {@code errors}, each a string (W2.2). */
    private static Map<String, String> versions(Map<String, Object> broadcasts) {
        Map<String, String> versions = new LinkedHashMap<>();
        broadcasts.forEach((id, version) -> {
            if (id.equals(ERRORS)) {
                return;
            }
            if (!(version instanceof String text)) {
                throw new IllegalArgumentException("W2.2: the version of broadcast " + id + " is not a string");
            }
            versions.put(id, text);
        });
        return versions;
    }

    /** The {@code errors} of a {@code broadcasts} object: id to reason, strings; empty when absent (W2.2). */
    private static Map<String, String> errors(Map<String, Object> broadcasts) {
        if (!broadcasts.containsKey(ERRORS)) {
            return Map.of();
        }
        Map<String, String> errors = new LinkedHashMap<>();
        asObject(broadcasts.get(ERRORS), "W2.2: errors").forEach((id, reason) -> {
            if (!(reason instanceof String text)) {
                throw new IllegalArgumentException("W2.2: the error of broadcast " + id + " is not a string");
            }
            errors.put(id, text);
        });
        return errors;
    }

    private static void onlyFields(Map<String, Object> object, Set<String> allowed) {
        for (String name : object.keySet()) {
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("P1.2: unexpected field " + name);
            }
        }
    }

    private static int status(Map<String, Object> object) {
        if (!(object.get("status") instanceof Long status)) {
            throw new IllegalArgumentException("status is missing or not an integer");
        }
        return Math.toIntExact(status);
    }

    /** P1.2: {@code error}, a string, only on a reply whose status is neither 200 nor 201. */
    private static Optional<String> error(Map<String, Object> object) {
        Optional<String> error = optionalString(object, "error");
        int status = status(object);
        if (error.isPresent() && (status == 200 || status == 201)) {
            throw new IllegalArgumentException("P1.2: error on a reply with status " + status);
        }
        return error;
    }

    /** A string field; absent and {@code null} are empty. */
    private static Optional<String> optionalString(Map<String, Object> object, String name) {
        Object value = object.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(name + " is not a string");
        }
        return Optional.of(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(@Nullable Object value, String what) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        return (Map<String, Object>) value;
    }

    /** One JSON value as maps, lists, strings, longs, doubles, booleans and nulls. */
    private static @Nullable Object parse(String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IllegalArgumentException("empty frame");
            }
            Object value = read(parser);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("more than one JSON value");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static @Nullable Object read(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT:
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    if (object.containsKey(name)) {
                        throw new IllegalArgumentException("duplicate field " + name);
                    }
                    object.put(name, read(parser));
                }
                return object;
            case START_ARRAY:
                List<@Nullable Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(parser));
                }
                return array;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() != JsonParser.NumberType.INT
                        && parser.getNumberType() != JsonParser.NumberType.LONG) {
                    throw new IllegalArgumentException("integer out of range: " + parser.getText());
                }
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalArgumentException("unexpected " + parser.currentToken());
        }
    }
}
