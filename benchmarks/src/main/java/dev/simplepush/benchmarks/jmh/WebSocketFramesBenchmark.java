package dev.simplepush.benchmarks.jmh;

import dev.simplepush.transport.websocket.internal.frame.FrameReader;
import dev.simplepush.transport.websocket.internal.frame.FrameWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The WebSocket layer under the JSON codec (RFC 6455): reading a masked client frame carrying an ack, as a device
 * sends it, into a complete message ({@code FrameReader}, including unmasking and the UTF-8 check), and framing a
 * notification for the device ({@code FrameWriter}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WebSocketFramesBenchmark {

    private ByteBuffer ackFrame;
    private byte[] notification;
    private FrameReader reader;
    private Sink sink;

    /** Counts what the reader hands over, so that the work cannot be optimised away. */
    static final class Sink implements FrameReader.Handler {
        Blackhole blackhole;

        @Override
        public void text(byte[] bytes, int length) {
            blackhole.consume(bytes);
        }

        @Override
        public void binary() {
            throw new AssertionError("binary");
        }

        @Override
        public void ping(byte[] payload) {
            throw new AssertionError("ping");
        }

        @Override
        public void closeReceived(int code, String reason) {
            throw new AssertionError("close");
        }

        @Override
        public void fail(int code, String reason) {
            throw new AssertionError(code + " " + reason);
        }
    }

    @Setup
    public void setUp() {
        String channel = UUID.randomUUID().toString();
        byte[] ack = ("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + channel
                + "\",\"version\":1234567}]}").getBytes(StandardCharsets.UTF_8);
        ackFrame = maskedTextFrame(ack);
        notification = ("{\"messageType\":\"notification\",\"updates\":[{\"channelID\":\"" + channel
                + "\",\"version\":1234567}]}").getBytes(StandardCharsets.UTF_8);
        reader = new FrameReader(64 * 1024);
        sink = new Sink();
    }

    @Benchmark
    public void readAckFrame(Blackhole blackhole) {
        sink.blackhole = blackhole;
        ByteBuffer input = ackFrame.duplicate();
        reader.feed(input, sink);
    }

    @Benchmark
    public ByteBuffer writeNotificationFrame() {
        return FrameWriter.frame(FrameReader.TEXT, notification);
    }

    /** A final text frame with a 7-bit length (the ack is under 126 bytes), masked as clients must. */
    private static ByteBuffer maskedTextFrame(byte[] payload) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("payload over 125 bytes");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) (0x80 | FrameReader.TEXT)).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }
}
