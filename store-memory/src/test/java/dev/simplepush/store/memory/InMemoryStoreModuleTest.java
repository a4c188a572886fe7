package dev.simplepush.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.Stage;
import dev.simplepush.core.ComponentHealth;
import dev.simplepush.core.Health;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushHealth;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.Router;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStoreModuleTest {

    @Test
    void coreWithMemoryStoreComposesIntoPushService() {
        Injector injector = strictInjector(core(), new InMemoryStoreModule(), endpointUrls());

        assertThat(injector.getInstance(PushService.class)).isNotNull();
        assertThat(injector.getInstance(PushServer.class)).isNotNull();
        assertThat(injector.getInstance(DeviceStore.class)).isSameAs(injector.getInstance(DeviceStore.class));
        assertThat(injector.getInstance(Router.class)).isSameAs(injector.getInstance(Router.class));
    }

    @Test
    void theStoreIsAComponentOfReadinessAndAlwaysUp() {
        Injector injector = strictInjector(core(), new InMemoryStoreModule(), endpointUrls());

        Health ready = injector.getInstance(PushHealth.class).ready().toCompletableFuture().join();

        assertThat(ready.components()).containsEntry("store", ComponentHealth.up("in memory"));
    }

    @Test
    void missingStoreModuleFailsAtCreateInjector() {
        assertThatThrownBy(() -> strictInjector(core(), endpointUrls()))
                .isInstanceOf(CreationException.class)
                .hasMessageContaining(DeviceStore.class.getName());
    }

    @Test
    void twoStoreModulesFailAtCreateInjector() {
        assertThatThrownBy(() -> strictInjector(core(), new InMemoryStoreModule(), new OtherStoreModule(),
                endpointUrls()))
                .isInstanceOf(CreationException.class)
                .hasMessageContaining(DeviceStore.class.getName());
    }

    private static Module core() {
        return new PushCoreModule(PushConfig.defaults());
    }

    private static Module endpointUrls() {
        return binder -> binder.bind(EndpointUrls.class)
                .toInstance(token -> URI.create("http://push.example/update/" + token));
    }

    /** The strict injector the project's tests use: explicit bindings, no circular proxies, eager singletons. */
    private static Injector strictInjector(Module... modules) {
        List<Module> all = new ArrayList<>(List.of(modules));
        all.add(binder -> {
            binder.requireExplicitBindings();
            binder.requireAtInjectOnConstructors();
            binder.disableCircularProxies();
        });
        return Guice.createInjector(Stage.PRODUCTION, all);
    }

    /** Another store module, as an embedder might install next to the in-memory one by mistake. */
    private static final class OtherStoreModule extends AbstractModule {

        @Provides
        @Singleton
        DeviceStore deviceStore() {
            return InMemoryStoreModule.newDeviceStore(Clock.systemUTC());
        }

        @Provides
        @Singleton
        Router router() {
            return InMemoryStoreModule.newRouter();
        }
    }
}
