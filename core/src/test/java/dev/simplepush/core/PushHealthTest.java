package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.HealthCheck;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.testing.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PushHealthTest {

    /** A transport whose start completes when the test says so: the listener coming up. */
    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private volatile ComponentHealth store = ComponentHealth.up("reachable");

    private Injector injector() {
        return Guice.createInjector(Stage.PRODUCTION, new PushCoreModule(PushConfig.defaults()), binder -> {
            binder.bind(DeviceStore.class).toInstance(new SessionStore());
            binder.bind(Router.class).toInstance(new SessionRouter());
            binder.bind(EndpointUrls.class).toInstance(token -> URI.create("http://push.test/" + token.value()));
            Multibinder.newSetBinder(binder, PushTransport.class).addBinding().toInstance(new PushTransport() {
                @Override
                public CompletionStage<Void> start() {
                    return listening;
                }
            });
            MapBinder.newMapBinder(binder, String.class, HealthCheck.class).addBinding("store")
                    .toInstance(() -> CompletableFuture.completedFuture(store));
        });
    }

    /** Starts the server, its listener up at once, and answers its health. */
    private PushHealth started(Injector injector) throws Exception {
        listening.complete(null);
        injector.getInstance(PushServer.class).start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        return injector.getInstance(PushHealth.class);
    }

    private static Health now(CompletionStage<Health> report) throws Exception {
        return report.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void readyOnlyOnceStartHasCompletedAndUntilStopBegins() throws Exception {
        Injector injector = injector();
        PushHealth health = injector.getInstance(PushHealth.class);
        PushServer server = injector.getInstance(PushServer.class);

        assertThat(now(health.ready()).components()).containsEntry("server", ComponentHealth.down("starting"));
        CompletionStage<Void> started = server.start();
        assertThat(now(health.ready()).isUp()).as("listener not up yet").isFalse();
        assertThat(now(health.live()).isUp()).as("alive while starting").isTrue();

        listening.complete(null);
        started.toCompletableFuture().get(5, TimeUnit.SECONDS);
        Health ready = now(health.ready());
        assertThat(ready.isUp()).isTrue();
        assertThat(ready.components()).containsExactly(Map.entry("server", ComponentHealth.up("started")),
                Map.entry("store", ComponentHealth.up("reachable")));

        server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(now(health.ready()).components()).containsEntry("server", ComponentHealth.down("stopping"));
        assertThat(now(health.live()).isUp()).isFalse();
    }

    @Test
    void drainingIsNotReadyForGoodButStillLive() throws Exception {
        Injector injector = injector();
        PushHealth health = started(injector);

        health.drain();

        assertThat(health.draining()).isTrue();
        Health ready = now(health.ready());
        assertThat(ready.status()).isEqualTo(Health.Status.DOWN);
        assertThat(ready.components()).containsEntry("server", ComponentHealth.down("draining"));
        assertThat(now(health.live()).isUp()).isTrue();
        injector.getInstance(PushServer.class).stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aServerDrainTurnsReadinessOffFirst() throws Exception {
        Injector injector = injector();
        PushHealth health = started(injector);

        injector.getInstance(PushServer.class).drain(Duration.ZERO).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(health.draining()).isTrue();
        assertThat(now(health.ready()).components()).containsEntry("server", ComponentHealth.down("draining"));
        injector.getInstance(PushServer.class).stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aCheckThatIsDownMakesReadyDownButNotLive() throws Exception {
        Injector injector = injector();
        PushHealth health = started(injector);

        store = ComponentHealth.down("connection refused");

        assertThat(now(health.ready()).isUp()).isFalse();
        assertThat(now(health.ready()).components()).containsEntry("store",
                ComponentHealth.down("connection refused"));
        assertThat(now(health.live()).isUp()).as("a store outage must not get the process killed").isTrue();
        store = ComponentHealth.up("back");
        assertThat(now(health.ready()).isUp()).isTrue();
        injector.getInstance(PushServer.class).stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aCheckThatDoesNotAnswerInTimeIsDown() {
        ManualScheduler time = new ManualScheduler();
        HealthCheck silent = CompletableFuture::new;
        HealthCheck quick = () -> CompletableFuture.completedFuture(ComponentHealth.up("fine"));
        PushHealth health = new PushHealth(Map.of("slow", silent, "quick", quick), time, PushHealth.CHECK_TIMEOUT);
        health.started();

        CompletableFuture<Health> ready = health.ready().toCompletableFuture();
        time.advance(PushHealth.CHECK_TIMEOUT.minusMillis(1));
        assertThat(ready).as("waits for the slow check up to the timeout").isNotDone();
        time.advance(Duration.ofMillis(1));

        assertThat(ready).isDone();
        assertThat(ready.join().status()).isEqualTo(Health.Status.DOWN);
        assertThat(ready.join().components()).containsEntry("slow", ComponentHealth.down("no answer in 500 ms"))
                .containsEntry("quick", ComponentHealth.up("fine"));
    }

    @Test
    void aFailingOrThrowingCheckIsDownWithItsReason() {
        ManualScheduler time = new ManualScheduler();
        HealthCheck failing = () -> CompletableFuture.failedFuture(new StoreException("Redis is gone"));
        HealthCheck throwing = () -> {
            throw new IllegalStateException("not configured");
        };
        PushHealth health = new PushHealth(Map.of("a", failing, "b", throwing), time, PushHealth.CHECK_TIMEOUT);
        health.started();

        Health ready = health.ready().toCompletableFuture().join();

        assertThat(ready.components().get("a").detail()).contains("Redis is gone");
        assertThat(ready.components().get("b").detail()).contains("not configured");
        assertThat(ready.isUp()).isFalse();
        assertThat(time.pending()).as("no timer left behind for checks that answered").isZero();
    }

    @Test
    void noCheckMayTakeTheServersName() {
        HealthCheck check = () -> CompletableFuture.completedFuture(ComponentHealth.up(""));
        assertThatThrownBy(() -> new PushHealth(Map.of("server", check), new ManualScheduler(),
                PushHealth.CHECK_TIMEOUT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server");
    }

    @Test
    void aHealthReportsStatusMustAgreeWithItsComponents() {
        assertThatThrownBy(() -> new Health(Health.Status.UP, Map.of("store", ComponentHealth.down("x"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ComponentHealth.down("x".repeat(500)).detail()).hasSize(ComponentHealth.MAX_DETAIL_LENGTH);
    }
}
