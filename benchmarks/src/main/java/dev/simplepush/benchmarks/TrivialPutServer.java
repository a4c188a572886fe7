package dev.simplepush.benchmarks;

import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The baseline for endpoint throughput: Undertow set up as the simplepush transport sets it up (same buffer pool,
 * I/O threads, one worker thread), answering every {@code PUT} with {@code 200 {}} after reading the body, with no
 * token, store or WebSocket work. {@code wrk} against it gives the most PUTs/s this machine's Undertow can answer.
 *
 * <p>Arguments: {@code [port] [ioThreads]}, default {@code 8091 2}. Prints {@code trivial PUT server listening on
 * http://127.0.0.1:PORT} and runs until killed.
 */
public final class TrivialPutServer {

    private static final ByteBuffer EMPTY_OBJECT =
            ByteBuffer.wrap("{}".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private TrivialPutServer() {
    }

    /** Starts the server and waits forever. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8091;
        int ioThreads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Undertow server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setByteBufferPool(new DefaultByteBufferPool(true, 16 * 1024, -1, 4))
                .setIoThreads(ioThreads)
                .setWorkerThreads(1)
                .setHandler(TrivialPutServer::handle)
                .build();
        server.start();
        System.out.println("trivial PUT server listening on http://127.0.0.1:" + port);
        new CountDownLatch(1).await();
    }

    private static void handle(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.PUT)) {
            exchange.setStatusCode(405);
            exchange.endExchange();
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> exchange.getRequestReceiver().receiveFullBytes(
                (ex, body) -> {
                    ex.setStatusCode(200);
                    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    ex.getResponseSender().send(EMPTY_OBJECT.duplicate());
                }, (ex, failure) -> ex.endExchange()));
    }
}
