package dev.simplepush.transport.websocket;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.testing.ProtocolScenarios.Harness;
import dev.simplepush.core.testing.WebPushScenarios;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.transport.websocket.testing.WireHarness;

/**
 * The Web Push scenarios (W1–W10) over TLS: as {@link WebSocketWebPushScenariosIT}, with the listener speaking only
 * TLS (a certificate made for the test), Firefox's side on {@code wss://} and the app server on {@code https://}.
 */
class WebSocketWebPushScenariosTlsIT extends WebPushScenarios {

    @Override
    protected Harness start(PushConfig config) {
        return WireHarness.startTls(config, new InMemoryStoreModule());
    }
}
