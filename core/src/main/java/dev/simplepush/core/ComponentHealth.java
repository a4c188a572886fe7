package dev.simplepush.core;

import java.util.Objects;

/**
 * One component's state in a {@link Health} report: up or down, and a short detail for an operator ("started",
 * "no answer in 500 ms"). A detail never holds secrets; it is cut to {@value #MAX_DETAIL_LENGTH} characters.
 *
 * @param status up or down
 * @param detail a short explanation, possibly empty
 */
public record ComponentHealth(Health.Status status, String detail) {

    /** The longest detail kept. */
    public static final int MAX_DETAIL_LENGTH = 200;

    /** Validates that no component is null, and cuts a long detail. */
    public ComponentHealth {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        if (detail.length() > MAX_DETAIL_LENGTH) {
            detail = detail.substring(0, MAX_DETAIL_LENGTH - 3) + "...";
        }
    }

    /** Up, with {@code detail}. */
    public static ComponentHealth up(String detail) {
        return new ComponentHealth(Health.Status.UP, detail);
    }

    /** Down, with {@code detail} saying why. */
    public static ComponentHealth down(String detail) {
        return new ComponentHealth(Health.Status.DOWN, detail);
    }

    /** Whether the component is up. */
    public boolean isUp() {
        return status == Health.Status.UP;
    }
}
