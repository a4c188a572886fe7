package dev.simplepush.transport.websocket;

import dev.simplepush.transport.websocket.internal.assets.WebAssets;
import dev.simplepush.transport.websocket.internal.device.Handshake;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.util.List;
import java.util.Set;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake push server whose every answer the test decides, to see what {@code simplepush.js} does with answers a
 * well-behaved server never sends (stale versions, unknown channels, a changed UAID, silence). Serves
 * {@code /simplepush.js} from the classpath, so pages that load it from here talk to this fake by default.
 *
 * <p>Hello is answered with {@link #uaid}; registers with {@code status 200} and {@code /update/<channelID>}
 * unless {@link #answerRegisters} is off; pings are never answered. Every message the page sends is kept for
 * {@link #next()}.
 */
final class ScriptedPushServer implements AutoCloseable {

    private static final Pattern CHANNEL_ID = Pattern.compile("\"channelID\":\"([^\"]+)\"");

    volatile String uaid = "0123456789abcdef0123456789abcdef";
    volatile boolean answerRegisters = true;

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final Undertow undertow;
    private volatile WebSocketChannel current;

    ScriptedPushServer() {
        byte[] script;
        try (InputStream in = WebAssets.class.getResourceAsStream("web/simplepush.js")) {
            script = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                // Chromium fails a connection whose offered sub-protocol is not echoed (P1.1).
                .setHandler(new WebSocketProtocolHandshakeHandler(
                        List.of(new Hybi13Handshake(Set.of(Handshake.SUB_PROTOCOL), false)),
                        (WebSocketConnectionCallback) (exchange, channel) -> {
                    current = channel;
                    channel.getReceiveSetter().set(new AbstractReceiveListener() {
                        @Override
                        protected void onFullTextMessage(WebSocketChannel socket, BufferedTextMessage message) {
                            received(socket, message.getData());
                        }
                    });
                    channel.resumeReceives();
                }, exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/javascript");
                    exchange.getResponseSender().send(ByteBuffer.wrap(script));
                }))
                .build();
        undertow.start();
    }

    int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    String scriptBase() {
        return "http://127.0.0.1:" + port();
    }

    /** The next message the page sent, e.g. a hello, a register, an ack, {@code {}}. */
    String next() {
        return next(BrowserPage.WAIT);
    }

    /** The next message the page sent within {@code timeout}. */
    String next(java.time.Duration timeout) {
        try {
            String message = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("the page sent nothing");
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next message of that type, skipping others. */
    String next(String messageType) {
        while (true) {
            String message = next();
            if (message.contains("\"messageType\":\"" + messageType + "\"")) {
                return message;
            }
        }
    }

    /** Sends a text frame to the page's current socket. */
    void send(String text) {
        WebSockets.sendText(text, current, null);
    }

    static String channelIdOf(String message) {
        Matcher matcher = CHANNEL_ID.matcher(message);
        if (!matcher.find()) {
            throw new AssertionError("no channelID in " + message);
        }
        return matcher.group(1);
    }

    String endpointOf(String channelId) {
        return scriptBase() + "/update/" + channelId;
    }

    private void received(WebSocketChannel socket, String text) {
        received.add(text);
        if (text.contains("\"messageType\":\"hello\"")) {
            WebSockets.sendText("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"status\":200}", socket, null);
        } else if (text.contains("\"messageType\":\"register\"") && answerRegisters) {
            String channelId = channelIdOf(text);
            WebSockets.sendText("{\"messageType\":\"register\",\"channelID\":\"" + channelId
                    + "\",\"status\":200,\"pushEndpoint\":\"" + endpointOf(channelId) + "\"}", socket, null);
        }
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
