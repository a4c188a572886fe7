package dev.simplepush.transport.udp;

import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.spi.WakeupPolicy;
import java.time.Duration;
import java.util.Optional;

/** P8.1 eligibility against the configured networks. Immutable, so thread-safe. */
final class NetworkWakeupPolicy implements WakeupPolicy {

    private final UdpWakeupConfig config;

    NetworkWakeupPolicy(UdpWakeupConfig config) {
        this.config = config;
    }

    @Override
    public boolean isEligible(WakeupAddress address) {
        return networkFor(address).isPresent();
    }

    /**
     * The first network that identifies the device and covers its IP. Port range and numeric mcc/mnc are
     * already guaranteed by {@link WakeupAddress}.
     */
    Optional<WakeupNetwork> networkFor(WakeupAddress address) {
        for (WakeupNetwork network : config.networks()) {
            if (network.identifies(address) && network.covers(address.ip())) {
                return Optional.of(network);
            }
        }
        return Optional.empty();
    }

    @Override
    public Duration idleTimeout() {
        return config.idleTimeout();
    }
}
