package dev.simplepush.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lean HTTP/1.1 client for PUTs: one selector thread, at most {@code maxInFlight} keep-alive connections each
 * carrying one request at a time, every request written in one segment. It understands exactly what an endpoint
 * answers (a status line, {@code Content-Length} or chunked bodies, {@code Connection: close}); it is a load
 * generator, not a general client.
 *
 * <p>Thread-safe: {@link #put} from one driver thread; everything else happens on the selector thread.
 */
final class NioPutClient implements PutClient {

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private record Request(Device device, long version, long startNanos, byte[] bytes, InetSocketAddress target) {
    }

    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Stats stats;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final AtomicBoolean selecting = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean closed;

    NioPutClient(int maxInFlight, Stats stats) throws IOException {
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.stats = stats;
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, "load-http");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean put(Device device, String data) throws InterruptedException {
        URI endpoint = device.endpoint;
        if (endpoint == null) {
            return false;
        }
        if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
            return false;
        }
        long start = System.nanoTime();
        long version = device.ledger.send(start);
        String body = data.isEmpty() ? "version=" + version : "version=" + version + "&data=" + data;
        String path = endpoint.getRawPath() + (endpoint.getRawQuery() == null ? "" : "?" + endpoint.getRawQuery());
        int port = endpoint.getPort() == -1 ? 80 : endpoint.getPort();
        String head = "PUT " + path + " HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + port
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body;
        stats.puts.increment();
        queue.add(new Request(device, version, start, head.getBytes(StandardCharsets.US_ASCII),
                new InetSocketAddress(endpoint.getHost(), port)));
        // Wake the selector only when it sleeps: a wakeup is a system call, and it is busy at high rates anyway.
        if (selecting.get()) {
            selector.wakeup();
        }
        return true;
    }

    @Override
    public boolean awaitAnswers(Duration timeout) throws InterruptedException {
        if (inFlight.tryAcquire(maxInFlight, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            inFlight.release(maxInFlight);
            return true;
        }
        return false;
    }

    private void loop() {
        try {
            while (!closed) {
                dispatch();
                selecting.set(true);
                if (queue.isEmpty()) {
                    selector.select(100);
                } else {
                    selector.selectNow();
                }
                selecting.set(false);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Connection c = (Connection) key.attachment();
                    try {
                        if (key.isValid() && key.isConnectable()) {
                            c.finishConnect();
                        }
                        if (key.isValid() && key.isWritable()) {
                            c.write();
                        }
                        if (key.isValid() && key.isReadable()) {
                            c.read();
                        }
                    } catch (IOException | RuntimeException e) {
                        c.fail();
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("PUT client stopped: " + e);
        }
    }

    private void dispatch() {
        Request request;
        while ((request = queue.poll()) != null) {
            Connection c = idle.pollFirst();
            try {
                if (c == null) {
                    c = new Connection(request.target());
                }
                c.start(request);
            } catch (IOException e) {
                finish(request, -1);
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    private void finish(Request request, int status) {
        inFlight.release();
        if (status < 0) {
            stats.putErrors.increment();
            request.device().ledger.failed(request.version());
            return;
        }
        stats.recordPut(System.nanoTime() - request.startNanos());
        if (status == 200) {
            stats.put200.increment();
        } else if (status == 202) {
            stats.put202.increment();
        } else {
            stats.putOther.increment();
        }
        request.device().ledger.answered(request.version(), status);
    }

    /** One keep-alive connection, one request at a time. */
    private final class Connection {
        private final SocketChannel channel;
        private final SelectionKey key;
        private final ByteBuffer in = ByteBuffer.allocate(8192);
        private ByteBuffer out;
        private Request current;
        private boolean connected;

        Connection(InetSocketAddress target) throws IOException {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connected = channel.connect(target);
            key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
        }

        void start(Request request) throws IOException {
            current = request;
            out = ByteBuffer.wrap(request.bytes());
            in.clear();
            if (connected) {
                write();
            }
        }

        void finishConnect() throws IOException {
            if (channel.finishConnect()) {
                connected = true;
                key.interestOps(0);
                if (current != null) {
                    write();
                }
            }
        }

        void write() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void read() throws IOException {
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("closed by server");
            }
            Response response = Response.parse(in.array(), in.position());
            if (response == null) {
                if (!in.hasRemaining()) {
                    throw new IOException("response too large");
                }
                return;
            }
            Request done = current;
            current = null;
            key.interestOps(0);
            finish(done, response.status());
            if (response.close()) {
                close();
            } else {
                idle.addLast(this);
            }
        }

        void fail() {
            Request failed = current;
            current = null;
            close();
            if (failed != null) {
                finish(failed, -1);
            }
        }

        void close() {
            idle.remove(this);
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A complete response's status and whether the server closes the connection after it. */
    record Response(int status, boolean close) {

        /** Parses a response from the first {@code length} bytes; null while it is incomplete. */
        static Response parse(byte[] bytes, int length) {
            int headerEnd = indexOf(bytes, length, HEADER_END, 0);
            if (headerEnd < 0) {
                return null;
            }
            String head = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(head.substring(9, 12));
            long contentLength = -1;
            boolean chunked = false;
            boolean close = false;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close");
                    default -> { }
                }
            }
            int bodyStart = headerEnd + HEADER_END.length;
            if (chunked) {
                byte[] last = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                int end = indexOf(bytes, length, last, bodyStart);
                return end < 0 ? null : new Response(status, close);
            }
            if (contentLength < 0) {
                contentLength = 0;
            }
            return length - bodyStart >= contentLength ? new Response(status, close) : null;
        }

        private static int indexOf(byte[] bytes, int length, byte[] pattern, int from) {
            outer:
            for (int i = from; i <= length - pattern.length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (bytes[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2_000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
