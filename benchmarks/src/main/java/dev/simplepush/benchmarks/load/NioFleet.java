package dev.simplepush.benchmarks.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The device side on the load tool's own WebSocket client: plain NIO, one or two selector threads holding every
 * socket. A device's socket is a small {@link Conn} (no buffers while idle): each thread reads into one shared
 * buffer and writes from one shared buffer, and a connection keeps bytes only while a frame is incomplete
 * ({@code partial}) or the kernel did not take a whole write ({@code pendingOut}). The upgrade request is one
 * byte array per attempt (random {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Accept} verified); every client
 * frame is masked with a fresh random key (RFC 6455 5.3); messages are read and written by {@link PushJson}.
 */
final class NioFleet implements Fleet {

    /** The largest server frame accepted; the server's own limit for a notification with data is far below. */
    private static final int MAX_FRAME = 1 << 20;
    private static final int BUFFER = 64 * 1024;

    private final InetSocketAddress target;
    private final WsFrames.UpgradeTemplate upgrade;
    private final List<InetAddress> sources;
    private final AtomicInteger nextSource = new AtomicInteger();
    private final AtomicInteger nextThread = new AtomicInteger();
    private final Stats stats;
    private final Consumer<Device> onClosed;
    private final IoThread[] threads;

    /**
     * @param onClosed called on an I/O thread when an upgraded device's socket closes for any reason
     */
    NioFleet(URI uri, List<InetAddress> sources, int ioThreads, Stats stats, Consumer<Device> onClosed)
            throws IOException {
        this.target = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.upgrade = WsFrames.UpgradeTemplate.of(uri.getHost() + ":" + uri.getPort(),
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        this.sources = List.copyOf(sources);
        this.stats = stats;
        this.onClosed = onClosed;
        this.threads = new IoThread[Math.max(1, ioThreads)];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new IoThread("load-io-" + i);
        }
        for (IoThread t : threads) {
            t.thread.start();
        }
    }

    @Override
    public CompletionStage<Device> connect(Device device) {
        CompletableFuture<Device> ready = new CompletableFuture<>();
        device.ready = ready;
        device.state = Device.State.CONNECTING;
        stats.connectAttempts.increment();
        stats.firstConnectNanos.compareAndSet(0, System.nanoTime());
        InetAddress source = sources.isEmpty() ? null
                : sources.get(Math.floorMod(nextSource.getAndIncrement(), sources.size()));
        IoThread thread = threads[Math.floorMod(nextThread.getAndIncrement(), threads.length)];
        Conn conn = new Conn(thread, device, ready, source);
        thread.submit(conn::open);
        return ready.orTimeout(60, TimeUnit.SECONDS);
    }

    @Override
    public void drop(Device device) {
        if (device.connection instanceof Conn conn && device.state == Device.State.READY) {
            stats.drops.increment();
            device.dropping = true;
            conn.thread.submit(conn::close);
        }
    }

    @Override
    public void close() {
        for (IoThread t : threads) {
            t.stop();
        }
    }

    /** One selector thread, its shared buffers, and the tasks other threads hand it. */
    private final class IoThread implements Runnable {
        final Thread thread;
        final Selector selector;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final AtomicBoolean selecting = new AtomicBoolean();
        final ByteBuffer in = ByteBuffer.allocate(BUFFER);
        final byte[] outBytes = new byte[BUFFER];
        final ByteBuffer out = ByteBuffer.wrap(outBytes);
        /** Payload being built before it is masked into {@link #outBytes}. */
        byte[] scratch = new byte[BUFFER / 2];
        final MessageDigest sha1 = WsFrames.sha1();
        /** Set while frames of one read are handled: the time they arrived. */
        long now;
        volatile boolean stopped;

