package dev.simplepush.core;

import java.time.Clock;
import java.util.Optional;

/**
 * A channel version: an integer in 0..2^63−1 chosen by the app server. This type is the one place that defines
 * "newer" (P5.1): stores apply {@link #isNewerThan(Version)} atomically, never their own comparison.
 *
 * @param value the version, at least 0
 */
public record Version(long value) implements Comparable<Version> {

    /** The smallest version. */
    public static final Version ZERO = new Version(0);

    /**
     * Validates the value.
     *
     * @throws IllegalArgumentException if the value is negative
     */
    public Version {
        if (value < 0) {
            throw new IllegalArgumentException("a version is an integer in 0..2^63-1: " + value);
        }
    }

    /** The version with this value. */
    public static Version of(long value) {
        return new Version(value);
    }

    /**
     * Parses the decimal text of an endpoint's {@code version} field (P4.2): digits only, at most 2^63−1.
     * Empty for anything else (text, sign, negative, overflow, blank).
     */
    public static Optional<Version> parse(String text) {
        int first = 0;
        while (first < text.length() - 1 && text.charAt(first) == '0') {
            first++;
        }
        // Leading zeros are digits too ("007" is 7); only the significant part is bounded.
        if (text.isEmpty() || text.length() - first > 19) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new Version(Long.parseLong(text.substring(first))));
        } catch (NumberFormatException overflow) {
            return Optional.empty();
        }
    }

    /** The version an update without one gets: the current Unix time in seconds (P4.2). */
    public static Version now(Clock clock) {
        return new Version(clock.instant().getEpochSecond());
    }

    /** Whether this version replaces {@code other}: strictly greater (P5.1). */
    public boolean isNewerThan(Version other) {
        return value > other.value;
    }

    @Override
    public int compareTo(Version other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
