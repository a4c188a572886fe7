package dev.simplepush.transport.websocket.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.ComponentHealth;
import dev.simplepush.core.DeviceReport;
import dev.simplepush.core.Health;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
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
        assertThat(new String(HttpBodies.field("status", "draining"), StandardCharsets.UTF_8))
                .isEqualTo("{\"status\":\"draining\"}");
        Health health = Health.of(Map.of("store", ComponentHealth.down("no answer to PING in 400 ms")));
        assertThat(new String(HttpBodies.health(health, true), StandardCharsets.UTF_8)).isEqualTo(
                "{\"status\":\"DOWN\",\"components\":{\"store\":{\"status\":\"DOWN\","
                        + "\"detail\":\"no answer to PING in 400 ms\"}}}");
        assertThat(new String(HttpBodies.health(health, false), StandardCharsets.UTF_8)).as("no details in public")
                .isEqualTo("{\"status\":\"DOWN\",\"components\":{\"store\":{\"status\":\"DOWN\"}}}");
        assertThat(new String(HttpBodies.device(new DeviceReport(false, Optional.empty(), 3, 1, 2)),
                StandardCharsets.UTF_8)).isEqualTo("{\"connected\":false,\"node\":null,\"channels\":3,"
                        + "\"pending\":3,\"pendingUpdates\":1,\"queuedMessages\":2}");
    }
}
