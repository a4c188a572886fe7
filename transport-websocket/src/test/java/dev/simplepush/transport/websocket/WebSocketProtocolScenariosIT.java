package dev.simplepush.transport.websocket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import dev.simplepush.core.ChannelId;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.testing.AppServer;
import dev.simplepush.core.testing.ClientInbox;
import dev.simplepush.core.testing.ProtocolClient;
import dev.simplepush.core.testing.ProtocolScenarios;
import dev.simplepush.store.memory.InMemoryStoreModule;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The protocol scenarios over real sockets: the core, the in-memory store and the Undertow transport on
 * {@code 127.0.0.1} with a free port; devices are JDK {@link WebSocket} clients speaking the JSON of the profile,
 * the app server a JDK {@link HttpClient}. Raw frames and raw HTTP are supported, so every scenario runs.
 */
class WebSocketProtocolScenariosIT extends ProtocolScenarios {

    private static final Duration IO_TIMEOUT = Duration.ofSeconds(5);
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    protected Harness start(PushConfig config) {
        return new WireHarness(config);
    }

    /** A push server listening on loopback, reached the way devices and app servers reach it. */
    private static final class WireHarness implements Harness, AppServer {

        private final PushServer server;
        private final URI deviceUrl;
        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(IO_TIMEOUT).build();
        private final List<WireClient> clients = new CopyOnWriteArrayList<>();

        WireHarness(PushConfig config) {
            Injector injector = Guice.createInjector(Stage.PRODUCTION,
                    new PushCoreModule(config),
                    new InMemoryStoreModule(),
                    new WebSocketTransportModule(WebSocketConfig.builder().host("127.0.0.1").port(0).build()));
            server = injector.getInstance(PushServer.class);
            await(server.start());
            URI base = injector.getInstance(WebSocketTransport.class).baseUrl();
            deviceUrl = URI.create("ws://" + base.getRawAuthority() + "/");
        }

        @Override
        public ProtocolClient connect(List<String> subprotocols) {
            WireClient client = WireClient.connect(http, deviceUrl, subprotocols);
            clients.add(client);
            return client;
        }

        @Override
        public AppServer appServer() {
            return this;
        }

        @Override
        public Response put(URI endpoint, Optional<String> version, Optional<String> data) {
            List<String> fields = new ArrayList<>();
            version.ifPresent(v -> fields.add("version=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
            data.ifPresent(d -> fields.add("data=" + URLEncoder.encode(d, StandardCharsets.UTF_8)));
            return send("PUT", endpoint, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    String.join("&", fields));
        }

        @Override
        public boolean supportsRawHttp() {
            return true;
        }

        @Override
        public Response send(String method, URI uri, Map<String, String> headers, String body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(IO_TIMEOUT)
                    .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            HttpResponse<String> response = await(http.sendAsync(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
            Map<String, String> first = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    first.put(name, values.get(0));
                }
            });
            return new Response(response.statusCode(), response.body(), first);
        }

        @Override
        public void close() {
            for (WireClient client : clients) {
                client.close();
            }
            await(server.stop());
        }
    }

    /** A device on a JDK WebSocket: text frames in and out, JSON mapped by {@link WireJson}. */
    private static final class WireClient implements ProtocolClient, WebSocket.Listener {

        private final ClientInbox inbox = new ClientInbox();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;

