package dev.simplepush.transport.websocket;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.simplepush.core.Push;
import dev.simplepush.core.PushHealth;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.transport.websocket.internal.admin.AdminListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: a small HTTP listener of its own, off the public port, for the operator.
 *
 * <ul>
 *   <li>{@code GET /metrics}: the Prometheus text format of the application's {@link PrometheusMeterRegistry}.
 *   <li>{@code GET /health/live}, {@code GET /health/ready}: {@link PushHealth}'s reports as JSON with each
 *       component's state and detail, 200 when up, 503 when down.
 *   <li>{@code /admin/}, only with a {@linkplain AdminConfig#token() token} (else 404), which every request must
 *       carry as {@code Authorization: Bearer <token>} (else 401): {@code GET /admin/devices/<uaid>} (whether and
 *       where the device is connected, its channels and what it still has to receive; 404 for an unknown UAID, 400
 *       for a malformed one) and {@code POST /admin/drain} (202; {@link PushServer#drain} over the configured
 *       {@linkplain AdminConfig#drainTime() drain time}: readiness off for good, new devices refused, the connected
 *       ones closed in waves; the process keeps running until it is stopped).
 * </ul>
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * Injector injector = Guice.createInjector(
 *     new PushCoreModule(PushConfig.defaults()),
 *     PushCoreModule.meterRegistry(registry),
 *     new InMemoryStoreModule(),
 *     new WebSocketTransportModule(WebSocketConfig.builder().port(8080).build()),
 *     new AdminModule(AdminConfig.builder().port(9090).build()));
 * }</pre>
 *
 * <p><b>Provides:</b> {@link AdminTransport} (singleton), added to the {@code Set<PushTransport>} multibinder, so
 * {@code PushServer} starts and stops it with the other transports.
 *
 * <p><b>Requires:</b> {@link PushService}, {@link PushHealth} and {@code @Push MeterRegistry} (bound by
 * {@code PushCoreModule}). The registry served is the one given to {@link #AdminModule(AdminConfig,
 * PrometheusMeterRegistry)}, else the core's {@code @Push MeterRegistry} if that is (or, as a composite, holds) a
 * {@code PrometheusMeterRegistry}; with neither, creating it fails, naming what to bind. A given registry that the
 * core does not register its meters in is served, with a warning at creation: its text would lack the push meters.
 *
 * <p>One I/O thread and one worker thread (which renders the metrics text, off the I/O thread). Opens nothing until
 * started.
 */
public final class AdminModule extends AbstractModule {

    private static final Logger LOG = LoggerFactory.getLogger(AdminModule.class);

    private final AdminConfig config;
    private final Optional<PrometheusMeterRegistry> registry;

    /** The admin listener with {@code config}, serving the core's registry, which must be a Prometheus one. */
    public AdminModule(AdminConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Optional.empty();
    }

    /** The admin listener with {@code config}, serving {@code registry}. */
    public AdminModule(AdminConfig config, PrometheusMeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Optional.of(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), PushTransport.class).addBinding().to(AdminTransport.class);
    }

    @Provides
    @Singleton
    AdminTransport admin(PushService service, PushHealth health, @Push MeterRegistry core,
            Provider<PushServer> server) {
        PrometheusMeterRegistry served = registry.or(() -> prometheusIn(core)).orElseThrow(() ->
                new IllegalStateException("the admin listener serves a PrometheusMeterRegistry, and the core's "
                        + "registry is a " + core.getClass().getSimpleName() + ": install "
                        + "PushCoreModule.meterRegistry(prometheusRegistry), or pass the registry to AdminModule"));
        if (prometheusIn(core).filter(found -> found == served).isEmpty()) {
            LOG.warn("the admin listener serves a PrometheusMeterRegistry the push modules do not register in (theirs "
                    + "is a {}): /metrics will not show simplepush_* meters; install "
                    + "PushCoreModule.meterRegistry with the same registry", core.getClass().getSimpleName());
        }
        // A provider: the server holds this transport among its own.
        return new AdminListener(config.host(), config.port(), config.token(), service, health,
                () -> server.get().drain(config.drainTime()), served);
    }

    private static Optional<PrometheusMeterRegistry> prometheusIn(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return Optional.of(prometheus);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            return composite.getRegistries().stream().map(AdminModule::prometheusIn).flatMap(Optional::stream)
                    .findFirst();
        }
        return Optional.empty();
    }
}
