package dev.simplepush.transport.websocket.testing;

import static dev.simplepush.transport.websocket.testing.WireHarness.IO_TIMEOUT;
import static dev.simplepush.transport.websocket.testing.WireHarness.await;

import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.testing.ClientInbox;
import dev.simplepush.core.testing.ProtocolClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A device on a JDK {@link WebSocket}: text frames in and out, the JSON mapped by {@link WireJson}. Every frame the
 * server sends is decoded strictly; one the profile does not allow makes the next read fail. Raw frames are
 * supported, and the text of each received frame is kept ({@link #lastFrameText()}).
 *
 * <p>Thread-safe.
 */
public final class WireClient implements ProtocolClient, WebSocket.Listener {

    private final ClientInbox inbox = new ClientInbox();
    private final StringBuilder partial = new StringBuilder();
    private volatile @Nullable WebSocket socket;

    private WireClient() {
    }

    /**
     * Opens a WebSocket to {@code url}, offering {@code subprotocols} (none if empty), and returns once it is open.
     *
     * @throws AssertionError if the handshake fails or takes longer than a few seconds
     */
    public static WireClient connect(HttpClient http, URI url, List<String> subprotocols) {
        WireClient client = new WireClient();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(IO_TIMEOUT);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0),
                    subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        client.socket = await(builder.buildAsync(url, client));
        return client;
    }

    private WebSocket socket() {
        WebSocket open = socket;
        if (open == null) {
            throw new IllegalStateException("not connected");
        }
        return open;
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
        await(socket().sendText(frame, true));
    }

    @Override
    public synchronized void sendBinary(byte[] frame) {
        requireOpen();
        await(socket().sendBinary(ByteBuffer.wrap(frame), true));
    }

    private void requireOpen() {
        if (socket().isOutputClosed()) {
            throw new AssertionError("cannot send: the connection is closed");
        }
    }

    @Override
    public Optional<String> subprotocol() {
        String selected = socket().getSubprotocol();
        return selected == null || selected.isEmpty() ? Optional.empty() : Optional.of(selected);
    }

    @Override
    public Optional<ServerMessage> poll(Duration timeout) {
        return inbox.poll(timeout);
    }

    @Override
    public Optional<String> lastFrameText() {
        return inbox.lastText();
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
        WebSocket open = socket();
        if (!open.isOutputClosed()) {
            try {
                await(open.sendClose(WebSocket.NORMAL_CLOSURE, ""));
            } catch (AssertionError alreadyClosing) {
                open.abort();
            }
        }
        if (inbox.awaitClose(IO_TIMEOUT).isEmpty()) {
            open.abort();
            inbox.closed(1006);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            try {
                inbox.add(WireJson.decode(frame), frame);
            } catch (IllegalArgumentException e) {
                inbox.violation("the server sent a message the profile does not allow: " + e.getMessage()
                        + " in " + frame);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        inbox.violation("P1.2: the server sent a binary frame");
        webSocket.request(1);
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        inbox.closed(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        inbox.closed(1006);
    }
}
