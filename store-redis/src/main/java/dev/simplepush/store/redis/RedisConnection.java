package dev.simplepush.store.redis;

import dev.simplepush.core.StoreException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The Lettuce client and connections one node uses, shared by its store and router: one command connection and,
 * once a router asks for it, one pub/sub connection. Standalone Redis and Redis Cluster look the same from here
 * ({@link RedisClusterAsyncCommands} is what both clients' async APIs share).
 *
 * <p>Reference counted: each user calls {@link #acquire()} in its {@code start()} and {@link #release()} in its
 * {@code stop()}; the first acquire connects and the last release shuts the client down, so the store and the
 * router may start and stop in any order. Thread-safe.
 *
 * <p>Commands are only ever dispatched, never awaited: their stages complete on Lettuce's event loop, and
 * {@link #call} turns every Lettuce failure into a {@link StoreException} there.
 */
final class RedisConnection {

    /** Receives what arrives on the subscribed channel; called on a Lettuce thread and must not block. */
    interface MessageHandler {
        void onMessage(String message);
    }

    private final RedisStoreConfig config;
    private final Object lock = new Object();
    private int users;
    private @Nullable CompletableFuture<Void> ready;
    private @Nullable AbstractRedisClient client;
    private @Nullable ClientResources resources;
    private @Nullable StatefulConnection<String, String> connection;
    private volatile @Nullable RedisClusterAsyncCommands<String, String> commands;
    private @Nullable StatefulRedisPubSubConnection<String, String> pubSub;

    RedisConnection(RedisStoreConfig config) {
        this.config = config;
    }

    RedisStoreConfig config() {
        return config;
    }

    /** Connects on the first call; the stage completes when commands can be sent. */
    CompletionStage<Void> acquire() {
        synchronized (lock) {
            users++;
            if (ready == null) {
                ready = connect();
            }
            return ready;
        }
    }

    /** Shuts the client down on the last release; extra releases do nothing. */
    CompletionStage<Void> release() {
        synchronized (lock) {
            if (users == 0) {
                return CompletableFuture.completedFuture(null);
            }
            users--;
            if (users > 0) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> started = ready;
            ready = null;
            commands = null;
            List<StatefulConnection<String, String>> open = new ArrayList<>();
            if (pubSub != null) {
                open.add(pubSub);
            }
            if (connection != null) {
                open.add(connection);
            }
            AbstractRedisClient closing = client;
            ClientResources closingResources = resources;
            pubSub = null;
            connection = null;
            client = null;
            resources = null;
            if (started == null) {
                return CompletableFuture.completedFuture(null);
            }
            // Off Lettuce's threads: shutting the client down waits for its event loops, which must not be us.
            return started.handle((v, failure) -> null).thenComposeAsync(v -> close(open, closing, closingResources));
        }
    }

    private static CompletionStage<Void> close(List<StatefulConnection<String, String>> open,
            @Nullable AbstractRedisClient client, @Nullable ClientResources resources) {
        CompletableFuture<?>[] closes = open.stream().map(StatefulConnection::closeAsync)
                .toArray(CompletableFuture<?>[]::new);
        return CompletableFuture.allOf(closes).handle((v, failure) -> null)
                .thenCompose(v -> client == null ? CompletableFuture.completedFuture(null)
                        : client.shutdownAsync(0, 2, TimeUnit.SECONDS))
                .handle((v, failure) -> null)
                .thenCompose(v -> {
                    CompletableFuture<Void> down = new CompletableFuture<>();
                    if (resources == null) {
                        down.complete(null);
                    } else {
                        resources.shutdown(0, 2, TimeUnit.SECONDS).addListener(f -> down.complete(null));
                    }
                    return down;
                });
    }

    private CompletableFuture<Void> connect() {
        Duration timeout = config.commandTimeout();
        // A short, capped reconnect delay: after an outage the node must serve again soon after Redis is back.
        ClientResources shared = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(timeout.plus(timeout)).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        List<RedisURI> uris = new ArrayList<>();
        for (URI uri : config.uris()) {
            RedisURI redisUri = RedisURI.create(uri);
            redisUri.setTimeout(timeout);
            uris.add(redisUri);
        }
        CompletableFuture<Void> connected;
        if (config.cluster()) {
            RedisClusterClient cluster = RedisClusterClient.create(shared, uris);
            // Commands wait while a node connection is (re)connecting: the cluster client opens a node's connection
            // on its first command, which rejecting would fail. The command timeout still bounds the wait.
            cluster.setOptions(ClusterClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .build());
            client = cluster;
            // The async connect needs the topology loaded first (the blocking connect() would load it itself).
            connected = cluster.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(v -> cluster.connectAsync(StringCodec.UTF8)).thenAccept(c -> {
                synchronized (lock) {
                    connection = c;
                }
                commands = c.async();
            });
        } else {
            RedisClient standalone = RedisClient.create(shared);
            // While disconnected, fail at once (503) instead of queueing commands an app server waits for.
            standalone.setOptions(ClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            client = standalone;
            connected = standalone.connectAsync(StringCodec.UTF8, uris.get(0)).thenAccept(c -> {
                synchronized (lock) {
                    connection = c;
                }
                commands = c.async();
            }).toCompletableFuture();
        }
        resources = shared;
        return connected.handle((v, failure) -> {
            if (failure != null) {
                throw new CompletionException(storeFailure("cannot connect to Redis at " + redactedUris(), failure));
            }
            return null;
        });
    }

    /**
     * Subscribes {@code handler} to sharded pub/sub {@code channel} on a dedicated connection. Sharded pub/sub
     * (Redis 7.0): on a Cluster, SPUBLISH goes to the shard that owns the channel's slot and answers how many
     * subscribers got the message there, which plain PUBLISH (counting only the publishing node's subscribers)
     * cannot.
     */
    CompletionStage<Void> subscribe(String channel, MessageHandler handler) {
        CompletableFuture<Void> subscribed;
        synchronized (lock) {
            AbstractRedisClient current = client;
            if (current == null) {
                return CompletableFuture.failedFuture(new StoreException("the Redis connection is not started"));
            }
            if (current instanceof RedisClusterClient cluster) {
                subscribed = cluster.connectPubSubAsync(StringCodec.UTF8).thenCompose(c -> {
                    keepPubSub(c);
                    c.addListener(new RedisClusterPubSubAdapter<String, String>() {
                        @Override
                        public void smessage(RedisClusterNode node, String from, String message) {
                            handler.onMessage(message);
                        }
                    });
                    return c.async().ssubscribe(channel);
                });
            } else {
                RedisClient standalone = (RedisClient) current;
                RedisURI uri = RedisURI.create(config.uris().get(0));
                uri.setTimeout(config.commandTimeout());
                subscribed = standalone.connectPubSubAsync(StringCodec.UTF8, uri).thenCompose(c -> {
                    keepPubSub(c);
                    c.addListener(new RedisPubSubAdapter<String, String>() {
                        @Override
                        public void smessage(String from, String message) {
                            handler.onMessage(message);
                        }
                    });
                    return c.async().ssubscribe(channel);
                }).toCompletableFuture();
            }
        }
        return subscribed.handle((v, failure) -> {
            if (failure != null) {
                throw new CompletionException(storeFailure("cannot subscribe to " + channel, failure));
            }
            return null;
        });
    }

    private void keepPubSub(StatefulRedisPubSubConnection<String, String> c) {
        synchronized (lock) {
            pubSub = c;
        }
    }

    /**
     * Dispatches one command and maps its outcome on completion. Every Lettuce failure, and a failure of
     * {@code then}, completes the stage with a {@link StoreException} naming {@code what}.
     */
    <R, T> CompletionStage<T> call(String what, Function<RedisClusterAsyncCommands<String, String>,
            CompletionStage<R>> command, Function<R, T> then) {
        RedisClusterAsyncCommands<String, String> current = commands;
        if (current == null) {
            return CompletableFuture.failedFuture(new StoreException(what + ": the Redis store is not started"));
        }
        CompletionStage<R> sent;
        try {
            sent = command.apply(current);
        } catch (RuntimeException failure) {
            return CompletableFuture.failedFuture(storeFailure(what, failure));
        }
        return sent.handle((result, failure) -> {
            if (failure != null) {
                throw new CompletionException(storeFailure(what, failure));
            }
            try {
                return then.apply(result);
            } catch (RuntimeException bad) {
                throw new CompletionException(storeFailure(what, bad));
            }
        });
    }

    /**
     * Runs {@code script} by EVALSHA, falling back to EVAL (which also caches it) when the server does not know
     * it yet (NOSCRIPT: first use, after a restart or a SCRIPT FLUSH, or on a Cluster node that never ran it).
     * All keys must share one hash tag.
     */
    <T> CompletionStage<T> eval(String what, LuaScript script, ScriptOutputType type, String[] keys,
            String[] args, Function<Object, T> then) {
        return call(what, c -> {
            CompletableFuture<Object> result = new CompletableFuture<>();
            c.<Object>evalsha(script.sha1(), type, keys, args).whenComplete((value, failure) -> {
                if (failure instanceof RedisNoScriptException
                        || (failure != null && String.valueOf(failure.getMessage()).startsWith("NOSCRIPT"))) {
                    c.<Object>eval(script.source(), type, keys, args).whenComplete(complete(result));
                } else {
                    complete(result).accept(value, failure);
                }
            });
            return result;
        }, then);
    }

    private static <T> BiConsumer<T, Throwable> complete(CompletableFuture<T> target) {
        return (value, failure) -> {
            if (failure != null) {
                target.completeExceptionally(failure);
            } else {
                target.complete(value);
            }
        };
    }

    /** Wraps anything Lettuce throws; a StoreException already is one. */
    static StoreException storeFailure(String what, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StoreException store) {
            return store;
        }
        return new StoreException(what + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }

    private String redactedUris() {
        List<String> shown = new ArrayList<>();
        for (URI uri : config.uris()) {
            shown.add(RedisStoreConfig.redacted(uri));
        }
        return String.join(",", shown);
    }
}
