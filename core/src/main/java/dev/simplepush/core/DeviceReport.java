package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What an operator sees of one device ({@link PushService#inspect}): whether and where it is connected, and how
 * much it holds. Carries no channel IDs, versions or payloads.
 *
 * @param connected whether a live connection holds the device
 * @param node the id of the node holding it, when connected
 * @param channels the device's channels
 * @param pendingUpdates SimplePush updates not yet acked
 * @param queuedMessages Web Push messages waiting (possibly some expired, not yet dropped)
 */
public record DeviceReport(boolean connected, Optional<String> node, int channels, int pendingUpdates,
        int queuedMessages) {

    /** Validates that no component is null and no count negative. */
    public DeviceReport {
        Objects.requireNonNull(node, "node");
        if (channels < 0 || pendingUpdates < 0 || queuedMessages < 0) {
            throw new IllegalArgumentException("negative count");
        }
        if (connected != node.isPresent()) {
            throw new IllegalArgumentException("a connected device has a node, an offline one none");
        }
    }

    /** Pending updates and queued messages together: what the device has still to receive. */
    public int pending() {
        return pendingUpdates + queuedMessages;
    }
}
