package dev.simplepush.store.redis;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A standalone Redis for a test class: the one named by the {@code REDIS_URI} environment variable if it is set,
 * otherwise a {@code redis-server} child process on a free loopback port, started before the class and killed
 * after it. If neither works the tests fail; they never skip silently.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();
 * }</pre>
 *
 * <p>Tests isolate their data with {@link #newPrefix()} rather than flushing, so they can share a Redis.
 */
final class LocalRedis implements BeforeAllCallback, AfterAllCallback {

    private final boolean alwaysStart;
    private final String[] extraArgs;
    private Optional<RedisProcess> process = Optional.empty();
    private String uri;

    private LocalRedis(boolean alwaysStart, String... extraArgs) {
        this.alwaysStart = alwaysStart;
        this.extraArgs = extraArgs;
    }

    /** {@code REDIS_URI} if set, else a child process. */
    static LocalRedis fromEnvOrStart() {
        return new LocalRedis(false);
    }

    /**
     * Always a child process, which the test may pause, kill and restart; {@code extraArgs} go to
     * {@code redis-server} (for example {@code "--appendonly", "yes"} to keep data over a restart).
     */
    static LocalRedis ownProcess(String... extraArgs) {
        return new LocalRedis(true, extraArgs);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String fromEnv = System.getenv("REDIS_URI");
        if (!alwaysStart && fromEnv != null && !fromEnv.isBlank()) {
            uri = fromEnv.trim();
            return;
        }
        RedisProcess started = RedisProcess.start(extraArgs);
        process = Optional.of(started);
        uri = started.uri();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        process.ifPresent(RedisProcess::close);
        process = Optional.empty();
    }

    /** The URI of the Redis. */
    String uri() {
        return uri;
    }

    /** The child process; only for {@link #ownProcess}. */
    RedisProcess process() {
        return process.orElseThrow(() -> new IllegalStateException("this Redis is not a child process"));
    }

    /** A fresh key prefix, so a test sees only its own keys. */
    static String newPrefix() {
        return "it:" + UUID.randomUUID() + ":";
    }

    /**
     * A configuration for this Redis with a fresh key prefix and a generous receipt timeout: on a busy machine a
     * healthy node may take longer than the default to confirm a delivery, and only tests of that timeout want the
     * 202 it gives.
     */
    RedisStoreConfig.Builder config() {
        return RedisStoreConfig.builder().uri(uri).keyPrefix(newPrefix()).receiptTimeout(Duration.ofSeconds(5));
    }
}
