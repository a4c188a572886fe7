package dev.simplepush.transport.websocket.internal.http;

import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.conduits.ReadDataStreamSourceConduit;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.io.Receiver;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.Connectors;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;

/**
 * Request bodies, read without blocking, bounded in size and in time: the shared part of the SimplePush and Web Push
 * endpoints, and the deadline of every request that has a body.
 *
 * <p>A body must have arrived (read by an endpoint, or drained by Undertow after an answer that did not need it)
 * within the deadline, counted from the request's head; otherwise the connection is closed. Without it a client
 * that announces a body and sends less holds its connection for ever: the HTTP idle timeout only covers the wait
 * for a request's head. The deadline is one timer of the connection's I/O thread, armed only while such a request
 * is in progress and only when its body did not arrive with its head, never for an idle connection.
 *
 * <p>Used on I/O threads only; the continuations run on the exchange's I/O thread.
 */
final class Bodies {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);

    /** Bodies over the limit but at most this long are read and dropped before the 413, keeping the connection. */
    static final long MAX_SWALLOWED_BYTES = 2 * 1024 * 1024;

    private final long deadlineMillis;

    /** Bodies that must have arrived {@code deadlineMillis} after their request's head. */
    Bodies(long deadlineMillis) {
        if (deadlineMillis < 1) {
            throw new IllegalArgumentException("deadlineMillis must be at least 1: " + deadlineMillis);
        }
        this.deadlineMillis = deadlineMillis;
    }

    /**
     * Puts the body of {@code exchange}, if it has one, under the deadline: unless it has been read or drained by
     * then, the connection is closed. Call once per request, before anything reads the body.
     */
    void deadline(HttpServerExchange exchange) {
        if (exchange.isRequestComplete() || arrived(exchange)) {
            return; // no body, or all of it is here already: nothing to wait for
        }
        Deadline deadline = new Deadline(exchange);
        try {
            deadline.timer = exchange.getIoThread().executeAfter(deadline, deadlineMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException shuttingDown) {
            return; // the listener is stopping and closes every connection
        }
        exchange.addExchangeCompleteListener(deadline);
    }

    /**
     * Whether the whole body, of a known length, came with the request's head: it sits in what the connection read
     * past the head, and cannot stall. The common case (an app server's request fits one segment), which then costs
     * no timer.
     */
    private static boolean arrived(HttpServerExchange exchange) {
        long length = exchange.getRequestContentLength();
        if (length < 0 || !(exchange.getConnection() instanceof AbstractServerConnection connection)) {
            return false;
        }
        PooledByteBuffer readAhead = connection.getExtraBytes();
        return readAhead != null && readAhead.getBuffer().remaining() >= length;
    }

    /**
     * Answers with {@code answer} before the body is read (an unknown token): Undertow drops the body after the
     * answer, within the deadline, so the connection can carry the next request. A body announced longer than
     * {@link #MAX_SWALLOWED_BYTES} is not read, and the connection is closed after the answer.
     */
    static void answerUnread(HttpServerExchange exchange, Consumer<HttpServerExchange> answer) {
        if (exchange.getRequestContentLength() > MAX_SWALLOWED_BYTES) {
            exchange.setPersistent(false);
        }
        answer.accept(exchange);
    }

    /**
     * Reads the body of {@code exchange}, at most {@code maxBytes}, then calls {@code then}; a body over the limit
     * calls {@code tooLarge} instead, once it is read and dropped (up to {@link #MAX_SWALLOWED_BYTES}; longer ones
     * are not read, and the connection is not kept). A body that cannot be decoded (a malformed chunk) is answered
     * 400 and the connection closed. A broken connection calls neither.
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
        decodeChunksHere(exchange);
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

    /**
     * Undertow's decoder of a chunked body closes the connection as soon as a chunk is malformed (a chunk size that
     * overflows, a bad line), before the reader hears of it, so the client would get no answer at all. The body is
     * read instead through the same decoder built over the same bytes but with a close that does nothing: a failure
     * reaches {@link #failed}, which answers 400. Bytes read past the body would stay in this decoder, so the
     * connection does not carry another request after this one.
     */
    private static void decodeChunksHere(HttpServerExchange exchange) {
        if (!(exchange.getConnection() instanceof AbstractServerConnection connection)) {
            return;
        }
        ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
        if (!(source.getConduit() instanceof ChunkedStreamSourceConduit)) {
            return;
        }
        PushBackStreamSourceConduit raw = new PushBackStreamSourceConduit(
                new ReadDataStreamSourceConduit(connection.getOriginalSourceConduit(), connection));
        exchange.setPersistent(false);
        source.setConduit(new ChunkedStreamSourceConduit(raw, raw, connection.getByteBufferPool(),
                decoder -> Connectors.terminateRequest(exchange), exchange, () -> { }));
    }

    private static void failed(HttpServerExchange exchange, IOException failure,
            Consumer<HttpServerExchange> tooLarge) {
        if (failure instanceof Receiver.RequestToLargeException) {
            exchange.setPersistent(false);
            tooLarge.accept(exchange);
            return;
        }
        if (exchange.getConnection().isOpen() && !exchange.isResponseStarted()) {
            LOG.debug("an endpoint request body could not be read: {}", failure.toString());
            exchange.setPersistent(false);
            HttpRoutes.error(exchange, HttpError.MALFORMED_BODY);
            return;
        }
        LOG.debug("reading an endpoint request body failed: {}", failure.toString());
        // The connection is broken: nobody is there to read an answer.
        IoUtils.safeClose(exchange.getConnection());
    }

    /**
     * Closes the connection of {@code exchange}, and, as Undertow's own read timeout does, wakes whoever waits to
     * read from it (the body reader, or Undertow draining an unread body), so that it lets go of the exchange.
     */
    private static void close(HttpServerExchange exchange) {
        ServerConnection connection = exchange.getConnection();
        IoUtils.safeClose(connection);
        if (connection instanceof AbstractServerConnection server) {
            ConduitStreamSourceChannel source = server.getChannel().getSourceChannel();
            if (source.isReadResumed()) {
                ChannelListeners.invokeChannelListener(source, source.getReadListener());
            }
        }
    }

    /** The deadline of one request's body: a timer while the request is in progress. */
    private final class Deadline implements Runnable, ExchangeCompletionListener {
        private final HttpServerExchange exchange;
        private volatile XnioExecutor.@Nullable Key timer;

        Deadline(HttpServerExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void run() {
            timer = null;
            // An upgraded connection is a device's now; a read body is the endpoint's to answer, however long.
            if (exchange.isRequestComplete() || exchange.isUpgrade()) {
                return;
            }
            LOG.debug("{} did not send its request body within {} ms; closing", exchange.getSourceAddress(),
                    deadlineMillis);
            close(exchange);
        }

        @Override
        public void exchangeEvent(HttpServerExchange completed, NextListener next) {
            XnioExecutor.Key key = timer;
            timer = null;
            if (key != null) {
                key.remove();
            }
            next.proceed();
        }
    }
}
