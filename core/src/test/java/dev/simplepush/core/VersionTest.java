package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "7, 7",
        "1385402937, 1385402937",
        "0000000000000000042, 42",
        "000000000000000000000000000001, 1",
        "0009223372036854775807, 9223372036854775807",
        "9223372036854775807, 9223372036854775807"
    })
    void parseAcceptsDecimalDigitsUpToLargestLong(String text, long expected) {
        assertThat(Version.parse(text)).contains(Version.of(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        " ",
        "   ",
        " 1",
        "1 ",
        "1 2",
        "-1",
        "-0",
        "+1",
        "1.0",
        "1e3",
        "0x10",
        "abc",
        "12abc",
        "9223372036854775808",
        "18446744073709551616",
        "0009223372036854775808",
        "99999999999999999999999999999",
        "\u0661\u0662\u0663",
        "\uff11\uff12\uff13"
    })
    void parseRejectsAnythingButDigitsInRange(String text) {
        // P4.2: text, sign, negative, overflow and blanks are a 400, never a version.
        assertThat(Version.parse(text)).isEmpty();
    }

    @Test
    void negativeVersionIsRejected() {
        assertThatThrownBy(() -> Version.of(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Version.of(Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroAndLargestLongAreVersions() {
        assertThat(Version.of(0)).isEqualTo(Version.ZERO);
        assertThat(Version.of(Long.MAX_VALUE).value()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void onlyStrictlyGreaterVersionIsNewer() {
        assertThat(Version.of(2).isNewerThan(Version.of(1))).isTrue();
        assertThat(Version.of(Long.MAX_VALUE).isNewerThan(Version.ZERO)).isTrue();
        assertThat(Version.of(1).isNewerThan(Version.of(1))).isFalse();
        assertThat(Version.of(1).isNewerThan(Version.of(2))).isFalse();
        assertThat(Version.ZERO.isNewerThan(Version.ZERO)).isFalse();
    }

    @Test
    void orderAgreesWithNewer() {
        assertThat(Version.of(1)).isLessThan(Version.of(2));
        assertThat(Version.of(3)).isEqualByComparingTo(Version.of(3));
        assertThat(Version.of(Long.MAX_VALUE)).isGreaterThan(Version.of(Long.MAX_VALUE - 1));
    }

    @Test
    void defaultVersionIsUnixTimeInSeconds() {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_385_402_937_999L), ZoneOffset.UTC);

        // P4.2: seconds, not milliseconds, so a later explicit seconds-based version still counts as newer.
        assertThat(Version.now(clock)).isEqualTo(Version.of(1_385_402_937L));
    }

    @Test
    void toStringIsTheDecimalValue() {
        assertThat(Version.of(42)).hasToString("42");
    }
}
