package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UaidTest {

    private static final String WELL_FORMED = "0123456789abcdef0123456789abcdef";

    @Test
    void randomUaidIs32LowercaseHexCharacters() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(Uaid.random().value()).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void randomUaidsAreUnique() {
        Set<Uaid> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(Uaid.random())).isTrue();
        }
    }

    @Test
    void parseAcceptsWellFormedUaid() {
        assertThat(Uaid.parse(WELL_FORMED)).map(Uaid::value).contains(WELL_FORMED);
    }

    @Test
    void parseAcceptsEveryRandomUaid() {
        Uaid uaid = Uaid.random();

        assertThat(Uaid.parse(uaid.value())).contains(uaid);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        " ",
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0",
        "0123456789ABCDEF0123456789ABCDEF",
        "0123456789abcdef0123456789abcdeF",
        "01234567-89ab-cdef-0123-456789abcdef",
        "0123456789abcdef0123456789abcdeg",
        " 0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef\n",
        "0123456789abcdef\u0660123456789abcdef",
        "null"
    })
    void parseRejectsMalformedText(String text) {
        assertThat(Uaid.parse(text)).isEmpty();
        assertThatThrownBy(() -> new Uaid(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rawBytesRoundTrip() {
        Uaid uaid = Uaid.random();

        byte[] bytes = uaid.toBytes();

        assertThat(bytes).hasSize(16);
        assertThat(Uaid.fromBytes(bytes)).isEqualTo(uaid);
    }

    @Test
    void fromBytesRejectsWrongLength() {
        assertThatThrownBy(() -> Uaid.fromBytes(new byte[15])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Uaid.fromBytes(new byte[17])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itsTextIsAStableShortHashNotTheCredential() {
        Uaid uaid = new Uaid(WELL_FORMED);

        assertThat(uaid.toString()).matches("uaid#[0-9a-f]{8}").doesNotContain(WELL_FORMED.substring(0, 8))
                .isEqualTo(new Uaid(WELL_FORMED).toString())
                .isNotEqualTo(new Uaid("f" + WELL_FORMED.substring(1)).toString());
    }
}
