package dev.simplepush.core;

import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.core.spi.WakeupPolicy;
import dev.simplepush.core.spi.WakeupSender;
import java.time.Clock;
import java.util.Optional;

/**
 * What every session of a node works with, made once by {@link PushCoreModule} and shared by all sessions.
 *
 * @param wakeupPolicy present when a wake-up module is installed (P8)
 * @param wakeupSender present when a wake-up module is installed (P8)
 */
record SessionContext(
        PushConfig config,
        DeviceStore store,
        Router router,
        EndpointTokens tokens,
        EndpointUrls endpointUrls,
        Clock clock,
        Scheduler scheduler,
        SessionMeters meters,
        Optional<WakeupPolicy> wakeupPolicy,
        Optional<WakeupSender> wakeupSender) {
}
