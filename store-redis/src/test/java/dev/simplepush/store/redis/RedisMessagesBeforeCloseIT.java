package dev.simplepush.store.redis;

import com.google.inject.Module;
import dev.simplepush.transport.websocket.testing.MessagesBeforeCloseScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages just before a device's close, on Redis over real sockets: the store answers after the close frame was
 * read, so a message still waiting for its turn when the socket is gone is where a lost ack would show. Each
 * scenario's server gets its own key prefix on the shared Redis.
 */
class RedisMessagesBeforeCloseIT extends MessagesBeforeCloseScenarios {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @Override
    protected Module storeModule() {
        return new RedisStoreModule(REDIS.config().build());
    }
}
