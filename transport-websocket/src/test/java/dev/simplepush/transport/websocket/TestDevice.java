package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A device over a real socket, using the JDK's WebSocket client. Received text messages queue up in order. */
public final class TestDevice implements WebSocket.Listener, AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Pattern UAID = Pattern.compile("\"uaid\":\"([0-9a-f]{32})\"");
    private static final Pattern ENDPOINT = Pattern.compile("\"pushEndpoint\":\"([^\"]+)\"");

    /** A close frame received from the server. */
    public record Close(int code, String reason) {
    }

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    public static TestDevice connect(URI uri, String... subprotocols) {
        return connect(CLIENT, uri, subprotocols);
    }

    /** A device connected through {@code client} (for example one that trusts a test certificate). */
    public static TestDevice connect(HttpClient client, URI uri, String... subprotocols) {
        TestDevice device = new TestDevice();
        WebSocket.Builder builder = client.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        device.socket = TestServer.join(builder.buildAsync(uri, device));
        return device;
    }

    public WebSocket socket() {
        return socket;
    }

    public void send(String text) {
        TestServer.join(socket.sendText(text, true));
    }

    public void sendBinary(byte[] bytes) {
        TestServer.join(socket.sendBinary(ByteBuffer.wrap(bytes), true));
    }

    /** The next text message; fails if none arrives in time. */
    public String next() {
        try {
            String message = messages.poll(TestServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).as("a message from the server").isNotNull();
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The close frame the server sent; fails if the socket is not closed in time. */
    public Close awaitClose() {
        return TestServer.join(closed);
    }

    /** Whether the socket was closed (by a close frame or a failure). */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** Says hello as a new device; returns the UAID. */
    public String hello() {
        send("{\"messageType\":\"hello\"}");
        String reply = next();
        assertThat(reply).startsWith("{\"messageType\":\"hello\",\"uaid\":\"").endsWith("\"status\":200}");
        return uaidOf(reply);
    }

    /** Registers a fresh channel; returns its endpoint. */
    public Registration register() {
        String channel = UUID.randomUUID().toString();
        send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
        String reply = next();
        assertThat(reply).startsWith("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\",\"status\":200,");
        Matcher endpoint = ENDPOINT.matcher(reply);
        assertThat(endpoint.find()).as("pushEndpoint in " + reply).isTrue();
        return new Registration(channel, URI.create(endpoint.group(1)));
    }

    public record Registration(String channelId, URI endpoint) {
    }

    public static String uaidOf(String helloReply) {
        Matcher matcher = UAID.matcher(helloReply);
        assertThat(matcher.find()).as("uaid in " + helloReply).isTrue();
        return matcher.group(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    @Override
    public void close() {
        try {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TestServer.TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        } catch (Exception alreadyGone) {
            // The server may have closed the socket first.
        } finally {
            socket.abort();
        }
    }
}
