package dev.simplepush.transport.websocket;

import com.google.inject.AbstractModule;
import com.google.inject.PrivateModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.simplepush.core.Push;
import dev.simplepush.core.PushHealth;
import dev.simplepush.core.PushService;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.transport.websocket.internal.ListenerAddress;
import dev.simplepush.transport.websocket.internal.PushListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * The Undertow transport: the device WebSocket at {@code /} (P1), the app-server endpoint
 * {@code PUT /update/{token}} (P4), {@code GET /health}, and the browser client {@code GET /simplepush.js} with its
 * demo {@code GET /demo/}, on one listener.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *     new PushCoreModule(PushConfig.defaults()),
 *     new InMemoryStoreModule(),
 *     new WebSocketTransportModule(WebSocketConfig.builder().port(8080).build()));
 * }</pre>
 *
 * <p><b>Provides:</b> {@link WebSocketTransport} (singleton), added to the {@code Set<PushTransport>} multibinder
 * so {@link dev.simplepush.core.PushServer} starts and stops it; {@link EndpointUrls}, built from the configured
 * public URL or the actual listening address.
 *
 * <p><b>Requires:</b> {@link PushService}, {@link dev.simplepush.core.PushHealth} (for {@code /health}),
 * {@code @Push MeterRegistry} and {@code @Push Scheduler} (all bound by
 * {@code PushCoreModule}); the scheduler times the shutdown grace and runs the sweep of idle device
 * sockets.
 *
 * <p>Meters: {@code simplepush.endpoint.requests} by {@code dialect} ({@code simplepush}, {@code webpush}),
 * {@code outcome} (a fixed word: {@code delivered}, {@code stored}, {@code discarded}, {@code deleted},
 * {@code bad_request}, {@code not_found}, {@code gone}, {@code too_large}, {@code unauthorized}, {@code forbidden},
 * {@code method_not_allowed}, {@code queue_full}, {@code unavailable}, {@code error}) and {@code status}, and the
 * timer {@code simplepush.endpoint.duration} by {@code dialect}, from the request's head to its answer.
 *
 * <p>Binding opens nothing: the socket is bound by {@link WebSocketTransport#start()} and closed by
 * {@link WebSocketTransport#stop()}. Install at most one per injector.
 */
public final class WebSocketTransportModule extends AbstractModule {

    private final WebSocketConfig config;

    /** The transport with {@code config}. */
    public WebSocketTransportModule(WebSocketConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        install(new Internals(config));
        Multibinder.newSetBinder(binder(), PushTransport.class).addBinding().to(WebSocketTransport.class);
    }

    /** Keeps the implementation classes private to this module; only the two interfaces are exposed. */
    private static final class Internals extends PrivateModule {
        private final WebSocketConfig config;

        Internals(WebSocketConfig config) {
            this.config = config;
        }

        @Override
        protected void configure() {
            bind(WebSocketConfig.class).toInstance(config);
            bind(ListenerAddress.class).in(Singleton.class);
            bind(EndpointUrls.class).to(ListenerAddress.class);
            expose(EndpointUrls.class);
            expose(WebSocketTransport.class);
        }

        @Provides
        @Singleton
        WebSocketTransport transport(WebSocketConfig config, PushService service, PushHealth health,
                ListenerAddress address, @Push MeterRegistry meters, @Push Scheduler scheduler) {
            return new PushListener(config, service, health, address, meters, scheduler);
        }
    }
}
