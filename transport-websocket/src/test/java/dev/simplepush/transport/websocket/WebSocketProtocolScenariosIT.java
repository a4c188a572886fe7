package dev.simplepush.transport.websocket;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.testing.ProtocolScenarios;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.transport.websocket.testing.WireHarness;

/**
 * The protocol scenarios over real sockets: the core, the in-memory store and the Undertow transport on
 * {@code 127.0.0.1} with a free port, reached through the {@link WireHarness}. Raw frames and raw HTTP are supported,
 * so every scenario runs.
 */
class WebSocketProtocolScenariosIT extends ProtocolScenarios {

    @Override
    protected Harness start(PushConfig config) {
        return WireHarness.start(config, new InMemoryStoreModule());
    }
}
