package dev.simplepush.store.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where the Lettuce client of a {@link RedisConnection} comes from, and so what stopping it shuts down: whoever
 * creates a resource closes it. Immutable.
 */
sealed interface ClientSource {

    /** The client for one start of the connection. Called under the connection's lock; does no I/O. */
    Lease open(RedisStoreConfig config);

    /**
     * A client to open connections on, and what to shut down once they are closed.
     *
     * @param client a {@link RedisClient} (standalone or Sentinel) or a {@link RedisClusterClient}
     * @param shutdown shuts down what the store created for this lease, and nothing else; its stage never fails
     */
    record Lease(AbstractRedisClient client, Supplier<CompletionStage<Void>> shutdown) {
    }

    /** The store creates a client, and resources for it too; it shuts both down. */
    static ClientSource own() {
        return new Created(Optional.empty(), Optional.empty());
    }

    /**
     * This source, with the command latencies of the resources it creates recorded in {@code meters}; a source on
     * the application's resources or client is returned as it is (their latency recorder is the application's).
     */
    default ClientSource meteredIn(MeterRegistry meters) {
        return this;
    }

    /**
     * The store creates its client with the options that make an outage answer 503 at once, on the application's
     * {@code resources} if present (which it then never shuts down), otherwise on resources of its own.
     *
     * @param resources the application's resources, or empty to create them
     * @param meters where resources created here record each command's latency ({@code lettuce.command.completion}
     *     and {@code lettuce.command.firstresponse} by command and Redis address), or empty for Lettuce's default
     */
    record Created(Optional<ClientResources> resources, Optional<MeterRegistry> meters) implements ClientSource {

        public Created {
            Objects.requireNonNull(resources, "resources");
            Objects.requireNonNull(meters, "meters");
        }

        @Override
        public ClientSource meteredIn(MeterRegistry registry) {
            return resources.isPresent() ? this : new Created(resources, Optional.of(registry));
        }

        @Override
        public Lease open(RedisStoreConfig config) {
            if (resources.isPresent()) {
                AbstractRedisClient client = newClient(config, resources.get());
                // Created on shared resources, the client leaves them running when it shuts down.
                return new Lease(client, () -> shutdown(client));
            }
            // A short, capped reconnect delay: after an outage the node must serve again soon after Redis is back.
            ClientResources.Builder builder = ClientResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2,
                            TimeUnit.MILLISECONDS));
            // A percentile histogram (fixed buckets, cheap to record) and no client-side percentiles, which would
            // cost every command a sliding window on the event loop.
            meters.ifPresent(registry -> builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry,
                    MicrometerOptions.builder().enable().histogram(true).targetPercentiles(new double[0]).build())));
            ClientResources own = builder.build();
            AbstractRedisClient client = newClient(config, own);
            return new Lease(client, () -> shutdown(client).thenCompose(v -> {
                CompletableFuture<Void> down = new CompletableFuture<>();
                own.shutdown(0, 2, TimeUnit.SECONDS).addListener(f -> down.complete(null));
                return down;
            }));
        }

        private static AbstractRedisClient newClient(RedisStoreConfig config, ClientResources resources) {
            Duration timeout = config.commandTimeout();
            SocketOptions socket = SocketOptions.builder().connectTimeout(timeout.plus(timeout)).build();
            TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
            if (config.cluster()) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, config.redisUris());
                // Commands wait while a node connection is (re)connecting: the cluster client opens a node's
                // connection on its first command, which rejecting would fail. The command timeout still bounds
                // the wait.
                cluster.setOptions(ClusterClientOptions.builder()
                        .socketOptions(socket)
                        .timeoutOptions(timeouts)
                        .build());
                return cluster;
            }
            RedisClient standalone = RedisClient.create(resources);
            // While disconnected, fail at once (503) instead of queueing commands an app server waits for.
            standalone.setOptions(ClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            return standalone;
        }

        private static CompletionStage<Void> shutdown(AbstractRedisClient client) {
            return client.shutdownAsync(0, 2, TimeUnit.SECONDS).handle((v, failure) -> null);
        }
    }

    /**
     * The application's client, used as it is configured and never shut down; the connection closes only the
     * connections it opened on it.
     *
     * @param client a {@link RedisClient} or a {@link RedisClusterClient}
     */
    record Given(AbstractRedisClient client) implements ClientSource {

        public Given {
            Objects.requireNonNull(client, "client");
        }

        @Override
        public Lease open(RedisStoreConfig config) {
            return new Lease(client, () -> CompletableFuture.completedFuture(null));
        }
    }
}
