package dev.simplepush.core.spi;

import dev.simplepush.core.ComponentHealth;
import java.util.concurrent.CompletionStage;

/**
 * One component's check of its own health (a store: can it reach its server?), part of readiness
 * ({@link dev.simplepush.core.PushHealth#ready()}). Modules contribute checks by name with a Guice
 * {@code MapBinder<String, HealthCheck>}:
 *
 * <pre>{@code
 * MapBinder.newMapBinder(binder(), String.class, HealthCheck.class).addBinding("store").to(MyStoreCheck.class);
 * }</pre>
 *
 * <p>Thread-safe; never blocks the caller. A check may be asked often (every probe of a load balancer), so one that
 * does I/O should answer from a recent result. {@code PushHealth} counts a check that has not answered within
 * {@link dev.simplepush.core.PushHealth#CHECK_TIMEOUT}, or whose stage fails, as down; a check that knows why it is
 * down should answer {@link ComponentHealth#down(String)} with the reason instead.
 */
@FunctionalInterface
public interface HealthCheck {

    /** The component's state now, or as of a moment ago. */
    CompletionStage<ComponentHealth> check();
}
