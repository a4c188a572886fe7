package dev.simplepush.transport.websocket.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpBodiesTest {

    @Test
    void errorBodyShapeP4_3() {
        assertThat(new String(HttpBodies.errorBody(404, 102, "Not Found", "no \"such\" endpoint"),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"code\":404,\"errno\":102,\"error\":\"Not Found\","
                        + "\"message\":\"no \\\"such\\\" endpoint\"}");
    }

    @Test
    void successAndHealthBodies() {
        assertThat(new String(HttpBodies.emptyObject(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(new String(HttpBodies.statusBody("ok"), StandardCharsets.UTF_8))
                .isEqualTo("{\"status\":\"ok\"}");
    }
}
