package dev.simplepush.benchmarks.jmh;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.transport.websocket.internal.json.ProtocolCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
 * The WebSocket message codec (P1–P6, the transport's {@code ProtocolCodec}): decoding each client message type and
 * encoding the replies a device gets most.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProtocolCodecBenchmark {

    private byte[] hello;
    private byte[] register;
    private byte[] ack;
    private byte[] ping;
    private ServerMessage.Notification notification;
    private ServerMessage.HelloReply helloReply;
    private ServerMessage.RegisterReply registerReply;

    /** Frames as a Gecko device sends them. */
    @Setup
    public void setUp() {
        String channel = UUID.randomUUID().toString();
        String uaid = Uaid.random().value();
        hello = utf8("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[\"" + channel + "\",\""
                + UUID.randomUUID() + "\"]}");
        register = utf8("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
        ack = utf8("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + channel + "\",\"version\":1234567}]}");
        ping = utf8("{}");
        notification = new ServerMessage.Notification(
                List.of(Update.of(ChannelId.of(channel), Version.of(1_234_567))));
        helloReply = new ServerMessage.HelloReply(Optional.of(Uaid.random()), 200);
        registerReply = new ServerMessage.RegisterReply(Optional.of(channel), 200,
                Optional.of(URI.create("http://127.0.0.1:8080/update/AXt3bWm0eFq1nKcP2xK3d1r9ZkLwq8sT0vYbN4cJ6hE")));
    }

    /** A hello with a UAID and two channels. */
    @Benchmark
    public ClientMessage decodeHello() throws ProtocolCodec.MalformedFrameException {
        return ProtocolCodec.decode(hello, hello.length);
    }

    /** A register. */
    @Benchmark
    public ClientMessage decodeRegister() throws ProtocolCodec.MalformedFrameException {
        return ProtocolCodec.decode(register, register.length);
    }

    /** An ack of one update: one per notification in steady state. */
    @Benchmark
    public ClientMessage decodeAck() throws ProtocolCodec.MalformedFrameException {
        return ProtocolCodec.decode(ack, ack.length);
    }

    /** A ping. */
    @Benchmark
    public ClientMessage decodePing() throws ProtocolCodec.MalformedFrameException {
        return ProtocolCodec.decode(ping, ping.length);
    }

    /** A notification of one update: one per PUT to a connected device. */
    @Benchmark
    public byte[] encodeNotification() {
        return ProtocolCodec.encode(notification);
    }

    /** The hello reply. */
    @Benchmark
    public byte[] encodeHelloReply() {
        return ProtocolCodec.encode(helloReply);
    }

    /** The register reply with its endpoint. */
    @Benchmark
    public byte[] encodeRegisterReply() {
        return ProtocolCodec.encode(registerReply);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
