package dev.simplepush.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.Stage;
import dev.simplepush.core.Push;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.store.redis.RedisStoreConfig;
import dev.simplepush.store.redis.RedisStoreModule;
import dev.simplepush.transport.udp.UdpWakeupConfig;
import dev.simplepush.transport.udp.UdpWakeupModule;
import dev.simplepush.transport.udp.WakeupNetwork;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransportModule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The push modules beside an application that binds its own {@link Clock}, {@link MeterRegistry},
 * {@link SimpleMeterRegistry} and {@link ScheduledExecutorService}: they compose, in a strict injector, and the push
 * server uses what the application hands in explicitly and nothing it did not.
 */
class EmbeddingCompositionTest {

    private static final Clock APP_CLOCK = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);

    /** What an application typically binds already, unqualified. */
    private static final class Application extends AbstractModule {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

        @Override
        protected void configure() {
            binder().requireExplicitBindings();
            bind(Clock.class).toInstance(APP_CLOCK);
            bind(MeterRegistry.class).toInstance(registry);
            bind(ScheduledExecutorService.class).toInstance(timers);
        }

        @Provides
        @Singleton
        SimpleMeterRegistry otherRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private static List<Module> push(Module store, Module... handedIn) {
        List<Module> modules = new ArrayList<>(List.of(
                new PushCoreModule(PushConfig.defaults()),
                store,
                new WebSocketTransportModule(WebSocketConfig.builder().port(0).build()),
                new UdpWakeupModule(UdpWakeupConfig.builder()
                        .network(WakeupNetwork.parse("mcc=214,mnc=07,method=udp")).build())));
        modules.addAll(List.of(handedIn));
        return modules;
    }

    private static Injector compose(Application app, List<Module> push) {
        List<Module> all = new ArrayList<>(push);
        all.add(app);
        return Guice.createInjector(Stage.PRODUCTION, all);
    }

    @Test
    void pushModulesComposeWithAnApplicationsOwnBindings() {
        Application app = new Application();
        try {
            Injector injector = compose(app, push(new InMemoryStoreModule()));

            assertThat(injector.getInstance(Clock.class)).isSameAs(APP_CLOCK);
            assertThat(injector.getInstance(MeterRegistry.class)).isSameAs(app.registry);
            assertThat(injector.getInstance(Key.get(Clock.class, Push.class))).isNotSameAs(APP_CLOCK);
            assertThat(injector.getInstance(Key.get(MeterRegistry.class, Push.class))).isNotSameAs(app.registry)
                    .isNotSameAs(injector.getInstance(SimpleMeterRegistry.class));
        } finally {
            app.timers.shutdownNow();
        }
    }

    @Test
    void theRedisStoreComposesToo() {
        Application app = new Application();
        try {
            Injector injector = compose(app, push(new RedisStoreModule(RedisStoreConfig.defaults())));

            assertThat(injector.getInstance(PushServer.class)).isNotNull();
        } finally {
            app.timers.shutdownNow();
        }
    }

    @Test
    void whatTheApplicationHandsInIsWhatThePushServerUses() throws Exception {
        Application app = new Application();
        try {
            Injector injector = compose(app, push(new InMemoryStoreModule(),
                    PushCoreModule.clock(APP_CLOCK),
                    PushCoreModule.meterRegistry(app.registry),
                    PushCoreModule.scheduler(Scheduler.of(app.timers))));
            PushServer server = injector.getInstance(PushServer.class);

            server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(injector.getInstance(Key.get(Clock.class, Push.class))).isSameAs(APP_CLOCK);
            assertThat(app.registry.find("simplepush.connections").gauge()).as("the core's meters").isNotNull();
            assertThat(app.registry.find("simplepush.wakeup.sent").counter()).as("the wake-up meters").isNotNull();
            assertThat(app.timers.isShutdown()).as("the application's executor is the application's").isFalse();
        } finally {
            app.timers.shutdownNow();
        }
    }
}
