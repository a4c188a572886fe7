package dev.simplepush.transport.websocket;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Makes the last half-close of a device connection, the one that closes the socket, run on the worker thread
 * instead of the connection's I/O thread.
 *
 * <p>Why: XNIO deregisters a socket closed on its own I/O thread with {@code Selector.selectNow()}, and when
 * thousands of devices go away at once (a network blip, a load balancer restart) every one of those calls returns
 * up to 1,024 other ready sockets that the selector processes again. That made a mass disconnect of 15,000 devices
 * cost about 1 ms of CPU per device. Closed from another thread, XNIO only cancels the key and the I/O thread drops
 * it in its next select. Only the final close moves: a half-close while the other direction is still open stays on
 * the I/O thread, and the bytes (the close frame) are already written when it happens.
 */
final class OffThreadClose {

    private OffThreadClose() {
    }

    /** Wraps the connection's outermost conduits; call before the WebSocket channel is created over it. */
    static void install(StreamConnection connection, Executor elsewhere) {
        connection.getSinkChannel().setConduit(new Sink(connection.getSinkChannel().getConduit(), connection,
                elsewhere));
        connection.getSourceChannel().setConduit(new Source(connection.getSourceChannel().getConduit(), connection,
                elsewhere));
    }

    /** Runs {@code terminate} elsewhere when it would close the socket on the connection's own I/O thread. */
    private static void terminate(StreamConnection connection, boolean otherSideShut, Executor elsewhere,
            Terminate terminate) throws IOException {
        if (!otherSideShut || connection.getIoThread() != Thread.currentThread()) {
            terminate.run();
            return;
        }
        try {
            elsewhere.execute(() -> {
                try {
                    terminate.run();
                } catch (IOException | RuntimeException e) {
                    IoUtils.safeClose(connection);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            terminate.run();
        }
    }

    @FunctionalInterface
    private interface Terminate {
        void run() throws IOException;
    }

    private static final class Sink extends AbstractStreamSinkConduit<StreamSinkConduit> {
        private final StreamConnection connection;
        private final Executor elsewhere;

        Sink(StreamSinkConduit next, StreamConnection connection, Executor elsewhere) {
            super(next);
            this.connection = connection;
            this.elsewhere = elsewhere;
        }

        @Override
        public void terminateWrites() throws IOException {
            terminate(connection, connection.isReadShutdown(), elsewhere, next::terminateWrites);
        }
    }

    private static final class Source extends AbstractStreamSourceConduit<StreamSourceConduit> {
        private final StreamConnection connection;
        private final Executor elsewhere;

        Source(StreamSourceConduit next, StreamConnection connection, Executor elsewhere) {
            super(next);
            this.connection = connection;
            this.elsewhere = elsewhere;
        }

        @Override
        public void terminateReads() throws IOException {
            terminate(connection, connection.isWriteShutdown(), elsewhere, next::terminateReads);
        }
    }
}