        IoThread(String name) throws IOException {
            selector = Selector.open();
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        void submit(Runnable task) {
            tasks.add(task);
            // Wake the selector only when it sleeps: a wakeup is a system call.
            if (selecting.get()) {
                selector.wakeup();
            }
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    selecting.set(true);
                    if (tasks.isEmpty()) {
                        selector.select(this::ready, 100);
                    } else {
                        selector.selectNow(this::ready);
                    }
                    selecting.set(false);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("WebSocket I/O thread stopped: " + e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    try {
                        key.channel().close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        private void ready(SelectionKey key) {
            Conn c = (Conn) key.attachment();
            try {
                int ops = key.readyOps();
                if ((ops & SelectionKey.OP_CONNECT) != 0) {
                    c.finishConnect();
                }
                if ((ops & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
                    c.flush();
                }
                if ((ops & SelectionKey.OP_READ) != 0 && key.isValid()) {
                    c.read();
                }
            } catch (IOException | WsFrames.ProtocolException | RuntimeException e) {
                c.fail(e);
            }
        }

        /** A scratch payload array of at least {@code size} bytes. */
        byte[] scratch(int size) {
            if (scratch.length < size) {
                scratch = new byte[Math.max(size, scratch.length * 2)];
            }
            return scratch;
        }

        void stop() {
            stopped = true;
            selector.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final int CONNECTING = 0;
    private static final int UPGRADING = 1;
    private static final int OPEN = 2;
    private static final int CLOSED = 3;

    /** One socket of one device. Touched only by its I/O thread (apart from the final fields). */
    private final class Conn implements WsFrames.Sink {
        final IoThread thread;
        final Device device;
        final CompletableFuture<Device> ready;
        private InetAddress source;
        private SocketChannel channel;
        private SelectionKey key;
        private int state = CONNECTING;
        /** The upgrade request while it is being sent, then the key's expected accept until the answer is in. */
        private byte[] upgradeRequest;
        private byte[] expectedAccept;
        /** Bytes of an incomplete frame (or upgrade answer) from the last read; null when there is none. */
        private byte[] partial;
        /** A text message whose fragments are still arriving; null when there is none. */
        private byte[] fragments;
        /** Bytes the kernel did not take yet; null when there are none. */
        private ByteBuffer pendingOut;
        private boolean counted;

        Conn(IoThread thread, Device device, CompletableFuture<Device> ready, InetAddress source) {
            this.thread = thread;
            this.device = device;
            this.ready = ready;
            this.source = source;
        }

        void open() {
            try {
                byte[] key64 = WsFrames.newKey(ThreadLocalRandom.current());
                upgradeRequest = upgrade.request(key64);
                expectedAccept = WsFrames.acceptFor(key64, thread.sha1);
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (source != null) {
                    channel.bind(new InetSocketAddress(source, 0));
                    source = null;
                }
                boolean connected = channel.connect(target);
                key = channel.register(thread.selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
                if (connected) {
                    connected();
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        void finishConnect() throws IOException {
            if (channel.finishConnect()) {
                connected();
            }
        }

        private void connected() throws IOException {
            state = UPGRADING;
            key.interestOps(SelectionKey.OP_READ);
            byte[] request = upgradeRequest;
            upgradeRequest = null;
            ByteBuffer out = thread.out;
            out.clear();
            System.arraycopy(request, 0, thread.outBytes, 0, request.length);
            out.limit(request.length);
            write(out);
        }

        /** Writes {@code out} (a thread buffer), keeping what the kernel does not take for OP_WRITE. */
        private void write(ByteBuffer out) throws IOException {
            if (pendingOut != null) {
                ByteBuffer both = ByteBuffer.allocate(pendingOut.remaining() + out.remaining());
                both.put(pendingOut).put(out).flip();
                pendingOut = both;
                return;
            }
            channel.write(out);
            if (out.hasRemaining()) {
                pendingOut = ByteBuffer.allocate(out.remaining());
                pendingOut.put(out).flip();
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
        }

        void flush() throws IOException {
            if (pendingOut != null) {
                channel.write(pendingOut);
                if (pendingOut.hasRemaining()) {
                    return;
                }
                pendingOut = null;
            }
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }

        /** Sends {@code scratch[0, length)} as one masked frame. */
        private void send(int opcode, byte[] payload, int length) throws IOException {
            ByteBuffer out = thread.out;
            byte[] bytes = thread.outBytes;
            if (WsFrames.headerLength(length) + length > bytes.length) {
                bytes = new byte[WsFrames.headerLength(length) + length];
                out = ByteBuffer.wrap(bytes);
            }
            int end = WsFrames.encode(bytes, 0, opcode, payload, 0, length, ThreadLocalRandom.current().nextInt());
            out.clear();
            out.limit(end);
            write(out);
        }

        void read() throws IOException, WsFrames.ProtocolException {
            ByteBuffer in = thread.in;
            in.clear();
            if (partial != null) {
                if (partial.length > in.capacity() / 2) {
                    in = ByteBuffer.allocate(partial.length * 2);
                }
                in.put(partial);
                partial = null;
            }
            int n = channel.read(in);
            if (n < 0) {
                close();
                return;
            }
            int length = in.position();
            byte[] bytes = in.array();
            int from = 0;
            if (state == UPGRADING) {
                from = WsFrames.upgradeAnswer(bytes, length, expectedAccept);
                if (from < 0) {
                    if (length > 8192) {
                        throw new WsFrames.ProtocolException("upgrade answer too long");
                    }
                    partial = Arrays.copyOf(bytes, length);
                    return;
                }
                expectedAccept = null;
                opened();
            }
            thread.now = System.nanoTime();
            int consumed = WsFrames.decode(bytes, from, length, MAX_FRAME, this);
            if (consumed < length && state == OPEN) {
                partial = Arrays.copyOfRange(bytes, consumed, length);
            }
        }

        private void opened() throws IOException {
            state = OPEN;
            device.connection = this;
            device.state = Device.State.HELLO_SENT;
            byte[] p = thread.scratch(512);
            send(WsFrames.TEXT, p, device.dialect == Dialect.WEBPUSH ? PushJson.webPushHello(p, 0, device.uaid)
                    : PushJson.hello(p, 0, device.uaid, device.channelIdBytes));
        }

        @Override
        public boolean frame(boolean fin, int opcode, byte[] bytes, int offset, int length) {
            if (state != OPEN) {
                return false;
            }
            try {
                switch (opcode) {
                    case WsFrames.TEXT -> {
                        if (fragments != null) {
                            throw new WsFrames.ProtocolException("text frame inside a fragmented message");
                        }
                        if (fin) {
                            message(bytes, offset, offset + length);
                        } else {
                            fragments = Arrays.copyOfRange(bytes, offset, offset + length);
                        }
                    }
                    case WsFrames.CONTINUATION -> {
                        if (fragments == null) {
                            throw new WsFrames.ProtocolException("continuation without a message");
                        }
                        byte[] all = Arrays.copyOf(fragments, fragments.length + length);
                        System.arraycopy(bytes, offset, all, fragments.length, length);
                        fragments = null;
                        if (fin) {
                            message(all, 0, all.length);
                        } else {
                            fragments = all;
                        }
                    }
                    case WsFrames.PING -> {
                        byte[] p = thread.scratch(length);
                        System.arraycopy(bytes, offset, p, 0, length);
                        send(WsFrames.PONG, p, length);
                    }
                    case WsFrames.PONG -> {
                        // unsolicited: ignored
                    }
                    case WsFrames.CLOSE -> {
                        // Echo the close frame, then drop the socket: the server ends the session on its frame.
                        byte[] p = thread.scratch(2);
                        int code = WsFrames.closeCode(bytes, offset, length);
                        int n = 0;
                        if (code != 1005) {
                            p[0] = (byte) (code >>> 8);
                            p[1] = (byte) code;
                            n = 2;
                        }
                        send(WsFrames.CLOSE, p, n);
                        close();
                        return false;
                    }
                    default -> throw new WsFrames.ProtocolException("binary frame");
                }
            } catch (IOException | WsFrames.ProtocolException | RuntimeException e) {
                stats.protocolErrors.increment();
                close();
                return false;
            }
            return state == OPEN;
        }

        private void message(byte[] b, int from, int to) throws IOException {
            switch (PushJson.type(b, from, to)) {
                case PushJson.NOTIFICATION -> {
                    if (device.dialect == Dialect.WEBPUSH) {
                        webPushNotification(b, from, to);
                    } else {
                        notification(b, from, to);
                    }
                }
                case PushJson.HELLO -> hello(PushJson.string(b, from, to, PushJson.UAID),
                        PushJson.number(b, from, to, PushJson.STATUS),
                        device.dialect != Dialect.WEBPUSH || PushJson.after(b, from, to, PushJson.USE_WEBPUSH) >= 0);
                case PushJson.REGISTER -> registered(PushJson.number(b, from, to, PushJson.STATUS),
                        PushJson.string(b, from, to, PushJson.PUSH_ENDPOINT));
                case PushJson.EMPTY -> {
                    // {} pong
                }
                default -> stats.protocolErrors.increment();
            }
        }

        /** {@code dialectAnswered}: false when a Web Push hello was answered without {@code use_webpush} (W1.2). */
        private void hello(String uaid, long status, boolean dialectAnswered) throws IOException {
            if (status != 200 || uaid == null || !dialectAnswered) {
                stats.protocolErrors.increment();
                close();
                return;
            }
            stats.helloAt(thread.now);
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
                byte[] p = thread.scratch(512);
                send(WsFrames.TEXT, p, PushJson.register(p, 0, device.channelIdBytes));
            } else {
                becomeReady();
            }
        }

        private void registered(long status, String endpoint) {
            if (status != 200 || endpoint == null) {
                stats.registerFailures.increment();
                close();
                return;
            }
            stats.registers.increment();
            device.endpoint = URI.create(endpoint);
            becomeReady();
        }

        private void becomeReady() {
            device.state = Device.State.READY;
            ready.complete(device);
        }

        private void notification(byte[] b, int from, int to) throws IOException {
            byte[] channelId = device.channelIdBytes;
            byte[] p = thread.scratch(4096);
            int n = PushJson.ackStart(p, 0);
            boolean any = false;
            boolean first = true;
            int at = PushJson.updatesFrom(b, from, to);
            while ((at = PushJson.after(b, at, to, PushJson.CHANNEL_ID)) >= 0) {
                int end = PushJson.stringEnd(b, at, to);
                if (end < 0) {
                    break;
                }
                any = true;
                boolean ours = end - at == channelId.length && PushJson.startsWith(b, at, to, channelId);
                int v = PushJson.after(b, end, to, PushJson.VERSION);
                long version = v < 0 ? -1 : PushJson.digits(b, v, to);
                at = v < 0 ? end : v;
                if (!ours || version < 0) {
                    stats.protocolErrors.increment();
                    continue;
                }
                stats.updatesReceived.increment();
                stats.received(device.ledger.received(version, thread.now));
                if (p.length - n < PushJson.maxAckUpdate(channelId.length) + 2) {
                    p = Arrays.copyOf(p, p.length * 2);
                }
                n = PushJson.ackUpdate(p, n, first, channelId, version);
                first = false;
            }
            if (!any) {
                stats.protocolErrors.increment();
                return;
            }
            stats.notifications.increment();
            n = PushJson.ackEnd(p, n);
            stats.acks.increment();
            send(WsFrames.TEXT, p, n);
        }

        /**
         * A Web Push notification (W5): one message, its body checked byte for byte, acked by its id with code 100,
         * or 101 (W8.1, "decryption failed") when the body is not the one sent.
         */
        private void webPushNotification(byte[] b, int from, int to) throws IOException {
            byte[] channelId = device.channelIdBytes;
            int at = PushJson.after(b, PushJson.updatesFrom(b, from, to), to, PushJson.CHANNEL_ID);
            int end = at < 0 ? -1 : PushJson.stringEnd(b, at, to);
            int id = end < 0 ? -1 : PushJson.after(b, end, to, PushJson.MESSAGE_ID);
            int idEnd = id < 0 ? -1 : PushJson.stringEnd(b, id, to);
            if (idEnd < 0 || end - at != channelId.length || !PushJson.startsWith(b, at, to, channelId)) {
                stats.protocolErrors.increment();
                return;
            }
            stats.notifications.increment();
            stats.updatesReceived.increment();
            int data = PushJson.after(b, idEnd, to, PushJson.DATA);
            long answer = data < 0 ? ChannelLedger.CORRUPT : webPushData(b, data, to);
            stats.received(answer);
            byte[] p = thread.scratch(PushJson.maxWebPushAck(channelId.length, idEnd - id));
            int n = PushJson.webPushAck(p, 0, channelId, b, id, idEnd, answer == ChannelLedger.CORRUPT ? 101 : 100);
            stats.acks.increment();
            send(WsFrames.TEXT, p, n);
        }

        /**
         * The ledger's answer for the body whose text (a JSON string, then the {@code aes128gcm} headers) starts at
         * {@code b[data]}. A body as sent is recognised as text against the device's {@link WebPushBody}; any other
         * text is decoded and compared byte for byte, which tells a corrupt body from a duplicate or unknown one.
         */
        private long webPushData(byte[] b, int data, int to) {
            WebPushBody body = device.webPushBody;
            int dataEnd = body == null ? -1 : body.textEnd(b, data, to);
            if (dataEnd >= 0 && PushJson.after(b, dataEnd, to, PushJson.AES128GCM) >= 0) {
                return device.ledger.received(thread.now, WebPushBody.version(b, data), body);
            }
            dataEnd = PushJson.stringEnd(b, data, to);
            if (dataEnd < 0 || PushJson.after(b, dataEnd, to, PushJson.AES128GCM) < 0) {
                return ChannelLedger.CORRUPT;
            }
            byte[] p = thread.scratch(dataEnd - data);
            int length = PushJson.base64Url(b, data, dataEnd, p);
            return length < 0 ? ChannelLedger.CORRUPT : device.ledger.received(thread.now, p, 0, length);
        }

        void fail(Throwable cause) {
            if (state == CONNECTING || state == UPGRADING) {
                closeChannel();
                state = CLOSED;
                // Counted before the stage fails, so whoever waits on it sees the count and the state.
                if (!ready.isDone()) {
                    stats.connectFailures.increment();
                    device.state = Device.State.DISCONNECTED;
                    ready.completeExceptionally(cause);
                }
                return;
            }
            if (cause instanceof WsFrames.ProtocolException) {
                stats.protocolErrors.increment();
            }
            close();
        }

        /** Closes the socket (no close handshake) and, once upgraded, tells the fleet. Idempotent. */
        void close() {
            if (state == CLOSED) {
                return;
            }
            if (state != OPEN) {
                fail(new IOException("closed before the upgrade"));
                return;
            }
            state = CLOSED;
            closeChannel();
            partial = null;
            fragments = null;
            pendingOut = null;
            if (counted) {
                counted = false;
                stats.connected.decrementAndGet();
            }
            if (device.connection == this) {
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

        private void closeChannel() {
            if (key != null) {
                key.cancel();
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
