package dev.simplepush.benchmarks.jmh;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.EndpointTokens;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.transport.websocket.internal.frame.FrameWriter;
import dev.simplepush.transport.websocket.internal.json.ProtocolCodec;
import java.nio.ByteBuffer;
import java.util.Optional;
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

/**
 * What the server does per Web Push message beyond what a SimplePush update costs: sealing the message id (W5.2),
 * and turning a 2 KiB body into the notification frame a device reads (W5.1, W5.4).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WebPushMessageBenchmark {

    private EndpointTokens tokens;
    private Subscription subscription;
    private ChannelId channel;
    private MessageId id;
    private byte[] body;

    /** A subscription, one of its message ids, and a 2 KiB body as the load tool sends. */
    @Setup
    public void setUp() {
        tokens = EndpointTokens.withRandomKey();
        channel = ChannelId.parse(UUID.randomUUID().toString()).orElseThrow();
        subscription = new Subscription(Uaid.random(), channel, Optional.empty(), Subscription.newGeneration());
        id = tokens.newMessageId(subscription);
        body = new byte[2048];
        ThreadLocalRandom.current().nextBytes(body);
    }

    /** A fresh message id: one per accepted POST. */
    @Benchmark
    public MessageId newMessageId() {
        return tokens.newMessageId(subscription);
    }

    /** The body taken as a payload and written as the device's notification frame: one per delivery. */
    @Benchmark
    public ByteBuffer notificationFrame() {
        WebPushMessage.Payload payload = WebPushMessage.Payload.ofBody(body, "aes128gcm", Optional.empty(),
                Optional.empty());
        return ProtocolCodec.encode(new ServerMessage.WebPushNotification(channel, id.value(), 60,
                Optional.of(payload)), FrameWriter::text);
    }
}
