package dev.simplepush.store.memory;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.testing.InProcessHarness;
import dev.simplepush.core.testing.ProtocolScenarios;

/**
 * The protocol scenarios against the core and the in-memory store, without a network (see
 * {@link InProcessHarness}). Raw frames and raw HTTP do not exist here, so the scenarios that need them are skipped.
 */
class InProcessProtocolScenariosTest extends ProtocolScenarios {

    @Override
    protected Harness start(PushConfig config) {
        return InProcessHarness.start(config, new InMemoryStoreModule());
    }
}