        static WireClient connect(HttpClient http, URI url, List<String> subprotocols) {
            WireClient client = new WireClient();
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(IO_TIMEOUT);
            if (!subprotocols.isEmpty()) {
                builder.subprotocols(subprotocols.get(0),
                        subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
            }
            client.socket = await(builder.buildAsync(url, client));
            return client;
        }

        @Override
        public void send(ClientMessage message) {
            sendText(WireJson.encode(message));
        }

        @Override
        public boolean supportsRawFrames() {
            return true;
        }

        @Override
        public synchronized void sendText(String frame) {
            requireOpen();
            await(socket.sendText(frame, true));
        }

        @Override
        public synchronized void sendBinary(byte[] frame) {
            requireOpen();
            await(socket.sendBinary(ByteBuffer.wrap(frame), true));
        }

        private void requireOpen() {
            if (socket.isOutputClosed()) {
                throw new AssertionError("cannot send: the connection is closed");
            }
        }

        @Override
        public Optional<String> subprotocol() {
            String selected = socket.getSubprotocol();
            return selected == null || selected.isEmpty() ? Optional.empty() : Optional.of(selected);
        }

        @Override
        public Optional<ServerMessage> poll(Duration timeout) {
            return inbox.poll(timeout);
        }

        @Override
        public OptionalInt awaitClose(Duration timeout) {
            return inbox.awaitClose(timeout);
        }

        @Override
        public boolean isOpen() {
            return inbox.isOpen();
        }

        @Override
        public synchronized void close() {
            if (!socket.isOutputClosed()) {
                try {
                    await(socket.sendClose(WebSocket.NORMAL_CLOSURE, ""));
                } catch (AssertionError alreadyClosing) {
                    socket.abort();
                }
            }
            if (inbox.awaitClose(IO_TIMEOUT).isEmpty()) {
                socket.abort();
                inbox.closed(1006);
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                try {
                    inbox.add(WireJson.decode(frame));
                } catch (IllegalArgumentException e) {
                    inbox.violation("the server sent a message the profile does not allow: " + e.getMessage()
                            + " in " + frame);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            inbox.violation("P1.2: the server sent a binary frame");
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            inbox.closed(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            inbox.closed(1006);
        }
    }

    /**
     * The JSON of the profile as a device writes and reads it, independent of the transport's codec. Decoding is
     * strict: a server message with a field the profile does not name, or a value of the wrong JSON type, is
     * rejected (P1.2, P5.2).
     */
    static final class WireJson {

        private static final Set<String> HELLO_FIELDS = Set.of("messageType", "uaid", "status", "error");
        private static final Set<String> REGISTER_FIELDS =
                Set.of("messageType", "channelID", "status", "pushEndpoint", "error");
        private static final Set<String> UNREGISTER_FIELDS = Set.of("messageType", "channelID", "status", "error");
        private static final Set<String> ACK_FIELDS = Set.of("messageType", "status", "error");
        private static final Set<String> NOTIFICATION_FIELDS = Set.of("messageType", "updates");
        private static final Set<String> UPDATE_FIELDS = Set.of("channelID", "version", "data");

        private WireJson() {
        }

        static String encode(ClientMessage message) {
            if (message instanceof ClientMessage.Ping) {
                return "{}";
            }
            StringWriter text = new StringWriter();
            try (JsonGenerator json = JSON.createGenerator(text)) {
                json.writeStartObject();
                if (message instanceof ClientMessage.Hello hello) {
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
                } else if (message instanceof ClientMessage.Register register) {
                    json.writeStringField("messageType", "register");
                    if (register.channelId().isPresent()) {
                        json.writeStringField("channelID", register.channelId().get());
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
                    json.writeEndArray();
                } else {
                    throw new IllegalArgumentException("unknown client message " + message);
                }
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return text.toString();
        }

        /**
         * The server message of a text frame.
         *
         * @throws IllegalArgumentException if the frame is not a message of the profile
         */
        static ServerMessage decode(String frame) {
            Map<String, Object> object = asObject(parse(frame), "the message");
            if (object.isEmpty()) {
                return ServerMessage.Pong.INSTANCE;
            }
            Object type = object.get("messageType");
            if ("hello".equals(type)) {
                onlyFields(object, HELLO_FIELDS);
                Optional<Uaid> uaid = optionalString(object, "uaid").map(text -> {
                    if (Uaid.parse(text).isEmpty()) {
                        throw new IllegalArgumentException("P2.3: uaid is not 32 lowercase hex: " + text);
                    }
                    return new Uaid(text);
                });
                return new ServerMessage.HelloReply(uaid, status(object), error(object));
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
                onlyFields(object, ACK_FIELDS);
                return new ServerMessage.AckReply(status(object), error(object));
            }
            if ("notification".equals(type)) {
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
            throw new IllegalArgumentException("unknown messageType " + type);
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
        private static Map<String, Object> asObject(Object value, String what) {
            if (!(value instanceof Map)) {
                throw new IllegalArgumentException(what + " is not a JSON object");
            }
            return (Map<String, Object>) value;
        }

        /** One JSON value as maps, lists, strings, longs, doubles, booleans and nulls. */
        private static Object parse(String text) {
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

        private static Object read(JsonParser parser) throws IOException {
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
                    List<Object> array = new ArrayList<>();
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

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the operation failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete within " + IO_TIMEOUT, e);
        }
    }
}
