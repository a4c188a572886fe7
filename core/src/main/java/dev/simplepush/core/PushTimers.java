package dev.simplepush.core;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * How the push modules build their timers, so every one has the same buckets: a {@link Timer} with a few
 * service-level objectives (1, 5, 10, 50, 100, 500 ms, 1 s, 5 s) and no percentile histogram, cheap enough to record
 * once per notification. Build each timer once, never per event.
 */
public final class PushTimers {

    private static final Duration[] OBJECTIVES = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private PushTimers() {
    }

    /** A builder of the timer {@code name} with the shared buckets and {@code description}; tags are the caller's. */
    public static Timer.Builder builder(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(OBJECTIVES);
    }
}
