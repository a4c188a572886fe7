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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A lean HTTP/1.1 client for the app server's requests: {@code PUT version=N} to SimplePush endpoints (P4.1), and to
 * Web Push endpoints a {@code POST} of an opaque body with {@code TTL} and {@code Content-Encoding: aes128gcm} (W6;
 * the body is the device's random template with the message's version in its first bytes, see {@link WebPushBody}).
 * At most {@code maxInFlight} keep-alive connections each carrying one request at a time. The driver thread writes
 * each request itself, in one segment, on an idle connection (no hand-over to another thread, no selector wakeup);
 * one selector thread reads the answers, with every connection registered for reads once and for good (no
 * {@code epoll_ctl} per request). A request is built as bytes from the device's cached request head. It understands
 * exactly what an endpoint answers (a status line, {@code Content-Length} or chunked bodies,
 * {@code Connection: close}); it is a load generator, not a general client.
 *
 * <p>Thread-safe: {@link #put} from one driver thread; answers are handled on the selector thread.
 */
final class NioPutClient implements PutClient {

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY_START = "\r\n\r\nversion=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "&data=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** W6.2: the TTL of every Web Push message, in seconds. */
    static final int TTL_SECONDS = 60;

    /** One PUT on its connection. */
    private record Request(Device device, long version, long startNanos) {
    }

    private final Semaphore inFlight;
    private final int maxInFlight;
    private final int bodyBytes;
    private final Stats stats;
    private final Selector selector;
    /** Connections with no request, connected and registered. Taken by the driver, given back by the selector. */
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param bodyBytes the body of every Web Push message, at least {@link ChannelLedger#VERSION_BYTES}
     */
    NioPutClient(int maxInFlight, int bodyBytes, Stats stats) throws IOException {
        if (bodyBytes < ChannelLedger.VERSION_BYTES) {
            throw new IllegalArgumentException("a Web Push body carries its version: at least "
                    + ChannelLedger.VERSION_BYTES + " bytes, not " + bodyBytes);
        }
        this.maxInFlight = maxInFlight;
        this.bodyBytes = bodyBytes;
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
        byte[] head = device.putHead;
        if (head == null || device.putHeadFor != endpoint) {
            head = head(endpoint, device.dialect);
            device.putHead = head;
            device.putHeadFor = endpoint;
        }
        long start;
        long version;
        byte[] bytes;
        if (device.dialect == Dialect.WEBPUSH) {
            WebPushBody body = device.webPushBody;
            if (body == null) {
                body = WebPushBody.random(bodyBytes, ThreadLocalRandom.current());
                device.webPushBody = body;
            }
            start = System.nanoTime();
            version = device.ledger.send(start, body);
            bytes = request(head, body, version);
        } else {
            start = System.nanoTime();
            version = device.ledger.send(start);
            bytes = request(head, version, data);
        }
        stats.puts.increment();
        Request request = new Request(device, version, start);
        Connection c;
        do {
            c = idle.poll();
        } while (c != null && c.dead);
        try {
            if (c == null) {
                c = new Connection(endpoint);
            }
            c.send(request, bytes);
        } catch (IOException e) {
            if (c != null) {
                c.close();
            }
            finish(request, -1);
        }
        return true;
    }

    /**
     * The request line and headers for the device's dialect, up to the value of {@code Content-Length}:
     * {@code PUT} with {@code Content-Type} (SimplePush), or {@code POST} with {@code TTL},
     * {@code Content-Encoding: aes128gcm} and {@code Content-Type} as a Web Push library sends them.
     */
    static byte[] head(URI endpoint, Dialect dialect) {
        String path = endpoint.getRawPath() + (endpoint.getRawQuery() == null ? "" : "?" + endpoint.getRawQuery());
        int port = endpoint.getPort() == -1 ? 80 : endpoint.getPort();
        String headers = dialect == Dialect.WEBPUSH
                ? "TTL: " + TTL_SECONDS + "\r\nContent-Encoding: aes128gcm\r\nContent-Type: application/octet-stream"
                : "Content-Type: application/x-www-form-urlencoded";
        return ((dialect == Dialect.WEBPUSH ? "POST " : "PUT ") + path + " HTTP/1.1\r\nHost: " + endpoint.getHost()
                + ":" + port + "\r\n" + headers + "\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
    }

    /** A whole Web Push request: {@code head}, the body's length, and the body of {@code version}. */
    static byte[] request(byte[] head, WebPushBody body, long version) {
        byte[] out = new byte[head.length + digits(body.length()) + HEAD_END.length + body.length()];
        int p = PushJson.put(out, 0, head);
        p = PushJson.putDigits(out, p, body.length());
        p = PushJson.put(out, p, HEAD_END);
        body.write(out, p, version);
        return out;
    }

    /** A whole request: {@code head}, the body's length, and the body {@code version=N[&data=..]}. */
    static byte[] request(byte[] head, long version, String data) {
        int bodyLength = 8 + digits(version) + (data.isEmpty() ? 0 : DATA.length + data.length());
        byte[] out = new byte[head.length + digits(bodyLength) + BODY_START.length + bodyLength - 8];
        int p = PushJson.put(out, 0, head);
        p = PushJson.putDigits(out, p, bodyLength);
        p = PushJson.put(out, p, BODY_START);
        p = PushJson.putDigits(out, p, version);
        if (!data.isEmpty()) {
            p = PushJson.put(out, p, DATA);
            PushJson.putAscii(out, p, data);
        }
        return out;
    }

    private static int digits(long value) {
        int n = 1;
        for (long v = value; v >= 10; v /= 10) {
            n++;
        }
        return n;
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
                selector.select(this::ready, 100);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("PUT client stopped: " + e);
        }
    }

    private void ready(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        try {
            if (key.isValid() && key.isWritable()) {
                c.flush();
            }
            if (key.isValid() && key.isReadable()) {
                c.read();
            }
        } catch (IOException | RuntimeException e) {
            c.fail();
        }
    }

    private void finish(Request request, int status) {
        if (status < 0) {
            stats.putErrors.increment();
            request.device().ledger.failed(request.version());
            inFlight.release();
            return;
        }
        stats.recordPut(System.nanoTime() - request.startNanos());
        if (status == 200) {
            stats.put200.increment();
        } else if (status == 201) {
            stats.put201.increment();
        } else if (status == 202) {
            stats.put202.increment();
        } else {
            stats.putOther.increment();
        }
        request.device().ledger.answered(request.version(), status);
        inFlight.release();
    }

    /**
     * One keep-alive connection, one request at a time, registered for reads for good. The driver writes a request
     * on it while it is idle; the selector thread reads the answer and makes it idle again.
     */
    private final class Connection {
        private final SocketChannel channel;
        private final SelectionKey key;
        private final ByteBuffer in = ByteBuffer.allocate(8192);
        /** The request in flight; written by the driver before its bytes go out, read by the selector thread. */
        private volatile Request current;
        /** Closed: an idle connection the server closed is skipped by the driver. */
        private volatile boolean dead;
        /** What the kernel did not take of the request (rare); the selector thread finishes it. */
        private volatile ByteBuffer pendingOut;

        Connection(URI endpoint) throws IOException {
            channel = SocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.connect(new InetSocketAddress(endpoint.getHost(),
                        endpoint.getPort() == -1 ? 80 : endpoint.getPort()));
                channel.configureBlocking(false);
                key = channel.register(selector, SelectionKey.OP_READ, this);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            selector.wakeup(); // the registration takes effect at the selector's next select
        }

        /** On the driver thread. */
        void send(Request request, byte[] bytes) throws IOException {
            current = request;
            ByteBuffer out = ByteBuffer.wrap(bytes);
            channel.write(out);
            if (out.hasRemaining()) {
                pendingOut = out;
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                selector.wakeup();
            }
        }

        void flush() throws IOException {
            ByteBuffer out = pendingOut;
            if (out != null) {
                channel.write(out);
                if (out.hasRemaining()) {
                    return;
                }
                pendingOut = null;
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        void read() throws IOException {
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("closed by server");
            }
            Request done = current;
            if (done == null) {
                throw new IOException("an answer without a request");
            }
            Response response = Response.parse(in.array(), in.position());
            if (response == null) {
                if (!in.hasRemaining()) {
                    throw new IOException("response too large");
                }
                return;
            }
            current = null;
            in.clear();
            if (response.close()) {
                close();
            } else {
                idle.add(this);
            }
            finish(done, response.status());
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
            dead = true;
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

        private static final Response OK = new Response(200, false);
        private static final Response CREATED = new Response(201, false);
        private static final Response ACCEPTED = new Response(202, false);

        /** Parses a response from the first {@code length} bytes; null while it is incomplete. */
        static Response parse(byte[] bytes, int length) {
            int headerEnd = WsFrames.indexOf(bytes, 0, length, HEADER_END);
            if (headerEnd < 0) {
                return null;
            }
            int status = (int) PushJson.digits(bytes, 9, Math.min(12, headerEnd));
            long contentLength = -1;
            boolean chunked = false;
            boolean close = false;
            int line = WsFrames.indexOf(bytes, 0, headerEnd, HEADER_END, 2) + 2;
            while (line > 1 && line < headerEnd) {
                int eol = WsFrames.indexOf(bytes, line, headerEnd, HEADER_END, 2);
                if (eol < 0) {
                    eol = headerEnd;
                }
                if (startsWithIgnoreCase(bytes, line, eol, CONTENT_LENGTH)) {
                    contentLength = PushJson.digits(bytes, skipSpaces(bytes, line + CONTENT_LENGTH.length, eol), eol);
                } else if (startsWithIgnoreCase(bytes, line, eol, TRANSFER_ENCODING)) {
                    chunked = containsIgnoreCase(bytes, line + TRANSFER_ENCODING.length, eol, CHUNKED);
                } else if (startsWithIgnoreCase(bytes, line, eol, CONNECTION)) {
                    close = containsIgnoreCase(bytes, line + CONNECTION.length, eol, CLOSE);
                }
                line = eol + 2;
            }
            int bodyStart = headerEnd + HEADER_END.length;
            if (chunked) {
                int end = WsFrames.indexOf(bytes, bodyStart, length, LAST_CHUNK);
                return end < 0 ? null : new Response(status, close);
            }
            if (contentLength < 0) {
                contentLength = 0;
            }
            if (length - bodyStart < contentLength) {
                return null;
            }
            return close ? new Response(status, true) : status == 200 ? OK : status == 202 ? ACCEPTED
                    : status == 201 ? CREATED : new Response(status, false);
        }

        private static int skipSpaces(byte[] b, int at, int to) {
            while (at < to && (b[at] == ' ' || b[at] == '\t')) {
                at++;
            }
            return at;
        }

        /** Whether {@code b[at, to)} starts with {@code lower} (lower-case ASCII), ignoring case. */
        private static boolean startsWithIgnoreCase(byte[] b, int at, int to, byte[] lower) {
            if (to - at < lower.length) {
                return false;
            }
            for (int i = 0; i < lower.length; i++) {
                int c = b[at + i];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != lower[i]) {
                    return false;
                }
            }
            return true;
        }

        private static boolean containsIgnoreCase(byte[] b, int from, int to, byte[] lower) {
            for (int i = from; i <= to - lower.length; i++) {
                if (startsWithIgnoreCase(b, i, to, lower)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2_000);
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
