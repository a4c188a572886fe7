package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class WebSocketConfigTest {

    @Test
    void defaults() {
        WebSocketConfig config = WebSocketConfig.defaults();
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.publicUrl()).isEmpty();
        assertThat(config.maxFrameBytes()).isEqualTo(64 * 1024);
        assertThat(config.maxBodyBytes()).isEqualTo(WebSocketConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(config.ioThreads()).isEqualTo(WebSocketConfig.DEFAULT_IO_THREADS);
        assertThat(config.corsAllowedOrigin()).isEqualTo("*");
        assertThat(config.httpIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.demoPage()).isTrue();
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxConnections()).isEmpty();
        assertThat(config.deviceIdleTimeout()).isEqualTo(Duration.ofMinutes(35));
    }

    @Test
    void toBuilderRoundTrips() {
        WebSocketConfig config = WebSocketConfig.builder().host("0.0.0.0").port(0)
                .publicUrl(URI.create("https://push.example.com/sp/")).maxFrameBytes(1000).maxBodyBytes(2000)
                .ioThreads(4).corsAllowedOrigin("https://app.example.com").httpIdleTimeout(Duration.ofSeconds(5)).demoPage(false)
                .shutdownGrace(Duration.ofMillis(500)).maxConnections(20).deviceIdleTimeout(Duration.ofSeconds(1))
                .build();
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.publicUrl()).contains(URI.create("https://push.example.com/sp/"));
    }

    @Test
    void zeroShutdownGraceIsAllowed() {
        assertThat(WebSocketConfig.builder().shutdownGrace(Duration.ZERO).build().shutdownGrace()).isZero();
    }

    @Test
    void toStringNamesEverySetting() {
        assertThat(WebSocketConfig.defaults().toString()).contains("httpIdleTimeout=PT1M", "shutdownGrace=PT2S");
    }

    @Test
    void settersValidateAtOnce() {
        WebSocketConfig.Builder builder = WebSocketConfig.builder();
        assertThatThrownBy(() -> builder.host(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.port(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.port(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxFrameBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxBodyBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.ioThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.corsAllowedOrigin("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.httpIdleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.httpIdleTimeout(Duration.ofDays(25)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.shutdownGrace(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.shutdownGrace(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxConnections(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.deviceIdleTimeout(Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.deviceIdleTimeout(Duration.ofDays(25)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.publicUrl(URI.create("/relative")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.publicUrl(URI.create("ftp://example.com")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.publicUrl(URI.create("http://example.com/?q=1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructorValidatesToo() {
        assertThatThrownBy(() -> new WebSocketConfig("h", 70000, Optional.empty(), 1, 1, 1, "*",
                Duration.ofSeconds(1), true, Duration.ZERO,
                List.of(), OptionalInt.empty(), Duration.ofMinutes(1), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebSocketConfig("h", 80, Optional.empty(), 1, 1, 1, "*", Duration.ofMillis(-1),
                true, Duration.ZERO, List.of(), OptionalInt.empty(), Duration.ofMinutes(1), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebSocketConfig("h", 80, Optional.empty(), 1, 1, 1, "*", Duration.ofSeconds(1),
                true, Duration.ofSeconds(-1), List.of(), OptionalInt.empty(), Duration.ofMinutes(1), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebSocketConfig("h", 80, Optional.empty(), 1, 1, 1, "*", Duration.ofSeconds(1),
                true, Duration.ZERO, List.of(), OptionalInt.of(0), Duration.ofMinutes(1), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebSocketConfig("h", 80, Optional.empty(), 1, 1, 1, "*", Duration.ofSeconds(1),
                true, Duration.ZERO, List.of(), OptionalInt.empty(), Duration.ZERO, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebSocketConfig("h", 80, Optional.empty(), 1, 1, 1, "*", Duration.ofSeconds(1),
                true, Duration.ZERO, List.of("https://App.example"), OptionalInt.empty(), Duration.ofMinutes(1), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allowedOriginsAreKeptAsBrowsersSendThem() {
        assertThat(WebSocketConfig.defaults().allowedOrigins()).isEmpty();
        WebSocketConfig config = WebSocketConfig.builder().allowedOrigins(List.of("https://App.Example",
                "https://app.example:443", "http://localhost:8080", "http://[::1]:80", "HTTP://b.example:8443", "app://Mail.Gaiamobile.org"))
                .build();
        assertThat(config.allowedOrigins()).containsExactly("https://app.example", "http://localhost:8080",
                "http://[::1]", "http://b.example:8443", "app://mail.gaiamobile.org");
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void anAllowedOriginIsOnlySchemeHostAndPort() {
        WebSocketConfig.Builder builder = WebSocketConfig.builder();
        for (String bad : new String[] {"app.example", "https://app.example/", "https://app.example/path",
                "https://app.example?q", "https://app.example#f", "https://user@app.example", "mailto:a@app.example",
                "null", "*", "https://"}) {
            assertThatThrownBy(() -> builder.allowedOrigins(List.of(bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
