package dev.simplepush.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A health report ({@link PushHealth#live()}, {@link PushHealth#ready()}): the overall status and each component's
 * state by name ({@code "server"}, {@code "store"}, ...), in a stable order. The status is {@link Status#UP} exactly
 * when every component is up. A value, independent of any wire format.
 *
 * @param status {@code UP} if every component is up
 * @param components each component's state, in the order given
 */
public record Health(Status status, Map<String, ComponentHealth> components) {

    /** Up or down. */
    public enum Status {
        /** Working. */
        UP,
        /** Not working, or not yet, or no longer. */
        DOWN
    }

    /**
     * Validates that the status agrees with the components, and copies them.
     *
     * @throws IllegalArgumentException if {@code status} is not what the components say
     */
    public Health {
        Objects.requireNonNull(status, "status");
        components = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(components,
                "components")));
        if (status != statusOf(components)) {
            throw new IllegalArgumentException("status " + status + " disagrees with components " + components);
        }
    }

    /** The report of {@code components}: up if every one is up. */
    public static Health of(Map<String, ComponentHealth> components) {
        return new Health(statusOf(components), components);
    }

    /** Whether every component is up. */
    public boolean isUp() {
        return status == Status.UP;
    }

    private static Status statusOf(Map<String, ComponentHealth> components) {
        return components.values().stream().allMatch(ComponentHealth::isUp) ? Status.UP : Status.DOWN;
    }
}
