package dev.simplepush.transport.websocket;

import static dev.simplepush.transport.websocket.TestServer.await;
import static dev.simplepush.transport.websocket.TestServer.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.store.memory.InMemoryStoreModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin listener over real sockets, on the in-memory store: metrics, health, the token and the admin API. */
class AdminIT {

    private static final String TOKEN = "s3cret-admin-token-0123";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<PushServer> servers = new ArrayList<>();
    private Injector injector;

    @AfterEach
    void stopServers() {
        servers.forEach(server -> join(server.stop().toCompletableFuture()));
    }

    private void start(AdminConfig admin) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        start(PushCoreModule.meterRegistry(registry), new AdminModule(admin));
    }

    private void start(Module... extra) {
        List<Module> modules = new ArrayList<>(List.of(new PushCoreModule(PushConfig.defaults()),
                new InMemoryStoreModule(), new WebSocketTransportModule(WebSocketConfig.builder().port(0).build())));
        modules.addAll(List.of(extra));
        injector = Guice.createInjector(Stage.PRODUCTION, modules);
        PushServer server = injector.getInstance(PushServer.class);
        servers.add(server);
        join(server.start().toCompletableFuture());
    }

    private static AdminConfig.Builder admin() {
        return AdminConfig.builder().port(0);
    }

    private URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + injector.getInstance(AdminTransport.class).localAddress().getPort()
                + path);
    }

    private URI publicUri(String path) {
        return URI.create("http://127.0.0.1:" + injector.getInstance(WebSocketTransport.class).localAddress().getPort()
                + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> get(URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    private HttpResponse<String> adminGet(String path) {
        return get(adminUri(path), "Authorization", "Bearer " + TOKEN);
    }

    private HttpResponse<String> drain() {
        return send(HttpRequest.newBuilder(adminUri("/admin/drain")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    @Test
    void metricsAreThePrometheusTextOfTheCoresRegistry() {
        start(admin().build());
        URI devices = publicUri("/");
        try (TestDevice device = TestDevice.connect(URI.create(devices.toString().replace("http", "ws")))) {
            device.hello();

            HttpResponse<String> metrics = get(adminUri("/metrics"));

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(
                    "text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body()).contains("# TYPE simplepush_connections gauge")
                    .containsPattern("(?m)^simplepush_connections 1\\.0$")
                    .containsPattern("(?m)^simplepush_hellos_total 1\\.0$");
        }
    }

    @Test
    void healthReportsEachComponentAndThePublicHealthSaysWhatReadinessSays() {
        start(admin().build());

        HttpResponse<String> live = get(adminUri("/health/live"));
        HttpResponse<String> ready = get(adminUri("/health/ready"));
        HttpResponse<String> publicHealth = get(publicUri("/health"));

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(json(live).path("status").asText()).isEqualTo("UP");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode readiness = json(ready);
        assertThat(readiness.path("components").path("server").path("detail").asText()).isEqualTo("started");
        assertThat(readiness.path("components").path("store").path("status").asText()).isEqualTo("UP");
        assertThat(publicHealth.statusCode()).isEqualTo(200);
        assertThat(json(publicHealth).path("components").path("store").path("status").asText()).isEqualTo("UP");
        assertThat(json(publicHealth).path("components").path("store").has("detail")).as("no details in public")
                .isFalse();
    }

    @Test
    void drainTurnsReadinessOffForGoodOnBothPortsAndClosesTheDevices() {
        start(admin().token(TOKEN).drainTime(Duration.ofSeconds(1)).build());
        RawWebSocket device = RawWebSocket.connect(publicUri("/"));
        device.send(RawWebSocket.text("{\"messageType\":\"hello\"}"));
        device.readMessage();

        HttpResponse<String> drained = drain();

        assertThat(drained.statusCode()).isEqualTo(202);
        // The whole drain, not only readiness: the device is closed within the drain time.
        assertThat(device.readClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
        device.close();
        HttpResponse<String> ready = get(adminUri("/health/ready"));
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready).path("status").asText()).isEqualTo("DOWN");
        assertThat(json(ready).path("components").path("server").path("detail").asText()).isEqualTo("draining");
        assertThat(get(publicUri("/health")).statusCode()).isEqualTo(503);
        assertThat(get(adminUri("/health/live")).statusCode()).as("still alive").isEqualTo(200);
        assertThat(drain().statusCode()).as("idempotent").isEqualTo(202);
    }

    @Test
    void theAdminApiIsAbsentWithoutAToken() {
        start(admin().build());

        assertThat(drain().statusCode()).isEqualTo(404);
        assertThat(adminGet("/admin/devices/" + Uaid.random().value()).statusCode()).isEqualTo(404);
        assertThat(get(adminUri("/health/ready")).statusCode()).as("not drained").isEqualTo(200);
    }

    @Test
    void theAdminApiWantsTheBearerToken() {
        start(admin().token(TOKEN).build());
        String path = "/admin/devices/" + Uaid.random().value();

        HttpResponse<String> missing = get(adminUri(path));
        HttpResponse<String> wrong = get(adminUri(path), "Authorization", "Bearer " + TOKEN + "x");
        HttpResponse<String> basic = get(adminUri(path), "Authorization", "Basic " + TOKEN);

        for (HttpResponse<String> refused : List.of(missing, wrong, basic)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer"));
        }
        assertThat(adminGet(path).statusCode()).as("right token, unknown device").isEqualTo(404);
        assertThat(get(adminUri("/metrics")).statusCode()).as("metrics need no token").isEqualTo(200);
    }

    @Test
    void aDeviceIsLookedUpByItsUaid() {
        start(admin().token(TOKEN).build());
        URI devices = URI.create(publicUri("/").toString().replace("http", "ws"));
        String uaid;
        TestDevice.Registration first;
        try (TestDevice device = TestDevice.connect(devices)) {
            uaid = device.hello();
            first = device.register();
            device.register();

            JsonNode connected = json(adminGet("/admin/devices/" + uaid));
            assertThat(connected.path("connected").asBoolean()).isTrue();
            assertThat(connected.path("node").asText()).isEqualTo("local");
            assertThat(connected.path("channels").asInt()).isEqualTo(2);
            assertThat(connected.path("pending").asInt()).isZero();
        }
        PushService service = injector.getInstance(PushService.class);
        await(() -> service.openSessions() == 0, "device gone");
        assertThat(send(HttpRequest.newBuilder(first.endpoint()).header("Content-Type",
                "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString("version=7")))
                .statusCode()).isEqualTo(202);

        HttpResponse<String> offline = adminGet("/admin/devices/" + uaid);
        assertThat(offline.statusCode()).isEqualTo(200);
        assertThat(json(offline).path("connected").asBoolean()).isFalse();
        assertThat(json(offline).path("node").isNull()).isTrue();
        assertThat(json(offline).path("pending").asInt()).isEqualTo(1);
        assertThat(adminGet("/admin/devices/" + Uaid.random().value()).statusCode()).isEqualTo(404);
        assertThat(adminGet("/admin/devices/not-a-uaid").statusCode()).isEqualTo(400);
        assertThat(send(HttpRequest.newBuilder(adminUri("/admin/devices/" + uaid))
                .header("Authorization", "Bearer " + TOKEN).DELETE()).statusCode()).isEqualTo(405);
    }

    @Test
    void aCoreRegistryThatIsNotPrometheusIsRefusedByName() {
        assertThatThrownBy(() -> start(PushCoreModule.meterRegistry(new SimpleMeterRegistry()),
                new AdminModule(admin().build())))
                .hasMessageContaining("PrometheusMeterRegistry")
                .hasMessageContaining("PushCoreModule.meterRegistry");
    }

    @Test
    void aGivenRegistryIsServedEvenIfTheCoreUsesAnother() {
        PrometheusMeterRegistry given = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        given.counter("app_counter").increment();
        start(new AdminModule(admin().build(), given));

        assertThat(get(adminUri("/metrics")).body()).contains("app_counter_total 1.0")
                .doesNotContain("simplepush_connections");
    }
}
