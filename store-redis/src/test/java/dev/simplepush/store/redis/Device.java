package dev.simplepush.store.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SimplePush device for multi-node tests, on the JDK's WebSocket client. It reads replies with a few regular
 * expressions, which is enough for the server's own compact JSON.
 */
final class Device implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern UAID = Pattern.compile("\"uaid\":\"([0-9a-f]{32})\"");
    private static final Pattern STATUS = Pattern.compile("\"status\":(\\d+)");
    private static final Pattern ENDPOINT = Pattern.compile("\"pushEndpoint\":\"([^\"]+)\"");
    private static final Pattern MESSAGE_ID = Pattern.compile("\"version\":\"([A-Za-z0-9_-]+)\"");

    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final List<String> notifications = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private Device(URI uri) {
        socket = HTTP.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    inbox.add(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(-1);
            }
        }).join();
    }

    static Device connect(URI uri) {
        return new Device(uri);
    }

    /** Says hello as a new device; returns the minted UAID. */
    String hello() {
        send("{\"messageType\":\"hello\",\"channelIDs\":[]}");
        return helloReply();
    }

    /** Says hello as a known device with its channels; returns the UAID the server answered. */
    String hello(String uaid, List<String> channels) {
        List<String> quoted = new ArrayList<>();
        channels.forEach(channel -> quoted.add("\"" + channel + "\""));
        send("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":" + quoted + "}");
        return helloReply();
    }

    /** Says hello in the Web Push dialect (W1.1), as a new device or with {@code uaid}; returns the UAID answered. */
    String helloWebPush(Optional<String> uaid) {
        send("{\"messageType\":\"hello\",\"use_webpush\":true,\"broadcasts\":{}"
                + uaid.map(u -> ",\"uaid\":\"" + u + "\"").orElse("") + "}");
        String reply = next("hello");
        if (!reply.contains("\"use_webpush\":true")) {
            throw new AssertionError("not a Web Push hello reply: " + reply);
        }
        Matcher answered = UAID.matcher(reply);
        if (!answered.find()) {
            throw new AssertionError("no UAID in " + reply);
        }
        return answered.group(1);
    }

    /**
     * Waits for a Web Push notification (W5.1) of {@code channel} whose data is {@code data} (base64url), skipping
     * others; returns its message id.
     */
    String awaitMessage(String channel, String data) {
        String wanted = "\"channelID\":\"" + channel + "\"";
        String body = "\"data\":\"" + data + "\"";
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> message = poll(Duration.ofNanos(deadline - System.nanoTime()));
            if (message.isPresent() && message.get().contains(wanted) && message.get().contains(body)) {
                Matcher version = MESSAGE_ID.matcher(message.get());
                if (!version.find()) {
                    throw new AssertionError("no message id in " + message.get());
                }
                return version.group(1);
            }
        }
        throw new AssertionError("no message " + data + " for " + channel + " within " + WAIT);
    }

    /** Sends a hello and returns the reply's status, for hellos that fail. */
    int helloStatus() {
        send("{\"messageType\":\"hello\",\"channelIDs\":[]}");
        String reply = next("hello");
        Matcher status = STATUS.matcher(reply);
        if (!status.find()) {
            throw new AssertionError("no status in " + reply);
        }
        return Integer.parseInt(status.group(1));
    }

    private String helloReply() {
        String reply = next("hello");
        Matcher uaid = UAID.matcher(reply);
        if (!uaid.find() || !reply.contains("\"status\":200")) {
            throw new AssertionError("not a successful hello reply: " + reply);
        }
        return uaid.group(1);
    }

    /** Registers a fresh channel; returns its ID and endpoint. */
    Registration register() {
        String channel = UUID.randomUUID().toString();
        send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
        String reply = next("register");
        Matcher endpoint = ENDPOINT.matcher(reply);
        if (!endpoint.find()) {
            throw new AssertionError("not a successful register reply: " + reply);
        }
        return new Registration(channel, URI.create(endpoint.group(1)));
    }

    /** Waits for a notification that carries {@code version} for {@code channel}, skipping others. */
    void awaitUpdate(String channel, long version) {
        String wanted = "{\"channelID\":\"" + channel + "\",\"version\":" + version;
        // One notification may batch several updates, so every one seen stays searchable.
        if (notifications.stream().anyMatch(seen -> seen.contains(wanted))) {
            return;
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> message = poll(Duration.ofNanos(deadline - System.nanoTime()));
            if (message.isPresent() && message.get().contains("\"notification\"")) {
                notifications.add(message.get());
                if (message.get().contains(wanted)) {
                    return;
                }
            }
        }
        throw new AssertionError("no update " + channel + "@" + version + " within " + WAIT);
    }

    void ack(String channel, long version) {
        send("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + channel + "\",\"version\":" + version
                + "}]}");
    }

    /** The next message, if one arrives in time. */
    Optional<String> poll(Duration timeout) {
        try {
            return Optional.ofNullable(inbox.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The close code, if the server closes the socket in time. */
    OptionalInt awaitClose(Duration timeout) {
        try {
            return OptionalInt.of(closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            return OptionalInt.empty();
        }
    }

    private String next(String what) {
        return poll(WAIT).orElseThrow(() -> new AssertionError("no " + what + " reply within " + WAIT));
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Drops the connection at once, without a close handshake, as a device that loses its network does. */
    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(failure -> null);
            awaitClose(WAIT);
        }
        socket.abort();
    }

    /** A registered channel and its endpoint. */
    record Registration(String channel, URI endpoint) {
    }
}
