package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.core.testing.OutageStore;
import dev.simplepush.store.memory.InMemoryStoreModule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The meters an operator reads, driven over real sockets: endpoint requests by dialect, outcome and status, the
 * endpoint, delivery and store timers, and that no tag grows with devices or channels.
 */
class OperatorMetersIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern ENDPOINT = Pattern.compile("\"pushEndpoint\":\"([^\"]+)\"");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private OutageStore store;
    private PushServer server;
    private PushService service;
    private int port;

    @BeforeEach
    void start() {
        store = new OutageStore(InMemoryStoreModule.newDeviceStore(Clock.systemUTC()));
        TestServer test = TestServer.startOn(store, PushCoreModule.meterRegistry(meters));
        server = test.server;
        service = test.service;
        port = test.port();
    }

    @AfterEach
    void stop() {
        TestServer.join(server.stop().toCompletableFuture());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private TestDevice device() {
        return TestDevice.connect(URI.create("ws://127.0.0.1:" + port + "/"));
    }

    private static TestDevice.Registration webPushDevice(TestDevice device) {
        device.send("{\"messageType\":\"hello\",\"use_webpush\":true}");
        assertThat(device.next()).contains("\"status\":200");
        String channel = UUID.randomUUID().toString();
        device.send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
        Matcher endpoint = ENDPOINT.matcher(device.next());
        assertThat(endpoint.find()).isTrue();
        return new TestDevice.Registration(channel, URI.create(endpoint.group(1)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> put(URI endpoint, String body) {
        return send(HttpRequest.newBuilder(endpoint).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> post(URI endpoint, String ttl) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.noBody());
        return send(ttl.isEmpty() ? request : request.header("TTL", ttl));
    }

    private double requests(String dialect, String outcome, int status) {
        Counter counter = meters.find("simplepush.endpoint.requests").tag("dialect", dialect).tag("outcome", outcome)
                .tag("status", Integer.toString(status)).counter();
        assertThat(counter).as("the counter %s/%s/%s", dialect, outcome, status).isNotNull();
        return counter.count();
    }

    private long timed(String name, String... tags) {
        Timer timer = meters.find(name).tags(tags).timer();
        assertThat(timer).as("the timer %s %s", name, String.join(",", tags)).isNotNull();
        return timer.count();
    }

    @Test
    void aPutToAnUnknownTokenIsCountedNotFoundAndTimed() {
        assertThat(put(uri("/update/not-a-token"), "version=1").statusCode()).isEqualTo(404);

        assertThat(requests("simplepush", "not_found", 404)).isEqualTo(1.0);
        assertThat(requests("webpush", "not_found", 404)).isZero();
        assertThat(timed("simplepush.endpoint.duration", "dialect", "simplepush")).isEqualTo(1);
        assertThat(timed("simplepush.endpoint.duration", "dialect", "webpush")).isZero();
    }

    @Test
    void aLiveSimplePushUpdateIsCountedDeliveredAndItsDeliveryAndStoreCallsTimed() {
        try (TestDevice device = device()) {
            device.hello();
            TestDevice.Registration channel = device.register();
            assertThat(put(channel.endpoint(), "version=5").statusCode()).isEqualTo(200);
            assertThat(device.next()).contains("\"version\":5");
            assertThat(put(channel.endpoint(), "version=x").statusCode()).isEqualTo(400);
            assertThat(put(channel.endpoint(), "version=4").statusCode()).isEqualTo(200);
        }

        assertThat(requests("simplepush", "delivered", 200)).isEqualTo(2.0);
        assertThat(requests("simplepush", "bad_request", 400)).isEqualTo(1.0);
        assertThat(timed("simplepush.endpoint.duration", "dialect", "simplepush")).isEqualTo(3);
        // The stale version 4 is stored nowhere and delivered to no one: one delivery timed.
        assertThat(timed("simplepush.delivery.duration", "dialect", "simplepush")).isEqualTo(1);
        assertThat(timed("simplepush.delivery.duration", "dialect", "webpush")).isZero();
        assertThat(timed("simplepush.store.duration", "operation", "advance", "result", "ok")).isEqualTo(2);
        assertThat(timed("simplepush.store.duration", "operation", "register", "result", "ok")).isEqualTo(1);
        assertThat(timed("simplepush.store.duration", "operation", "create", "result", "ok")).isEqualTo(1);
    }

    @Test
    void webPushAnswersAreCountedUnderTheirDialect() {
        try (TestDevice device = device()) {
            TestDevice.Registration channel = webPushDevice(device);
            HttpResponse<String> created = post(channel.endpoint(), "60");
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(device.next()).contains("\"messageType\":\"notification\"");
            assertThat(post(channel.endpoint(), "").statusCode()).isEqualTo(400);
            URI message = uri(URI.create(created.headers().firstValue("Location").orElseThrow()).getPath());
            assertThat(send(HttpRequest.newBuilder(message).DELETE()).statusCode()).isEqualTo(204);
            assertThat(post(uri("/wpush/v1/not-a-token"), "60").statusCode()).isEqualTo(404);
        }

        assertThat(requests("webpush", "delivered", 201)).isEqualTo(1.0);
        assertThat(requests("webpush", "bad_request", 400)).isEqualTo(1.0);
        assertThat(requests("webpush", "deleted", 204)).isEqualTo(1.0);
        assertThat(requests("webpush", "not_found", 404)).isEqualTo(1.0);
        assertThat(requests("simplepush", "not_found", 404)).isZero();
        assertThat(timed("simplepush.endpoint.duration", "dialect", "webpush")).isEqualTo(4);
        assertThat(timed("simplepush.delivery.duration", "dialect", "webpush")).isEqualTo(1);
        assertThat(timed("simplepush.store.duration", "operation", "enqueue", "result", "ok")).isEqualTo(1);
    }

    @Test
    void aStoreOutageIsCountedUnavailableAndAsFailedStoreCalls() {
        TestDevice.Registration channel;
        try (TestDevice device = device()) {
            device.hello();
            channel = device.register();
        }
        store.down(true);
        assertThat(put(channel.endpoint(), "version=1").statusCode()).isEqualTo(503);

        assertThat(requests("simplepush", "unavailable", 503)).isEqualTo(1.0);
        assertThat(timed("simplepush.store.duration", "operation", "advance", "result", "error")).isEqualTo(1);
        assertThat(timed("simplepush.store.duration", "operation", "advance", "result", "ok")).isZero();
    }

    @Test
    void noMeterGrowsWithDevicesOrChannels() {
        useEveryPath();
        Set<Meter.Id> after1 = ids();
        for (int i = 0; i < 50; i++) {
            useEveryPath();
        }
        TestServer.await(() -> service.openSessions() == 0, "all devices gone");

        assertThat(ids()).isEqualTo(after1);
        // No tag value names a device, channel, token, message or path.
        Pattern unbounded = Pattern.compile("[0-9a-f]{32}|[0-9a-f-]{36}|.*/.*|.{33,}");
        assertThat(after1.stream().flatMap(id -> id.getTags().stream()).map(Tag::getValue))
                .noneMatch(value -> unbounded.matcher(value).matches());
    }

    /** One device of each dialect through register, a live delivery, a refusal and an unknown token. */
    private void useEveryPath() {
        try (TestDevice device = device()) {
            device.hello();
            TestDevice.Registration channel = device.register();
            assertThat(put(channel.endpoint(), "version=1").statusCode()).isEqualTo(200);
            device.next();
            assertThat(put(channel.endpoint(), "version=x").statusCode()).isEqualTo(400);
        }
        try (TestDevice device = device()) {
            TestDevice.Registration channel = webPushDevice(device);
            assertThat(post(channel.endpoint(), "60").statusCode()).isEqualTo(201);
            device.next();
            assertThat(post(channel.endpoint(), "").statusCode()).isEqualTo(400);
        }
        String token = UUID.randomUUID().toString().replace("-", "");
        assertThat(put(uri("/update/" + token), "version=1").statusCode()).isEqualTo(404);
        assertThat(post(uri("/wpush/v2/" + token), "60").statusCode()).isEqualTo(404);
    }

    private Set<Meter.Id> ids() {
        return meters.getMeters().stream().map(Meter::getId).collect(Collectors.toSet());
    }
}
