package dev.simplepush.transport.websocket;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.testing.ProtocolScenarios.Harness;
import dev.simplepush.core.testing.WebPushScenarios;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.transport.websocket.testing.WireHarness;

/**
 * The Web Push scenarios (W1–W10) over real sockets: the core, the in-memory store and the Undertow transport on
 * {@code 127.0.0.1} with a free port, reached through the {@link WireHarness}: Firefox's side as JSON frames, the app
 * server's as raw HTTP.
 */
class WebSocketWebPushScenariosIT extends WebPushScenarios {

    @Override
    protected Harness start(PushConfig config) {
        return WireHarness.start(config, new InMemoryStoreModule());
    }
}
