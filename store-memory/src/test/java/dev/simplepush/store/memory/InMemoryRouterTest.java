package dev.simplepush.store.memory;

import dev.simplepush.core.spi.Router;
import dev.simplepush.core.testing.RouterContract;

/** Runs the {@link RouterContract} against the single-node router. */
class InMemoryRouterTest extends RouterContract {

    @Override
    protected Router newRouter() {
        return InMemoryStoreModule.newRouter();
    }
}
