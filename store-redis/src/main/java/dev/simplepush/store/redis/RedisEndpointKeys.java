package dev.simplepush.store.redis;

import dev.simplepush.core.EndpointTokens;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.StoreException;
import io.lettuce.core.SetArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoint token keys shared through Redis, for nodes given none of their own: every node that shares the Redis and
 * the key prefix reads the same key ring, so an endpoint minted by one decodes on all (P4.5, P7). Without it, each
 * node would draw a random key and answer the others' endpoints 404.
 *
 * <p>The ring is one string under {@code <prefix>endpoint-keys} ({@link Keys#endpointKeys}): base64 keys separated by
 * commas, the first encrypting and all decrypting, as {@link PushConfig#tokenKeys()} takes them. The first node that
 * finds none writes one fresh 256-bit key with {@code SET ... NX GET}, a single atomic command, so nodes starting
 * together agree on whichever wrote first. It has no TTL and is never rewritten by a node; an operator rotates keys by
 * editing it (see the README) and restarting the nodes.
 *
 * <p>The trade-off: whoever can read the Redis (or a copy of it: a replica, a backup, an RDB file) can mint endpoints
 * for any device it knows. Give every node the same keys in {@link PushConfig} instead to keep them out of Redis. A
 * Redis that loses its data loses the ring with it; nodes started afterwards write a new one, so restart every node
 * then (their endpoints died with the devices anyway).
 */
public final class RedisEndpointKeys {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEndpointKeys.class);

    private RedisEndpointKeys() {
    }

    /**
     * The key ring in {@code config}'s Redis under its key prefix, written first with one fresh key if there is none.
     * Blocks: it connects with a Lettuce client of its own, sends one command and shuts the client down, taking at
     * most about three times {@link RedisStoreConfig#commandTimeout()} (more for a Sentinel, which is asked first).
     * Call it once at start, before composing the node, and pass the result to
     * {@link PushConfig.Builder#tokenKeys}.
     *
     * @return the keys, base64, the first encrypting; never empty
     * @throws StoreException if Redis cannot be reached or refuses the command
     * @throws IllegalStateException if the ring in Redis is not base64 keys of 16, 24 or 32 bytes separated by commas
     */
    public static List<String> loadOrCreate(RedisStoreConfig config) {
        RedisConnection redis = new RedisConnection(config);
        String key = new Keys(config.keyPrefix()).endpointKeys();
        String fresh = EndpointTokens.randomKey();
        @Nullable String ring;
        try {
            await(redis.acquire(), config);
            ring = await(redis.call("read the endpoint keys", c -> c.setGet(key, fresh, SetArgs.Builder.nx()),
                    Function.identity()), config);
        } finally {
            // Shut down before the node creates its own client: no second set of event loops lingers.
            redis.release().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(failure -> null)
                    .join();
        }
        if (ring == null) {
            LOG.info("no endpoint keys in Redis under {}: wrote a new one", key);
            return List.of(fresh);
        }
        return parse(ring, key);
    }

    /** The keys of a ring as stored; {@code key} names where it came from in the error. */
    static List<String> parse(String ring, String key) {
        List<String> keys = new ArrayList<>();
        for (String part : ring.split(",")) {
            if (!part.isBlank()) {
                keys.add(part.trim());
            }
        }
        try {
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("it holds no key");
            }
            return PushConfig.builder().tokenKeys(keys).build().tokenKeys();
        } catch (IllegalArgumentException bad) {
            // The message names the key by its position only: the value is a secret.
            throw new IllegalStateException("the endpoint keys in Redis under " + key + " are not base64 keys of 16, "
                    + "24 or 32 bytes separated by commas: " + bad.getMessage(), bad);
        }
    }

    private static <T> T await(CompletionStage<T> stage, RedisStoreConfig config) {
        // Lettuce's own timeouts end every step first; this only bounds a Sentinel that keeps answering slowly.
        long bound = config.commandTimeout().toMillis() * 3 + TimeUnit.SECONDS.toMillis(10);
        try {
            return stage.toCompletableFuture().get(bound, TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
            throw RedisConnection.storeFailure("read the endpoint keys", failed.getCause());
        } catch (TimeoutException late) {
            throw new StoreException("read the endpoint keys: no answer from Redis within " + bound + " ms", late);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StoreException("read the endpoint keys: interrupted", interrupted);
        }
    }
}
