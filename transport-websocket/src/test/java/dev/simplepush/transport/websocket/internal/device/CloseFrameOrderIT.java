package dev.simplepush.transport.websocket.internal.device;

import static dev.simplepush.transport.websocket.internal.frame.FrameReader.CLOSE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.ServerMessage.Notification;
import dev.simplepush.transport.websocket.RawWebSocket;
import dev.simplepush.transport.websocket.TestServer;
import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xnio.IoFuture;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * RFC 6455 §5.5.1: once a {@link DeviceSocket} has written its close frame, no frame may follow, even when a sender
 * on another thread had already passed its own check of the socket's state. A socket is set up over a real
 * loopback connection whose far end the test reads byte for byte, and in every round a thread sends notifications
 * while another closes the socket.
 */
class CloseFrameOrderIT {

    private static final int ROUNDS = 300;
    /** Notifications of many updates, so that a sender spends most of its time building a frame. */
    private static final int UPDATES_PER_NOTIFICATION = 40;
    private static final int TEXT = 0x1;

    private static TestServer server;
    private static XnioWorker worker;
    private static DefaultByteBufferPool buffers;
    private static ExecutorService racers;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorkerBuilder()
                .populateFromOptions(OptionMap.builder()
                        .set(Options.WORKER_IO_THREADS, 1)
                        .set(Options.WORKER_TASK_CORE_THREADS, 1)
                        .set(Options.WORKER_TASK_MAX_THREADS, 1)
                        .set(Options.WORKER_NAME, "close-order")
                        .getMap())
                .build();
        buffers = new DefaultByteBufferPool(false, 16 * 1024);
        racers = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        racers.shutdownNow();
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
        buffers.close();
        server.close();
    }

    @Test
    void noFrameFollowsTheCloseFrameWhenSendAndCloseRace() throws Exception {
        Notification notification = notification();
        int roundsWithTextBeforeClose = 0;
        try (ServerSocket deviceSide = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            deviceSide.setSoTimeout((int) TestServer.TIMEOUT.toMillis());
            for (int round = 0; round < ROUNDS; round++) {
                IoFuture<StreamConnection> opening = worker.openStreamConnection(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), deviceSide.getLocalPort()), null,
                        OptionMap.create(Options.TCP_NODELAY, true));
                try (Socket device = deviceSide.accept()) {
                    device.setSoTimeout((int) TestServer.TIMEOUT.toMillis());
                    assertThat(opening.await(TestServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                            .as("connection opened").isEqualTo(IoFuture.Status.DONE);
                    StreamConnection connection = opening.get();
                    DeviceSocket socket = DeviceSocket.open(connection, new DeviceSockets(server.service, buffers,
                            64 * 1024, 1_000, Duration.ofHours(1), List.of()), server.service, 64 * 1024);
                    connection.getIoThread().execute(() -> socket.start(null, null));

                    List<Integer> opcodes = race(socket, notification, device);

                    int close = opcodes.indexOf(CLOSE);
                    assertThat(close).as("round %d: a close frame was sent (frames %s)", round, opcodes)
                            .isNotNegative();
                    assertThat(opcodes.subList(close + 1, opcodes.size()))
                            .as("round %d: frames after the close frame (frames %s)", round, opcodes).isEmpty();
                    if (close > 0) {
                        roundsWithTextBeforeClose++;
                    }
                }
            }
        }
        // Sends before the close made it to the wire in some rounds, so the race was run, not just the close.
        assertThat(roundsWithTextBeforeClose).as("rounds in which notifications preceded the close").isPositive();
    }

    /**
     * One thread sends until the socket refuses, the other closes it after a few sends; meanwhile the device reads
     * every frame, answers the close frame, and reads on until the server ends the connection. Returns the opcodes
     * of the frames the device received, in order.
     */
    private static List<Integer> race(DeviceSocket socket, Notification notification, Socket device)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicInteger sent = new AtomicInteger();
        int closeAfter = ThreadLocalRandom.current().nextInt(4);
        Future<?> sender = racers.submit(() -> {
            start.await();
            while (socket.send(notification)) {
                sent.incrementAndGet();
            }
            return null;
        });
        Future<?> closer = racers.submit(() -> {
            start.await();
            long deadline = System.nanoTime() + TestServer.TIMEOUT.toNanos();
            while (sent.get() < closeAfter && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            socket.close(CloseCodes.NORMAL, "race");
            return null;
        });
        List<Integer> opcodes = readUntilEnded(device);
        sender.get(TestServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        closer.get(TestServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return opcodes;
    }

    /** Reads unmasked server frames until the connection ends, answering the first close frame. */
    private static List<Integer> readUntilEnded(Socket device) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(device.getInputStream()));
        List<Integer> opcodes = new ArrayList<>();
        boolean answered = false;
        for (;;) {
            int first = in.read();
            if (first == -1) {
                return opcodes;
            }
            int opcode = first & 0x0F;
            opcodes.add(opcode);
            int length = in.readUnsignedByte() & 0x7F;
            long payload = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
            skip(in, payload);
            if (opcode == CLOSE && !answered) {
                answered = true;
                device.getOutputStream().write(RawWebSocket.close(CloseCodes.NORMAL, "").bytes());
            }
            assertThat(opcode).as("opcode").isIn(TEXT, CLOSE);
        }
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() == -1) {
                    throw new EOFException("the connection ended inside a frame");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static Notification notification() {
        List<Update> updates = new ArrayList<>(UPDATES_PER_NOTIFICATION);
        for (int i = 0; i < UPDATES_PER_NOTIFICATION; i++) {
            updates.add(Update.of(ChannelId.of(UUID.randomUUID().toString()), Version.of(1_000_000 + i)));
        }
        return new Notification(updates);
    }
}
