package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushCoreModule;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node on Redis records Lettuce's command latencies and its store calls in the core's registry, by command and by
 * operation, never by device.
 */
class RedisMetersIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    @Test
    void redisCommandsAndStoreCallsAreTimedInTheCoresRegistry() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Node node = Node.start(REDIS.config().build(), PushCoreModule.meterRegistry(meters));
                Device device = Device.connect(node.webSocket())) {
            device.hello();
            Device.Registration channel = device.register();
            assertThat(node.put(channel.endpoint(), "version=7").statusCode()).isEqualTo(200);
            device.awaitUpdate(channel.channel(), 7);

            // Lettuce records a command when its answer has arrived, on its event loop.
            assertThat(CrossNodeRouting.eventually(() -> commandsTimed(meters).contains("EVALSHA"))).isTrue();
            Timer completion = meters.find("lettuce.command.completion").tag("command", "EVALSHA").timer();
            assertThat(completion.count()).isPositive();
            assertThat(meters.find("simplepush.store.duration").tag("operation", "advance").tag("result", "ok")
                    .timer().count()).isEqualTo(1);
            assertThat(meters.find("simplepush.delivery.duration").tag("dialect", "simplepush").timer().count())
                    .isEqualTo(1);
        }
    }

    private static Set<String> commandsTimed(SimpleMeterRegistry meters) {
        return meters.find("lettuce.command.completion").timers().stream().map(Timer::getId)
                .map(id -> id.getTag("command")).collect(Collectors.toSet());
    }

    @Test
    void noMeterGrowsWithDevices() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Node node = Node.start(REDIS.config().build(), PushCoreModule.meterRegistry(meters))) {
            deliverOnce(node);
            Set<Meter.Id> after1 = ours(meters);
            for (int i = 0; i < 50; i++) {
                deliverOnce(node);
            }
            assertThat(ours(meters)).isEqualTo(after1);
            // Lettuce's meters are one per command name (which commands ran may vary with timing), and one Redis.
            assertThat(lettuces(meters)).allSatisfy(id -> {
                assertThat(id.getTag("command")).matches("[A-Z]+");
                assertThat(id.getTag("remote")).endsWith(":" + RedisURI.create(REDIS.uri()).getPort());
            });
            assertThat(lettuces(meters)).hasSizeLessThan(60);
        }
    }

    private static Set<Meter.Id> ours(SimpleMeterRegistry meters) {
        return meters.getMeters().stream().map(Meter::getId).filter(id -> !id.getName().startsWith("lettuce."))
                .collect(Collectors.toSet());
    }

    private static Set<Meter.Id> lettuces(SimpleMeterRegistry meters) {
        return meters.getMeters().stream().map(Meter::getId).filter(id -> id.getName().startsWith("lettuce."))
                .collect(Collectors.toSet());
    }

    private static void deliverOnce(Node node) {
        try (Device device = Device.connect(node.webSocket())) {
            device.hello();
            Device.Registration channel = device.register();
            assertThat(node.put(channel.endpoint(), "version=1").statusCode()).isEqualTo(200);
            device.awaitUpdate(channel.channel(), 1);
            device.ack(channel.channel(), 1);
        }
    }
}
