package dev.simplepush.transport.websocket;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.testing.ProtocolScenarios;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.transport.websocket.testing.WireHarness;

/**
 * The protocol scenarios over TLS: as {@link WebSocketProtocolScenariosIT}, with the listener speaking only TLS (a
 * certificate made for the test), devices on {@code wss://} and the app server on {@code https://}.
 */
class WebSocketProtocolScenariosTlsIT extends ProtocolScenarios {

    @Override
    protected Harness start(PushConfig config) {
        return WireHarness.startTls(config, new InMemoryStoreModule());
    }
}
