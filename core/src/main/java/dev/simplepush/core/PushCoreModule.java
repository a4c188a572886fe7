package dev.simplepush.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.WakeupPolicy;
import dev.simplepush.core.spi.WakeupSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
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
 *     new InMemoryStoreModule(),
 *     new WebSocketTransportModule(WebSocketConfig.builder().port(8080).build()));
 * PushServer server = injector.getInstance(PushServer.class);
 * server.start().toCompletableFuture().join();
 * }</pre>
 *
 * <p><b>Provides:</b> {@link PushService}, {@link PushServer}, {@link EndpointTokens}, {@link PushConfig}; the
 * extension points {@code Set<PushTransport>} (multibinder), {@code Optional<WakeupPolicy>},
 * {@code Optional<WakeupSender>} (absent by default), {@link Clock} (default {@code Clock.systemUTC()}) and
 * {@link MeterRegistry} (default a {@code SimpleMeterRegistry}), each replaceable with
 * {@code OptionalBinder.newOptionalBinder(binder(), X.class).setBinding()}.
 *
 * <p><b>Requires:</b> {@link DeviceStore} and {@link Router} (a store module) and {@link EndpointUrls} (the
 * transport that serves endpoints).
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

    @Override
    protected void configure() {
        bind(PushConfig.class).toInstance(config);
        requireBinding(DeviceStore.class);
        requireBinding(Router.class);
        requireBinding(EndpointUrls.class);
        Multibinder.newSetBinder(binder(), PushTransport.class);
        OptionalBinder.newOptionalBinder(binder(), WakeupPolicy.class);
        OptionalBinder.newOptionalBinder(binder(), WakeupSender.class);
        OptionalBinder.newOptionalBinder(binder(), Clock.class).setDefault().toInstance(Clock.systemUTC());
        OptionalBinder.newOptionalBinder(binder(), MeterRegistry.class).setDefault().to(SimpleMeterRegistry.class);
    }

    @Provides
    @Singleton
    SimpleMeterRegistry simpleMeterRegistry() {
        return new SimpleMeterRegistry();
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
    Timers timers() {
        return new Timers();
    }

    @Provides
    @Singleton
    PushService pushService(PushConfig config, DeviceStore store, Router router, EndpointTokens tokens,
            EndpointUrls urls, Clock clock, Timers timers, MeterRegistry meters, Optional<WakeupPolicy> wakeupPolicy,
            Optional<WakeupSender> wakeupSender) {
        return new PushService(config, store, router, tokens, urls, clock, timers, meters, wakeupPolicy,
                wakeupSender);
    }

    @Provides
    @Singleton
    PushServer pushServer(DeviceStore store, Router router, Set<PushTransport> transports, Timers timers,
            Optional<WakeupSender> wakeupSender) {
        return new PushServer(store, router, wakeupSender, new ArrayList<>(transports), timers);
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
