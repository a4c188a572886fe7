package dev.simplepush.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {

    @Test
    void parsesMillisecondsSecondsMinutesHoursAndDays() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("60d")).isEqualTo(Duration.ofDays(60));
    }

    @Test
    void rejectsOtherTextNamingTheAcceptedForms() {
        for (String bad : new String[] {"", "10", "s", "-5s", "1.5s", "10 s", "10sec", "5w", "1.5d"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
                    .isInstanceOf(TypeConversionException.class).hasMessageContaining("500ms, 10s, 2m");
        }
    }
}
