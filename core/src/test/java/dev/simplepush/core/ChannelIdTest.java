package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelIdTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "d9b74644-4f97-46aa-b8fa-9393985cd6cd",
        "D9B74644-4F97-46AA-B8FA-9393985CD6CD",
        "d9B74644-4f97-46Aa-b8FA-9393985cd6Cd",
        "d9b746444f9746aab8fa9393985cd6cd",
        "D9B746444F9746AAB8FA9393985CD6CD",
        "D9b746444f9746AAb8fa9393985cd6CD",
        "00000000-0000-0000-0000-000000000000"
    })
    void uuidInAnySpellingIsKeptExactlyAsSent(String text) {
        // P3.2: dashed or undashed, any case, used exactly as sent.
        assertThat(ChannelId.parse(text)).map(ChannelId::value).contains(text);
        assertThat(ChannelId.of(text).value()).isEqualTo(text);
        assertThat(ChannelId.of(text)).hasToString(text);
    }

    @Test
    void differentSpellingsOfOneUuidAreDifferentChannels() {
        ChannelId lower = ChannelId.of("d9b74644-4f97-46aa-b8fa-9393985cd6cd");
        ChannelId upper = ChannelId.of("D9B74644-4F97-46AA-B8FA-9393985CD6CD");
        ChannelId undashed = ChannelId.of("d9b746444f9746aab8fa9393985cd6cd");

        assertThat(lower).isNotEqualTo(upper).isNotEqualTo(undashed);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        " ",
        "null",
        "12345",
        "not-a-uuid",
        "d9b74644-4f97-46aa-b8fa-9393985cd6c",
        "d9b74644-4f97-46aa-b8fa-9393985cd6cdd",
        "d9b746444f9746aab8fa9393985cd6c",
        "d9b746444f9746aab8fa9393985cd6cdd",
        "d9b746444-f97-46aa-b8fa-9393985cd6cd",
        "d9b74644-4f97-46aa-b8fa9393985cd6cd-",
        "d9b74644_4f97_46aa_b8fa_9393985cd6cd",
        "g9b74644-4f97-46aa-b8fa-9393985cd6cd",
        "{d9b74644-4f97-46aa-b8fa-9393985cd6cd}",
        "urn:uuid:d9b74644-4f97-46aa-b8fa-9393985cd6cd",
        " d9b74644-4f97-46aa-b8fa-9393985cd6cd",
        "d9b74644-4f97-46aa-b8fa-9393985cd6cd ",
        "d9b74644-4f97-46aa-b8fa-9393985cd6cd\n",
        "d9b74644-4f97-46aa-b8fa-9393985cd6c\u0663"
    })
    void otherTextIsRejected(String text) {
        assertThat(ChannelId.parse(text)).isEmpty();
        assertThatThrownBy(() -> ChannelId.of(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectionNamesTheValueButNotAllOfAHugeOne() {
        String huge = "x".repeat(10_000);

        assertThatThrownBy(() -> ChannelId.of("not-a-uuid")).hasMessageContaining("\"not-a-uuid\"");
        assertThatThrownBy(() -> ChannelId.of(huge)).message().hasSizeLessThan(200);
    }
}
