package dev.simplepush.store.redis;

import dev.simplepush.core.StoreException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The Lettuce client and connections one node uses, shared by its store and router: one command connection and,
 * once a router asks for it, one pub/sub connection. Standalone Redis, a Sentinel-monitored master and Redis
 * Cluster look the same from here ({@link RedisClusterAsyncCommands} is what both clients' async APIs share).
 *
 * <p>The client comes from a {@link ClientSource}: created by this connection, possibly on the application's
 * resources, or the application's own. Either way this connection closes the connections it opened, and shuts
 * down only what it created.
 *
 * <p>Reference counted: each user calls {@link #acquire()} in its {@code start()} and {@link #release()} in its
 * {@code stop()}; the first acquire connects and the last release closes, so the store and the router may start
 * and stop in any order. Thread-safe.
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
    private final ClientSource source;
    private final Object lock = new Object();
    private int users;
    private @Nullable CompletableFuture<Void> ready;
    private ClientSource.@Nullable Lease lease;
    private @Nullable StatefulConnection<String, String> connection;
    private volatile @Nullable RedisClusterAsyncCommands<String, String> commands;
    private @Nullable StatefulRedisPubSubConnection<String, String> pubSub;

    /** A connection that creates its own client and resources. */
    RedisConnection(RedisStoreConfig config) {
        this(config, ClientSource.own());
    }

    RedisConnection(RedisStoreConfig config, ClientSource source) {
        this.config = config;
        this.source = source;
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

    /** Closes what it opened, and shuts down what it created, on the last release; extra releases do nothing. */
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
            ClientSource.Lease closing = lease;
            pubSub = null;
            connection = null;
            lease = null;
            if (started == null) {
                return CompletableFuture.completedFuture(null);
            }
            // Off Lettuce's threads: shutting a client down waits for its event loops, which must not be us.
            return started.handle((v, failure) -> null).thenComposeAsync(v -> close(open, closing));
        }
    }

    private static CompletionStage<Void> close(List<StatefulConnection<String, String>> open,
            ClientSource.@Nullable Lease lease) {
        CompletableFuture<?>[] closes = open.stream().map(StatefulConnection::closeAsync)
                .toArray(CompletableFuture<?>[]::new);
        return CompletableFuture.allOf(closes).handle((v, failure) -> null)
                .thenCompose(v -> lease == null ? CompletableFuture.completedFuture(null) : lease.shutdown().get());
    }

    // Called under the lock.
    private CompletableFuture<Void> connect() {
        ClientSource.Lease opened;
        try {
            opened = source.open(config);
        } catch (RuntimeException failure) {
            return CompletableFuture.failedFuture(storeFailure("cannot create a Redis client", failure));
        }
        lease = opened;
        CompletableFuture<Void> connected;
        if (opened.client() instanceof RedisClusterClient cluster) {
            // The async connect needs the topology loaded first (the blocking connect() would load it itself).
            connected = cluster.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(v -> cluster.connectAsync(StringCodec.UTF8))
                    .thenAccept(c -> connected(c, c.async()));
        } else {
            RedisClient standalone = (RedisClient) opened.client();
            connected = standalone.connectAsync(StringCodec.UTF8, redisUri())
                    .thenAccept(c -> connected(c, c.async())).toCompletableFuture();
        }
        return connected.handle((v, failure) -> {
            if (failure != null) {
                throw new CompletionException(storeFailure("cannot connect to Redis at "
                        + String.join(",", config.redactedUris()), failure));
            }
            return null;
        });
    }

    private void connected(StatefulConnection<String, String> opened,
            RedisClusterAsyncCommands<String, String> async) {
        synchronized (lock) {
            connection = opened;
        }
        commands = async;
    }

    /** The standalone or Sentinel URI, as Lettuce takes it. */
    private RedisURI redisUri() {
        return config.redisUris().get(0);
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
            AbstractRedisClient current = lease == null ? null : lease.client();
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
                // With a Sentinel URI this also finds the master: sharded pub/sub must go where the SPUBLISHes go.
                RedisClient standalone = (RedisClient) current;
                subscribed = standalone.connectPubSubAsync(StringCodec.UTF8, redisUri()).thenCompose(c -> {
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
}
