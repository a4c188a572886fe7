package dev.simplepush.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Behaves like Gecko's push client on a cellular network (protocol-survey §7.1): it opens a UDP socket before
 * hello and advertises it as {@code wakeup_hostport} with its {@code mobilenetwork}; after the server closes
 * with 4774 it does not reconnect, but any datagram on its UDP port makes it reopen the WebSocket and say hello
 * with its UAID and channels. Any other close is not retried here (tests drive reconnects explicitly).
 */
final class GeckoSimulator implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Pattern UAID = Pattern.compile("\"uaid\":\"([0-9a-f]{32})\"");
    private static final Pattern ENDPOINT = Pattern.compile("\"pushEndpoint\":\"([^\"]+)\"");

    /** A close frame from the server. */
    record Close(int code, String reason) {
    }

    private final URI server;
    private final String mobileNetwork;
    private final DatagramChannel udp;
    private final Thread listener;
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> helloReplies = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> datagrams = new LinkedBlockingQueue<>();
    private final List<String> channelIds = new CopyOnWriteArrayList<>();
    private final List<Long> datagramNanos = new CopyOnWriteArrayList<>();
    private volatile @Nullable String uaid;
    private volatile @Nullable WebSocket socket;
    private volatile CompletableFuture<Close> closed = new CompletableFuture<>();
    private volatile boolean answersWakeups = true;
    private volatile String advertisedHostport;

    /**
     * @param mobileNetwork the {@code mobilenetwork} JSON object to send, e.g. {@code {"mcc":"214","mnc":"07"}}
     */
    GeckoSimulator(URI server, String mobileNetwork) throws IOException {
        this.server = server;
        this.mobileNetwork = mobileNetwork;
        udp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        advertisedHostport = "{\"ip\":\"127.0.0.1\",\"port\":" + udpPort() + "}";
        listener = new Thread(this::listen, "gecko-simulator-udp");
        listener.setDaemon(true);
        listener.start();
    }

    int udpPort() {
        try {
            return ((InetSocketAddress) udp.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Advertises another {@code wakeup_hostport} JSON object (or none, with {@code null}) in later hellos. */
    void advertise(@Nullable String hostport) {
        advertisedHostport = hostport;
    }

    /** When false, the device ignores wake-ups (out of coverage) but still records the datagrams. */
    void answerWakeups(boolean answer) {
        answersWakeups = answer;
    }

    /** Opens the WebSocket and says hello (with its UAID and channels once it has them); returns the reply. */
    String connectAndHello() {
        connect();
        String reply = nextHelloReply();
        Matcher matcher = UAID.matcher(reply);
        assertThat(matcher.find()).as("uaid in " + reply).isTrue();
        uaid = matcher.group(1);
        return reply;
    }

    /** Opens the WebSocket and sends hello; the reply is left for {@link #nextHelloReply()}. */
    synchronized void connect() {
        closed = new CompletableFuture<>();
        CompletableFuture<Close> myClose = closed;
        WebSocket.Listener frames = new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    // Hello replies apart, so a wake-up's reconnect on the UDP thread cannot race a test's next().
                    (text.startsWith("{\"messageType\":\"hello\"") ? helloReplies : messages).add(text);
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                myClose.complete(new Close(statusCode, reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                myClose.completeExceptionally(error);
            }
        };
        WebSocket opened = WakeupServer.join(CLIENT.newWebSocketBuilder().buildAsync(server, frames));
        socket = opened;
        StringBuilder hello = new StringBuilder("{\"messageType\":\"hello\"");
        String known = uaid;
        if (known != null) {
            hello.append(",\"uaid\":\"").append(known).append('"');
        }
        hello.append(",\"channelIDs\":[");
        for (int i = 0; i < channelIds.size(); i++) {
            hello.append(i == 0 ? "\"" : ",\"").append(channelIds.get(i)).append('"');
        }
        hello.append(']');
        String hostport = advertisedHostport;
        if (hostport != null) {
            hello.append(",\"wakeup_hostport\":").append(hostport).append(",\"mobilenetwork\":").append(mobileNetwork);
        }
        hello.append('}');
        send(hello.toString());
    }

    Optional<String> uaid() {
        return Optional.ofNullable(uaid);
    }

    /** Registers a fresh channel; returns its endpoint. */
    URI register() {
        String channel = UUID.randomUUID().toString();
        send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
        String reply = next();
        Matcher endpoint = ENDPOINT.matcher(reply);
        assertThat(endpoint.find()).as("pushEndpoint in " + reply).isTrue();
        channelIds.add(channel);
        return URI.create(endpoint.group(1));
    }

    String channel(int index) {
        return channelIds.get(index);
    }

    void send(String text) {
        WebSocket open = socket;
        assertThat(open).as("an open socket").isNotNull();
        WakeupServer.join(open.sendText(text, true).toCompletableFuture());
    }

    /** The next text frame; fails if none arrives in time. */
    String next() {
        String message = poll(messages, WakeupServer.TIMEOUT);
        assertThat(message).as("a message from the server").isNotNull();
        return message;
    }

    /** The next hello reply (of this or a later connection); fails if none arrives in time. */
    String nextHelloReply() {
        String message = poll(helloReplies, WakeupServer.TIMEOUT);
        assertThat(message).as("a hello reply from the server").isNotNull();
        return message;
    }

    /** The close frame of the current connection; fails if it does not come in time. */
    Close awaitClose() {
        return WakeupServer.join(closed);
    }

    /** Whether the current connection was closed by now. */
    boolean isClosed() {
        return closed.isDone();
    }

    /** Closes the current socket from the device side (a drop, not 4774). */
    void disconnect() {
        WebSocket open = socket;
        if (open != null) {
            WakeupServer.join(open.sendClose(WebSocket.NORMAL_CLOSURE, "bye").toCompletableFuture());
            awaitClose();
        }
    }

    /** The next datagram's payload within {@code wait}, or {@code null}. */
    @Nullable String datagram(Duration wait) {
        return poll(datagrams, wait);
    }

    /** When each datagram arrived ({@link System#nanoTime()}), in order: back-off gaps without test-thread lag. */
    List<Long> datagramArrivals() {
        return List.copyOf(datagramNanos);
    }

    private void listen() {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        while (true) {
            try {
                buffer.clear();
                udp.receive(buffer);
                buffer.flip();
                datagramNanos.add(System.nanoTime());
                datagrams.add(StandardCharsets.US_ASCII.decode(buffer).toString());
                // Gecko: any datagram wakes a device whose socket was closed with 4774.
                CompletableFuture<Close> current = closed;
                if (answersWakeups && current.isDone() && !current.isCompletedExceptionally()
                        && current.join().code() == 4774) {
                    connect();
                }
            } catch (ClosedChannelException stop) {
                return;
            } catch (IOException | RuntimeException | AssertionError e) {
                messages.add("simulator failure: " + e);
            }
        }
    }

    private static @Nullable String poll(BlockingQueue<String> queue, Duration wait) {
        try {
            return queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws IOException {
        udp.close();
        WebSocket open = socket;
        if (open != null) {
            open.abort();
        }
    }
}
