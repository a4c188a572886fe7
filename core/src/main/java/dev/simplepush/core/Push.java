package dev.simplepush.core;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Qualifies the shared objects the push modules use, so that they never claim an application's own bindings of
 * the same types: {@code @Push Clock}, {@code @Push MeterRegistry} and {@code @Push Scheduler}. {@code PushCoreModule}
 * binds defaults for all three; an application replaces them with {@link PushCoreModule#clock},
 * {@link PushCoreModule#meterRegistry} and {@link PushCoreModule#scheduler}, or with
 * {@code OptionalBinder.newOptionalBinder(binder, Key.get(MeterRegistry.class, Push.class)).setBinding()...}.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Push {
}
