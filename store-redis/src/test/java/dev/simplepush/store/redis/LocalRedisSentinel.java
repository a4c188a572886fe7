package dev.simplepush.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Redis master with a password and two Redis Sentinels that monitor it, as {@code redis-server} child processes
 * on free loopback ports, started before the test class and killed after it. If they cannot be started the tests
 * fail.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalRedisSentinel SENTINEL = new LocalRedisSentinel();
 * }</pre>
 */
final class LocalRedisSentinel implements BeforeAllCallback, AfterAllCallback {

    /** The name the Sentinels know the master by. */
    static final String MASTER = "mymaster";
    /** The master's password, which the Sentinel URI carries. */
    static final String PASSWORD = "sentinel-s3cret";

    private final List<RedisProcess> processes = new ArrayList<>();
    private String uri;

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            RedisProcess master = RedisProcess.start("--requirepass", PASSWORD);
            processes.add(master);
            List<String> sentinels = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RedisProcess sentinel = RedisProcess.startSentinel(MASTER, master.port(), PASSWORD);
                processes.add(sentinel);
                sentinels.add("127.0.0.1:" + sentinel.port());
            }
            uri = "redis-sentinel://:" + PASSWORD + "@" + String.join(",", sentinels) + "/0#" + MASTER;
        } catch (RuntimeException failure) {
            afterAll(context);
            throw failure;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        processes.forEach(RedisProcess::close);
        processes.clear();
    }

    /** The Sentinel URI: {@code redis-sentinel://:<password>@<sentinel 1>,<sentinel 2>/0#mymaster}. */
    String uri() {
        return uri;
    }

    /** A configuration for the master, found through the Sentinels, with a fresh key prefix. */
    RedisStoreConfig.Builder config() {
        return RedisStoreConfig.builder().uri(uri).keyPrefix(LocalRedis.newPrefix())
                .receiptTimeout(Duration.ofSeconds(5));
    }
}
