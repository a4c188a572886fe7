package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.multibindings.Multibinder;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushServerTest {

    /** Stands for a Redis client's event loop: the thread a store's stages complete on. */
    private final ExecutorService foreignLoop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void shutDown() {
        foreignLoop.shutdownNow();
    }

    /** A store whose start and stop complete on the foreign loop, as a Redis client's do. */
    private final class LoopStore extends SessionStore {
        @Override
        public CompletionStage<Void> start() {
            events.add("store start on " + Thread.currentThread().getName());
            return CompletableFuture.runAsync(() -> { }, foreignLoop);
        }

        @Override
        public CompletionStage<Void> stop() {
            events.add("store stop on " + Thread.currentThread().getName());
            return CompletableFuture.runAsync(() -> { }, foreignLoop);
        }
    }

    private final class Transport implements PushTransport {
        @Override
        public CompletionStage<Void> start() {
            events.add("transport start on " + Thread.currentThread().getName());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> stop() {
            events.add("transport stop on " + Thread.currentThread().getName());
            return CompletableFuture.runAsync(() -> { }, foreignLoop);
        }
    }

    private Injector injector(com.google.inject.Module... extra) {
        com.google.inject.Module base = binder -> {
            binder.bind(DeviceStore.class).toInstance(new LoopStore());
            binder.bind(Router.class).toInstance(new SessionRouter());
            binder.bind(EndpointUrls.class).toInstance(token -> URI.create("http://push.test/" + token.value()));
            Multibinder.newSetBinder(binder, PushTransport.class).addBinding().toInstance(new Transport());
        };
        List<com.google.inject.Module> modules = new java.util.ArrayList<>(List.of(
                new PushCoreModule(PushConfig.defaults()), base));
        modules.addAll(List.of(extra));
        return Guice.createInjector(Stage.PRODUCTION, modules);
    }

    @Test
    void noComponentStartsOrStopsOnTheThreadThatCompletedTheStepBefore() throws Exception {
        PushServer server = injector().getInstance(PushServer.class);

        server.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(events).hasSize(4).allSatisfy(event -> assertThat(event).contains("on simplepush-scheduler-"));
        assertThat(events).extracting(event -> event.substring(0, event.indexOf(" on")))
                .containsExactly("store start", "transport start", "transport stop", "store stop");
    }

    @Test
    void theCoresOwnSchedulerStopsWithTheServer() throws Exception {
        Injector injector = injector();
        Scheduler scheduler = injector.getInstance(Key.get(Scheduler.class, Push.class));
        PushServer server = injector.getInstance(PushServer.class);
        server.start().toCompletableFuture().get(5, TimeUnit.SECONDS);

        server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThatThrownBy(() -> scheduler.schedule(() -> { }, Duration.ZERO))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void anApplicationsSchedulerIsUsedButNeverShutDown() throws Exception {
        ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "app-timer"));
        try {
            PushServer server = injector(PushCoreModule.scheduler(Scheduler.of(own))).getInstance(PushServer.class);

            server.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
            server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(events).allSatisfy(event -> assertThat(event).endsWith("on app-timer"));
            assertThat(own.isShutdown()).isFalse();
        } finally {
            own.shutdownNow();
        }
    }
}
