package dev.simplepush.transport.websocket.internal;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.simplepush.transport.websocket.WebSocketConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

/**
 * The most connections a listener keeps open at once: the configured limit, else a share of the process's
 * open-files limit that leaves descriptors to everything else (the store's connections, log files, the JVM's own
 * jars) and to the accepts that refuse connections past the limit, so that accept itself never fails with "Too many
 * open files" (XNIO then stops accepting for up to 30 seconds, and new clients wait without an answer).
 */
final class ConnectionLimit {

    private ConnectionLimit() {
    }

    /** The limit {@code config} asks for, or the default one from this process's open-files limit. */
    static int of(WebSocketConfig config) {
        return config.maxConnections().orElseGet(() -> fromOpenFiles(openFilesLimit()));
    }

    /**
     * {@value WebSocketConfig#DEFAULT_OPEN_FILES_PERCENT}% of {@code openFiles} less
     * {@value WebSocketConfig#OPEN_FILES_RESERVE}, at least 1; no limit if the open-files limit is unknown.
     */
    static int fromOpenFiles(OptionalLong openFiles) {
        if (openFiles.isEmpty() || openFiles.getAsLong() <= 0) {
            return Integer.MAX_VALUE;
        }
        long share = openFiles.getAsLong() / 100 * WebSocketConfig.DEFAULT_OPEN_FILES_PERCENT
                + openFiles.getAsLong() % 100 * WebSocketConfig.DEFAULT_OPEN_FILES_PERCENT / 100
                - WebSocketConfig.OPEN_FILES_RESERVE;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, share));
    }

    /**
     * This process's soft limit of open files ({@code RLIMIT_NOFILE}; the JVM raises it to the hard limit at start
     * on Linux), empty where the platform does not tell.
     */
    static OptionalLong openFilesLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return OptionalLong.of(unix.getMaxFileDescriptorCount());
        }
        return OptionalLong.empty();
    }
}
