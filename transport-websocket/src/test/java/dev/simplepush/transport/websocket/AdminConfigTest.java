package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminConfigTest {

    @Test
    void defaultsListenOnLoopbackWithoutAToken() {
        AdminConfig config = AdminConfig.defaults();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(AdminConfig.DEFAULT_PORT);
        assertThat(config.token()).isEmpty();
    }

    @Test
    void theTokenNeverShowsInToString() {
        AdminConfig config = AdminConfig.builder().token("very-secret-token-42").build();

        assertThat(config.toString()).doesNotContain("very-secret-token-42").contains("(redacted)");
        assertThat(AdminConfig.defaults().toString()).contains("token=none");
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> AdminConfig.builder().host(" ")).hasMessageContaining("host");
        assertThatThrownBy(() -> AdminConfig.builder().port(65536)).hasMessageContaining("port");
        assertThatThrownBy(() -> AdminConfig.builder().port(-1)).hasMessageContaining("port");
        assertThatThrownBy(() -> AdminConfig.builder().token("short")).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> AdminConfig.builder().token("with a space inside it"))
                .hasMessageContaining("visible ASCII");
        assertThatThrownBy(() -> new AdminConfig("127.0.0.1", 0, Optional.of("short"), AdminConfig.DEFAULT_DRAIN_TIME))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
