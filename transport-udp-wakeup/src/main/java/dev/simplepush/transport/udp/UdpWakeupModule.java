package dev.simplepush.transport.udp;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import dev.simplepush.core.Push;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.core.spi.WakeupPolicy;
import dev.simplepush.core.spi.WakeupSender;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * UDP wake-up of mobile devices (P8). Install next to {@code PushCoreModule}, a store module and a transport:
 *
 * <pre>{@code
 * new UdpWakeupModule(UdpWakeupConfig.builder()
 *     .network(WakeupNetwork.parse("mcc=214,mnc=07,method=udp"))
 *     .build())
 * }</pre>
 *
 * <p><b>Provides:</b> the core's optional {@link WakeupPolicy} (eligibility by network, P8.1, and the idle
 * timeout, P8.2) and {@link WakeupSender} (direct UDP datagram or the operator's HTTPS service, with retries and
 * back-off, P8.3), and {@link UdpWakeupConfig}. Meters {@code simplepush.wakeup.sent}, {@code .failed},
 * {@code .retried}, {@code .woken}, and the timer {@code simplepush.wakeup.duration}.
 *
 * <p><b>Requires:</b> {@link Router} (a store module), {@code @Push MeterRegistry} and {@code @Push Scheduler} (the
 * core).
 *
 * <p>Binds only; the sender opens its UDP channel and HTTPS clients when {@code PushServer.start()} starts it.
 */
public final class UdpWakeupModule extends AbstractModule {

    private final UdpWakeupConfig config;

    /** UDP wake-up with {@code config}. */
    public UdpWakeupModule(UdpWakeupConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(UdpWakeupConfig.class).toInstance(config);
        requireBinding(Router.class);
        OptionalBinder.newOptionalBinder(binder(), WakeupPolicy.class).setBinding().to(NetworkWakeupPolicy.class);
        OptionalBinder.newOptionalBinder(binder(), WakeupSender.class).setBinding().to(UdpWakeupSender.class);
    }

    @Provides
    @Singleton
    NetworkWakeupPolicy policy(UdpWakeupConfig config) {
        return new NetworkWakeupPolicy(config);
    }

    @Provides
    @Singleton
    UdpWakeupSender sender(UdpWakeupConfig config, NetworkWakeupPolicy policy, Router router,
            @Push MeterRegistry meters, @Push Scheduler scheduler) {
        return new UdpWakeupSender(config, policy, router, meters, scheduler);
    }
}
