package dev.simplepush.core;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.HealthCheck;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.core.spi.WakeupPolicy;
import dev.simplepush.core.spi.WakeupSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol core. Install it together with exactly one store module and at least one transport module.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *     new PushCoreModule(PushConfig.defaults()),
 *     PushCoreModule.meterRegistry(appRegistry),          // optional: the application's own registry
 *     new InMemoryStoreModule(),
 *     new WebSocketTransportModule(WebSocketConfig.builder().port(8080).build()));
 * PushServer server = injector.getInstance(PushServer.class);
 * server.start().toCompletableFuture().join();
 * }</pre>
 *
 * <p><b>Provides:</b> {@link PushService}, {@link PushServer}, {@link PushHealth}, {@link EndpointTokens},
 * {@link PushConfig}; the extension points {@code Set<PushTransport>} (multibinder),
 * {@code Map<String, HealthCheck>} (map binder, the checks of readiness by component name),
 * {@code Optional<WakeupPolicy>} and {@code Optional<WakeupSender>} (absent by default); and, qualified with
 * {@link Push} so that an application's own bindings of these types are never claimed: {@code @Push Clock} (default
 * {@code Clock.systemUTC()}), {@code @Push MeterRegistry} (default a private {@code SimpleMeterRegistry}) and
 * {@code @Push Scheduler} (default one daemon thread, stopped by {@link PushServer#stop()}). Replace them with
 * {@link #clock}, {@link #meterRegistry} and {@link #scheduler}.
 *
 * <p><b>Requires:</b> {@link DeviceStore} and {@link Router} (a store module) and {@link EndpointUrls} (the
 * transport that serves endpoints).
 *
 * <p>Meters, in {@code @Push MeterRegistry}: the sessions' ({@code simplepush.connections}, {@code .hellos}, ...),
 * {@code simplepush.delivery.duration} by {@code dialect} (from the store's acceptance to the notification written,
 * or to the holding node's receipt when another node holds the device) and {@code simplepush.store.duration} by
 * {@code operation} and {@code result} (every call of the bound {@link DeviceStore}, whichever it is).
 *
 * <p>Opens nothing and starts no thread; {@link PushServer#start()} does.
 */
public final class PushCoreModule extends AbstractModule {

    private static final Logger LOG = LoggerFactory.getLogger(PushCoreModule.class);

    private final PushConfig config;

    /** The core with {@code config}. */
    public PushCoreModule(PushConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A module that makes the push modules use the application's {@code clock}. Install it beside this one. */
    public static Module clock(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        return binder -> OptionalBinder.newOptionalBinder(binder, Key.get(Clock.class, Push.class)).setBinding()
                .toInstance(clock);
    }

    /**
     * A module that makes the push modules register their meters in the application's {@code registry}. Install
     * it beside this one.
     */
    public static Module meterRegistry(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return binder -> OptionalBinder.newOptionalBinder(binder, Key.get(MeterRegistry.class, Push.class))
                .setBinding().toInstance(registry);
    }

    /**
     * A module that makes the push modules schedule their timers on the application's {@code scheduler} (for
     * example {@link Scheduler#of}), which the push server then never stops. Install it beside this one.
     */
    public static Module scheduler(Scheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return binder -> OptionalBinder.newOptionalBinder(binder, Key.get(Scheduler.class, Push.class)).setBinding()
                .toInstance(scheduler);
    }

    @Override
    protected void configure() {
        bind(PushConfig.class).toInstance(config);
        requireBinding(DeviceStore.class);
        requireBinding(Router.class);
        requireBinding(EndpointUrls.class);
        Multibinder.newSetBinder(binder(), PushTransport.class);
        MapBinder.newMapBinder(binder(), String.class, HealthCheck.class);
        OptionalBinder.newOptionalBinder(binder(), WakeupPolicy.class);
        OptionalBinder.newOptionalBinder(binder(), WakeupSender.class);
        OptionalBinder.newOptionalBinder(binder(), Key.get(Clock.class, Push.class)).setDefault()
                .toInstance(Clock.systemUTC());
        OptionalBinder.newOptionalBinder(binder(), Key.get(MeterRegistry.class, Push.class)).setDefault()
                .toProvider(SimpleMeterRegistry::new).in(Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), Key.get(Scheduler.class, Push.class)).setDefault()
                .toProvider(ThreadScheduler::new).in(Singleton.class);
    }

    @Provides
    @Singleton
    EndpointTokens endpointTokens(PushConfig config) {
        if (config.tokenKeys().isEmpty()) {
            LOG.warn("no endpoint token key configured: using a random key, so endpoints handed out now stop "
                    + "working when this server restarts");
            return EndpointTokens.withRandomKey();
        }
        return EndpointTokens.fromBase64Keys(config.tokenKeys());
    }

    @Provides
    @Singleton
    SessionContext sessionContext(PushConfig config, DeviceStore store, Router router, EndpointTokens tokens,
            EndpointUrls urls, @Push Clock clock, @Push Scheduler scheduler, @Push MeterRegistry meters,
            Optional<WakeupPolicy> wakeupPolicy, Optional<WakeupSender> wakeupSender) {
        return new SessionContext(config, new MeteredDeviceStore(store, meters), router, tokens, urls, clock, scheduler,
                new SessionMeters(meters), wakeupPolicy, wakeupSender);
    }

    @Provides
    @Singleton
    PushService pushService(SessionContext context) {
        return new PushService(context);
    }

    @Provides
    @Singleton
    PushHealth pushHealth(Map<String, HealthCheck> checks, @Push Scheduler scheduler) {
        return new PushHealth(checks, scheduler, PushHealth.CHECK_TIMEOUT);
    }

    @Provides
    @Singleton
    PushServer pushServer(DeviceStore store, Router router, Set<PushTransport> transports,
            @Push Scheduler scheduler, Optional<WakeupSender> wakeupSender, PushHealth health) {
        return new PushServer(store, router, wakeupSender, transports, scheduler, health);
    }

    // One core per injector: installing the module twice is harmless.
    @Override
    public boolean equals(Object other) {
        return other instanceof PushCoreModule;
    }

    @Override
    public int hashCode() {
        return PushCoreModule.class.hashCode();
    }
}
