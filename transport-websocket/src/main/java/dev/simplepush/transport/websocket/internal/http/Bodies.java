package dev.simplepush.transport.websocket.internal.http;

import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * Reads an endpoint request's body without blocking, bounded: the shared part of the SimplePush and Web Push
 * endpoints. The continuation runs on the exchange's I/O thread with the whole body, or is told that the body is
 * over the limit.
 */
final class Bodies {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);

    /** Bodies over the limit but at most this long are read and dropped before the 413, keeping the connection. */
    static final long MAX_SWALLOWED_BYTES = 2 * 1024 * 1024;

    private Bodies() {
    }

    /**
     * Reads the body of {@code exchange}, at most {@code maxBytes}, then calls {@code then}; a body over the limit
     * calls {@code tooLarge} instead, once it is read and dropped (up to {@link #MAX_SWALLOWED_BYTES}; longer ones
     * are not read, and the connection is not kept). A broken connection calls neither.
     */
    static void read(HttpServerExchange exchange, int maxBytes, BiConsumer<HttpServerExchange, byte[]> then,
            Consumer<HttpServerExchange> tooLarge) {
        long length = exchange.getRequestContentLength();
        if (length > maxBytes) {
            if (length <= MAX_SWALLOWED_BYTES) {
                swallowThen(exchange, length, tooLarge);
            } else {
                // The rest of the body is not read, so the connection cannot carry another request.
                exchange.setPersistent(false);
                tooLarge.accept(exchange);
            }
            return;
        }
        // Bounds what Undertow reads, also when it drains an unread body after the answer.
        exchange.setMaxEntitySize(maxBytes);
        // Dispatching keeps the exchange open after this method returns, until the answer is written.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            Receiver receiver = exchange.getRequestReceiver();
            receiver.setMaxBufferSize(maxBytes);
            // Dispatch again before going asynchronous: a body that arrives after the headers (a read that found
            // nothing yet) completes this callback inside Undertow's root-handler call, which ends a non-dispatched
            // exchange when the callback returns, answering an empty 200 before anything was decided.
            receiver.receiveFullBytes((ex, body) -> ex.dispatch(SameThreadExecutor.INSTANCE,
                    () -> then.accept(ex, body)), (ex, failure) -> failed(ex, failure, tooLarge));
        });
    }

    /**
     * Reads and drops a body over the limit, then answers on a connection that stays usable. Answering before the
     * body is read and closing would leave the client's bytes unread, and the TCP reset that follows can destroy
     * the answer before the client reads it.
     */
    private static void swallowThen(HttpServerExchange exchange, long length, Consumer<HttpServerExchange> then) {
        exchange.setMaxEntitySize(length);
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> exchange.getRequestReceiver().receivePartialBytes(
                (ex, chunk, last) -> {
                    if (last) {
                        ex.dispatch(SameThreadExecutor.INSTANCE, () -> then.accept(ex));
                    }
                }, (ex, failure) -> failed(ex, failure, then)));
    }

    private static void failed(HttpServerExchange exchange, IOException failure,
            Consumer<HttpServerExchange> tooLarge) {
        if (failure instanceof Receiver.RequestToLargeException) {
            exchange.setPersistent(false);
            tooLarge.accept(exchange);
            return;
        }
        LOG.debug("reading an endpoint request body failed: {}", failure.toString());
        // The connection is broken: nobody is there to read an answer.
        IoUtils.safeClose(exchange.getConnection());
    }
}
