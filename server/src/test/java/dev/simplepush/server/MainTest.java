package dev.simplepush.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void splitsCommaSeparatedTokenKeys() {
        assertThat(Main.splitKeys(" a, b ,,c ")).containsExactly("a", "b", "c");
        assertThat(Main.splitKeys("")).isEmpty();
        assertThat(Main.splitKeys(null)).isEmpty();
    }

    @Test
    void publicUrlMustBeAnAbsoluteHttpUrl() {
        assertThat(Main.parsePublicUrl("https://push.example.com")).contains(URI.create("https://push.example.com"));
        assertThat(Main.parsePublicUrl(null)).isEqualTo(Optional.empty());
        for (String bad : List.of("push.example.com", "ftp://push.example.com", "http://", "::")) {
            assertThatThrownBy(() -> Main.parsePublicUrl(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--public-url");
        }
    }
}
