package dev.simplepush.benchmarks.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.websockets.client.WebSocketClient;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The device side on Undertow's WebSocket client over XNIO ({@code --ws-client undertow}), kept to compare with
 * {@link NioFleet}: WebSockets on Undertow's client over XNIO, so a fixed number of I/O threads (no thread per
 * connection) hold every socket, with small pooled buffers that idle sockets do not pin. Each device says
 * hello, registers its channel once, acks every notification, and on reconnect says hello with its UAID and
 * channelID (P2.4).
 *
 * <p>Thread-safe. {@link #close()} closes every socket and stops the I/O threads.
 */
final class UndertowFleet implements Fleet {

    private static final JsonFactory JSON = new JsonFactory();
    private static final OptionMap SOCKET_OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);

    private final URI uri;
    private final List<InetAddress> sources;
    private final AtomicInteger nextSource = new AtomicInteger();
    private final Stats stats;
    private final XnioWorker worker;
    private final ByteBufferPool buffers;
    private final Consumer<Device> onClosed;

    /**
     * @param onClosed called on an I/O thread when a ready or connecting device's socket closes for any reason
     */
    UndertowFleet(URI uri, List<InetAddress> sources, int ioThreads, Stats stats, Consumer<Device> onClosed)
            throws IOException {
        this.uri = uri;
        this.sources = List.copyOf(sources);
        this.stats = stats;
        this.onClosed = onClosed;
        this.worker = Xnio.getInstance(UndertowFleet.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.WORKER_TASK_CORE_THREADS, 1)
                .set(Options.WORKER_TASK_MAX_THREADS, 2)
                .set(Options.TCP_NODELAY, true)
                .set(Options.WORKER_NAME, "load-io")
                .getMap());
        // Small heap buffers: a WebSocket frame here is under 300 bytes, and buffers go back to the pool
        // between frames, so 15k idle sockets pin none.
        this.buffers = new DefaultByteBufferPool(false, 2048, 256, 8);
    }

    /**
     * Connects the device, says hello (with its UAID and channel if it has them) and registers its channel if it
     * has no endpoint yet. The stage completes with the device when it is ready, or fails.
     */
    @Override
    public CompletionStage<Device> connect(Device device) {
        CompletableFuture<Device> ready = new CompletableFuture<>();
        device.ready = ready;
        device.state = Device.State.CONNECTING;
        stats.connectAttempts.increment();
        stats.firstConnectNanos.compareAndSet(0, System.nanoTime());
        WebSocketClient.ConnectionBuilder builder = WebSocketClient.connectionBuilder(worker, buffers, uri)
                .setOptionMap(SOCKET_OPTIONS);
        if (!sources.isEmpty()) {
            InetAddress source = sources.get(Math.floorMod(nextSource.getAndIncrement(), sources.size()));
            builder.setBindAddress(new InetSocketAddress(source, 0));
        }
        IoFuture<WebSocketChannel> future;
        try {
            future = builder.connect();
        } catch (RuntimeException e) {
            failed(device, ready, e);
            return ready;
        }
        future.addNotifier(new IoFuture.HandlingNotifier<WebSocketChannel, Device>() {
            @Override
            public void handleDone(WebSocketChannel channel, Device attachment) {
                opened(attachment, channel, ready);
            }

            @Override
            public void handleFailed(IOException exception, Device attachment) {
                failed(attachment, ready, exception);
            }

            @Override
            public void handleCancelled(Device attachment) {
                failed(attachment, ready, new IOException("cancelled"));
            }
        }, device);
        return ready.orTimeout(60, TimeUnit.SECONDS);
    }

    /** Drops the device's socket without a close handshake, as a phone losing its network does. */
    @Override
    public void drop(Device device) {
        WebSocketChannel channel = device.connection instanceof WebSocketChannel c ? c : null;
        if (channel != null && device.state == Device.State.READY) {
            stats.drops.increment();
            device.dropping = true;
            IoUtils.safeClose(channel);
        }
    }

    private void failed(Device device, CompletableFuture<Device> ready, Throwable cause) {
        // Undertow may report one failed connect twice; count it once.
        if (ready.completeExceptionally(cause)) {
            stats.connectFailures.increment();
            device.state = Device.State.DISCONNECTED;
        }
    }

    private void opened(Device device, WebSocketChannel channel, CompletableFuture<Device> ready) {
        Connection connection = new Connection(device, channel, ready);
        device.connection = channel;
        channel.getReceiveSetter().set(connection);
        channel.getCloseSetter().set(c -> connection.closed());
        channel.resumeReceives();
        device.state = Device.State.HELLO_SENT;
        String uaid = device.uaid;
        String hello = uaid == null
                ? "{\"messageType\":\"hello\",\"channelIDs\":[]}"
                : "{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[\"" + device.channelId + "\"]}";
        WebSockets.sendText(hello, channel, null);
    }

    /** One socket of one device: its receive listener. */
    private final class Connection extends AbstractReceiveListener {
        private final Device device;
        private final WebSocketChannel channel;
        private final CompletableFuture<Device> ready;
        private boolean counted;

        Connection(Device device, WebSocketChannel channel, CompletableFuture<Device> ready) {
            this.device = device;
            this.channel = channel;
            this.ready = ready;
        }

        @Override
        protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
            long now = System.nanoTime();
            try {
                handle(message.getData(), now);
            } catch (IOException | RuntimeException e) {
                stats.protocolErrors.increment();
                IoUtils.safeClose(ch);
            }
        }

        private void handle(String text, long now) throws IOException {
            String type = null;
            String uaid = null;
            int status = 0;
            String endpoint = null;
            List<String> channels = null;
            List<Long> versions = null;
            try (JsonParser json = JSON.createParser(text)) {
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("not an object");
                }
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String name = json.currentName();
                    json.nextToken();
                    switch (name) {
                        case "messageType" -> type = json.getText();
                        case "uaid" -> uaid = json.getText();
                        case "status" -> status = json.getIntValue();
                        case "pushEndpoint" -> endpoint = json.getText();
                        case "updates" -> {
                            channels = new ArrayList<>(1);
                            versions = new ArrayList<>(1);
                            while (json.nextToken() == JsonToken.START_OBJECT) {
                                String channelId = null;
                                long version = -1;
                                while (json.nextToken() == JsonToken.FIELD_NAME) {
                                    String field = json.currentName();
                                    json.nextToken();
                                    if (field.equals("channelID")) {
                                        channelId = json.getText();
                                    } else if (field.equals("version")) {
                                        version = json.getLongValue();
                                    } else {
                                        json.skipChildren();
                                    }
                                }
                                channels.add(channelId);
                                versions.add(version);
                            }
                        }
                        default -> json.skipChildren();
                    }
                }
            }
            if (type == null) {
                return; // {} pong
            }
            switch (type) {
                case "hello" -> hello(uaid, status, now);
                case "register" -> registered(status, endpoint);
                case "notification" -> notification(channels, versions, now);
                default -> stats.protocolErrors.increment();
            }
        }

        private void hello(String uaid, int status, long now) {
            if (status != 200 || uaid == null) {
                stats.protocolErrors.increment();
                IoUtils.safeClose(channel);
                return;
            }
            stats.helloAt(now);
            counted = true;
            stats.connected.incrementAndGet();
            String previous = device.uaid;
            if (previous != null && !previous.equals(uaid)) {
                // P2.4: the server forgot the device; its endpoint is dead and it must register again.
                stats.resets.increment();
                device.endpoint = null;
            }
            device.uaid = uaid;
            if (device.endpoint == null) {
                device.state = Device.State.REGISTERING;
                WebSockets.sendText("{\"messageType\":\"register\",\"channelID\":\"" + device.channelId + "\"}",
                        channel, null);
            } else {
                becomeReady();
            }
        }

        private void registered(int status, String endpoint) {
            if (status != 200 || endpoint == null) {
                stats.registerFailures.increment();
                IoUtils.safeClose(channel);
                return;
            }
            stats.registers.increment();
            device.endpoint = URI.create(endpoint);
            becomeReady();
        }

        private void becomeReady() {
            if (device.connection == channel) {
                device.state = Device.State.READY;
            }
            ready.complete(device);
        }

        private void notification(List<String> channels, List<Long> versions, long now) {
            if (channels == null || channels.isEmpty()) {
                stats.protocolErrors.increment();
                return;
            }
            stats.notifications.increment();
            StringBuilder ack = new StringBuilder(96 * channels.size()).append("{\"messageType\":\"ack\",\"updates\":[");
            for (int i = 0; i < channels.size(); i++) {
                String channelId = channels.get(i);
                long version = versions.get(i);
                if (!device.channelId.equals(channelId)) {
                    stats.protocolErrors.increment();
                    continue;
                }
                stats.updatesReceived.increment();
                stats.received(device.ledger.received(version, now));
                if (i > 0) {
                    ack.append(',');
                }
                ack.append("{\"channelID\":\"").append(channelId).append("\",\"version\":").append(version).append('}');
            }
            ack.append("]}");
            stats.acks.increment();
            WebSockets.sendText(ack.toString(), channel, null);
        }

        void closed() {
            if (counted) {
                counted = false;
                stats.connected.decrementAndGet();
            }
            if (device.connection == channel) {
                if (!device.dropping) {
                    stats.closedByServer.increment();
                }
                device.dropping = false;
                device.connection = null;
                device.state = Device.State.DISCONNECTED;
                if (!ready.isDone()) {
                    ready.completeExceptionally(new IOException("closed before ready"));
                }
                onClosed.accept(device);
            }
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
