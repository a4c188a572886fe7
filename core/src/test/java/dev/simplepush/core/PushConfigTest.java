package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushConfigTest {

    @Test
    void defaultsAreTheDocumentedConstants() {
        PushConfig config = PushConfig.defaults();

        assertThat(config.helloTimeout()).isEqualTo(Duration.ofSeconds(30)).isEqualTo(PushConfig.DEFAULT_HELLO_TIMEOUT);
        assertThat(config.minPingInterval()).isEqualTo(Duration.ofSeconds(20))
                .isEqualTo(PushConfig.DEFAULT_MIN_PING_INTERVAL);
        assertThat(config.maxChannelsPerDevice()).isEqualTo(1000)
                .isEqualTo(PushConfig.DEFAULT_MAX_CHANNELS_PER_DEVICE);
        assertThat(config.maxDataBytes()).isEqualTo(4096).isEqualTo(PushConfig.DEFAULT_MAX_DATA_BYTES);
        assertThat(config.tokenKeys()).isEmpty();
    }

    @Test
    void builderSetsEveryValue() {
        String key = EndpointTokens.randomKey();

        PushConfig config = PushConfig.builder()
                .helloTimeout(Duration.ofSeconds(5))
                .minPingInterval(Duration.ZERO)
                .maxChannelsPerDevice(1)
                .maxDataBytes(0)
                .maxQueuedMessages(7)
                .tokenKeys(List.of(key))
                .build();

        assertThat(config).isEqualTo(
                new PushConfig(Duration.ofSeconds(5), Duration.ZERO, 1, 0, 7, List.of(key)));
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void invalidValuesAreRejectedByTheBuilderAtOnce() {
        PushConfig.Builder builder = PushConfig.builder();

        assertThatThrownBy(() -> builder.helloTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("helloTimeout");
        assertThatThrownBy(() -> builder.helloTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("helloTimeout");
        assertThatThrownBy(() -> builder.minPingInterval(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minPingInterval");
        assertThatThrownBy(() -> builder.maxChannelsPerDevice(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxChannelsPerDevice");
        assertThatThrownBy(() -> builder.maxDataBytes(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDataBytes");
        assertThatThrownBy(() -> builder.tokenKeys(List.of(EndpointTokens.randomKey(), "%%%")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#2");
        assertThatThrownBy(() -> builder.tokenKeys(List.of(Base64.getEncoder().encodeToString(new byte[8]))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16, 24 or 32 bytes");
        assertThatThrownBy(() -> builder.helloTimeout(null)).isInstanceOf(NullPointerException.class);

        assertThat(builder.build()).isEqualTo(PushConfig.defaults());
    }

    @Test
    void invalidValuesAreRejectedByTheConstructor() {
        Duration ok = Duration.ofSeconds(1);

        assertThatThrownBy(() -> new PushConfig(Duration.ZERO, ok, 1, 0, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PushConfig(ok, Duration.ofSeconds(-1), 1, 0, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PushConfig(ok, ok, 0, 0, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PushConfig(ok, ok, 1, -1, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PushConfig(ok, ok, 1, 0, 1, List.of("not a key")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PushConfig(ok, ok, 1, 0, 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokenKeysAreCopied() {
        List<String> keys = new ArrayList<>(List.of(EndpointTokens.randomKey()));
        PushConfig config = PushConfig.builder().tokenKeys(keys).build();

        keys.add("changed after build");

        assertThat(config.tokenKeys()).hasSize(1);
        assertThatThrownBy(() -> config.tokenKeys().add(EndpointTokens.randomKey()))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringRedactsTokenKeys() {
        String first = EndpointTokens.randomKey();
        String second = EndpointTokens.randomKey();
        PushConfig config = PushConfig.builder().tokenKeys(List.of(first, second)).build();

        String text = config.toString();

        assertThat(text).doesNotContain(first).doesNotContain(second)
                .doesNotContain(first.substring(0, 8)).doesNotContain(second.substring(0, 8));
        assertThat(text).contains("redacted").contains("maxChannelsPerDevice=1000");
    }
}
