package dev.simplepush.store.redis;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.testing.ProtocolScenarios.Harness;
import dev.simplepush.core.testing.WebPushScenarios;
import dev.simplepush.transport.websocket.testing.WireHarness;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Web Push scenarios (W1–W10) against the Redis store, over real sockets: the core, the Redis store and router,
 * and the Undertow transport on a free loopback port, reached through the {@link WireHarness}. Each scenario's
 * server gets its own key prefix on the shared Redis.
 */
class RedisWebPushScenariosIT extends WebPushScenarios {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @Override
    protected Harness start(PushConfig config) {
        return WireHarness.start(config, new RedisStoreModule(REDIS.config().build()));
    }
}
