package dev.simplepush.store.memory;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of {@link InMemoryStoreModule}: how long an idle device is kept and how many devices the heap may
 * hold. Immutable and validated on construction; build one with {@link #builder()} or take {@link #defaults()}.
 *
 * @param deviceTtl how long a device that is neither seen (hello) nor written to (a register, an update or Web Push
 *     message stored for it, an ack) is kept; it is then forgotten with its channels and queued messages, and a
 *     later hello with its UAID gets a new one (P2.4). The same meaning as the Redis store's device TTL
 * @param maxDevices the most devices the store holds; past it a hello that needs a new device is refused (503,
 *     then closed with 1013) while the devices already stored keep working
 */
public record InMemoryStoreConfig(Duration deviceTtl, int maxDevices) {

    /** The default device time-to-live: 60 days, as the Redis store's. */
    public static final Duration DEFAULT_DEVICE_TTL = Duration.ofDays(60);

    /**
     * The heap allowed per device by the default {@link #maxDevices}: {@value} bytes. A stored device costs about
     * 240 bytes and each of its channels about 160 more; a connected one about 1.7 KB with its socket. At this share
     * a hello flood (devices without channels) stops at about an eighth of the heap (measured: 60 MiB of a 512 MiB
     * heap), and even as many connected devices fit in it.
     */
    public static final long HEAP_BYTES_PER_DEVICE = 2048;

    /** The least default {@link #maxDevices}, whatever the heap: {@value}. */
    public static final int MIN_DEFAULT_MAX_DEVICES = 1000;

    /**
     * The default most devices: this JVM's maximum heap ({@code -Xmx}, {@link Runtime#maxMemory()}) divided by
     * {@link #HEAP_BYTES_PER_DEVICE}, at least {@link #MIN_DEFAULT_MAX_DEVICES}; for example 262,144 devices with a
     * 512 MiB heap, 2,097,152 with 4 GiB.
     */
    public static final int DEFAULT_MAX_DEVICES = maxDevicesFor(Runtime.getRuntime().maxMemory());

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException if the TTL is below 1 s or {@code maxDevices} is below 1
     */
    public InMemoryStoreConfig {
        Objects.requireNonNull(deviceTtl, "deviceTtl");
        if (deviceTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("deviceTtl must be at least 1s: " + deviceTtl);
        }
        if (maxDevices < 1) {
            throw new IllegalArgumentException("maxDevices must be at least 1: " + maxDevices);
        }
    }

    /** Every default: a 60-day TTL and {@link #DEFAULT_MAX_DEVICES}. */
    public static InMemoryStoreConfig defaults() {
        return builder().build();
    }

    /** A builder pre-filled with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this configuration. */
    public Builder toBuilder() {
        return new Builder().deviceTtl(deviceTtl).maxDevices(maxDevices);
    }

    /** The default {@link #maxDevices} for a heap of at most {@code maxHeapBytes}. */
    static int maxDevicesFor(long maxHeapBytes) {
        long devices = maxHeapBytes / HEAP_BYTES_PER_DEVICE;
        return (int) Math.max(MIN_DEFAULT_MAX_DEVICES, Math.min(devices, Integer.MAX_VALUE));
    }

    /** Builds an {@link InMemoryStoreConfig}; setters validate at once. Not thread-safe. */
    public static final class Builder {

        private Duration deviceTtl = DEFAULT_DEVICE_TTL;
        private int maxDevices = DEFAULT_MAX_DEVICES;

        private Builder() {
        }

        /**
         * How long a device neither seen nor written to is kept; at least 1 s. Defaults to 60 days
         * ({@link #DEFAULT_DEVICE_TTL}).
         *
         * @throws IllegalArgumentException if below 1 s
         */
        public Builder deviceTtl(Duration deviceTtl) {
            Objects.requireNonNull(deviceTtl, "deviceTtl");
            if (deviceTtl.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("deviceTtl must be at least 1s: " + deviceTtl);
            }
            this.deviceTtl = deviceTtl;
            return this;
        }

        /**
         * The most devices the store holds; at least 1. Defaults to one per {@link #HEAP_BYTES_PER_DEVICE} bytes of
         * maximum heap ({@link #DEFAULT_MAX_DEVICES}).
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxDevices(int maxDevices) {
            if (maxDevices < 1) {
                throw new IllegalArgumentException("maxDevices must be at least 1: " + maxDevices);
            }
            this.maxDevices = maxDevices;
            return this;
        }

        /** The configuration. */
        public InMemoryStoreConfig build() {
            return new InMemoryStoreConfig(deviceTtl, maxDevices);
        }
    }
}
