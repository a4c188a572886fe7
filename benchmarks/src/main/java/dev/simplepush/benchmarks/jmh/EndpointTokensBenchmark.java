package dev.simplepush.benchmarks.jmh;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.EndpointTokens;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Uaid;
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

/** Endpoint token encode (register, P3.1) and decode (every PUT, P4.5): AES-GCM plus base64. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EndpointTokensBenchmark {

    private EndpointTokens tokens;
    private EndpointTokens rotated;
    private Subscription endpoint;
    private String token;

    /** One key ring, and one with a newer key in front so that decoding an old token tries two keys. */
    @Setup
    public void setUp() {
        String key = EndpointTokens.randomKey();
        tokens = EndpointTokens.fromBase64Keys(java.util.List.of(key));
        rotated = EndpointTokens.fromBase64Keys(java.util.List.of(EndpointTokens.randomKey(), key));
        endpoint = new Subscription(Uaid.random(), ChannelId.parse(UUID.randomUUID().toString()).orElseThrow(),
                Optional.empty(), Subscription.newGeneration());
        token = tokens.encodeSimplePush(endpoint).value();
    }

    /** A register's token. */
    @Benchmark
    public EndpointToken encode() {
        return tokens.encodeSimplePush(endpoint);
    }

    /** A PUT's token, under the first key, from the text of its path as the endpoint reads it. */
    @Benchmark
    public Optional<Subscription> decode() {
        return EndpointToken.parse(token).flatMap(tokens::decodeSimplePush);
    }

    /** A PUT's token made before a key rotation: the first key fails, the second opens it. */
    @Benchmark
    public Optional<Subscription> decodeAfterRotation() {
        return EndpointToken.parse(token).flatMap(rotated::decodeSimplePush);
    }

    /** A forged token: the cost of a 404. */
    @Benchmark
    public Optional<Subscription> decodeForged() {
        return EndpointToken.parse("BQ" + token.substring(2, token.length() - 4) + "AAAA")
                .flatMap(tokens::decodeSimplePush);
    }
}
