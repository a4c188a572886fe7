package dev.simplepush.transport.websocket;

import com.google.inject.Module;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.transport.websocket.testing.MessagesBeforeCloseScenarios;

/** Messages just before a device's close, on the in-memory store, whose answers come at once. */
class WebSocketMessagesBeforeCloseIT extends MessagesBeforeCloseScenarios {

    @Override
    protected Module storeModule() {
        return new InMemoryStoreModule();
    }
}
