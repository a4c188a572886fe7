package dev.simplepush.transport.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.transport.websocket.WebSocketConfig;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConnectionLimitTest {

    @Test
    void theDefaultLeavesAShareOfTheOpenFilesLimitAndAReserve() {
        assertThat(ConnectionLimit.fromOpenFiles(OptionalLong.of(1_048_576))).isEqualTo(943_718 - 100);
        assertThat(ConnectionLimit.fromOpenFiles(OptionalLong.of(65_536))).isEqualTo(58_982 - 100);
        assertThat(ConnectionLimit.fromOpenFiles(OptionalLong.of(1024))).isEqualTo(921 - 100);
    }

    @Test
    void aTinyOrUnknownLimitStillAdmitsSomething() {
        assertThat(ConnectionLimit.fromOpenFiles(OptionalLong.of(50))).isEqualTo(1);
        assertThat(ConnectionLimit.fromOpenFiles(OptionalLong.empty())).isEqualTo(Integer.MAX_VALUE);
        assertThat(ConnectionLimit.fromOpenFiles(OptionalLong.of(Long.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aConfiguredLimitWins() {
        assertThat(ConnectionLimit.of(WebSocketConfig.builder().maxConnections(20).build())).isEqualTo(20);
        assertThat(ConnectionLimit.of(WebSocketConfig.defaults()))
                .isEqualTo(ConnectionLimit.fromOpenFiles(ConnectionLimit.openFilesLimit()));
    }

    @Test
    void theIdleSweepRunsFourTimesPerTimeout() {
        assertThat(PushListener.sweepPeriod(Duration.ofMinutes(35))).isEqualTo(Duration.ofSeconds(525));
        assertThat(PushListener.sweepPeriod(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(25));
    }
}
