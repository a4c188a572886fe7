package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The app-server endpoint and the other HTTP routes over a real socket (P4). */
class EndpointIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String FORM = "application/x-www-form-urlencoded";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> put(URI uri, String body) {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", FORM)
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void assertError(HttpResponse<String> response, int status, int errno) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).matches("\\{\"code\":" + status + ",\"errno\":" + errno
                + ",\"error\":\"[^\"]+\",\"message\":\"[^\"]+\"}");
    }

    private static void assertAccepted(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).isEqualTo("{}");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    /** An endpoint whose device is no longer connected. */
    private static TestDevice.Registration offlineEndpoint() {
        TestDevice.Registration channel;
        try (TestDevice device = TestDevice.connect(server.webSocketUri())) {
            device.hello();
            channel = device.register();
        }
        server.awaitNoOpenSessions();
        return channel;
    }

    @Test
    void liveDeviceGets200P4_3() {
        try (TestDevice device = TestDevice.connect(server.webSocketUri())) {
            device.hello();
            TestDevice.Registration channel = device.register();
            assertAccepted(put(channel.endpoint(), "version=3"), 200);
            assertThat(device.next()).contains("\"version\":3");
        }
    }

    @Test
    void offlineDeviceGets202P4_3() {
        assertAccepted(put(offlineEndpoint().endpoint(), "version=1"), 202);
    }

    @Test
    void versionFromTheQueryStringWhenTheBodyIsEmptyP4_1() {
        try (TestDevice device = TestDevice.connect(server.webSocketUri())) {
            device.hello();
            TestDevice.Registration channel = device.register();
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(channel.endpoint() + "?version=42"))
                    .PUT(HttpRequest.BodyPublishers.noBody()));
            assertAccepted(response, 200);
            assertThat(device.next()).contains("\"version\":42");
        }
    }

    @Test
    void bodyWithoutContentTypeIsAcceptedP4_1() {
        try (TestDevice device = TestDevice.connect(server.webSocketUri())) {
            device.hello();
            TestDevice.Registration channel = device.register();
            HttpResponse<String> response = send(HttpRequest.newBuilder(channel.endpoint())
                    .PUT(HttpRequest.BodyPublishers.ofString("version=9&data=a%20b")));
            assertAccepted(response, 200);
            assertThat(device.next()).contains("\"version\":9,\"data\":\"a b\"");
        }
    }

    @Test
    void formContentTypeWithCharsetIsAccepted() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(offlineEndpoint().endpoint())
                .header("Content-Type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8")
                .PUT(HttpRequest.BodyPublishers.ofString("version=5")));
        assertAccepted(response, 202);
    }

    @Test
    void emptyRequestMeansVersionNowP4_2() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(offlineEndpoint().endpoint())
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertAccepted(response, 202);
    }

    @Test
    void badVersionIs400P4_2() {
        URI endpoint = offlineEndpoint().endpoint();
        assertError(put(endpoint, "version=abc"), 400, 101);
        assertError(put(endpoint, "version=-1"), 400, 101);
        assertError(put(endpoint, "version=9223372036854775808"), 400, 101);
    }

    @ParameterizedTest
    @ValueSource(strings = {"version=%zz", "version=1&data=%+41", "version=1&data=%-1", "data=%4\u0661&version=1"})
    void malformedFormEncodingIs400(String body) {
        // An escape is '%' and two ASCII hex digits: "%+4" and "%4" + ARABIC-INDIC ONE are not (they were read as
        // 0x04 and 0x41 and the update accepted).
        assertError(put(offlineEndpoint().endpoint(), body), 400, 100);
    }

    @Test
    void forgedTokenIs404P4_3() {
        assertError(put(server.http("/update/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "version=1"), 404,
                102);
        assertError(put(server.http("/update/"), "version=1"), 404, 102);
        assertError(put(server.http("/update/a/b"), "version=1"), 404, 102);
    }

    @Test
    void unregisteredChannelIs410P3_5_P4_3() {
        try (TestDevice device = TestDevice.connect(server.webSocketUri())) {
            device.hello();
            TestDevice.Registration channel = device.register();
            device.send("{\"messageType\":\"unregister\",\"channelID\":\"" + channel.channelId() + "\"}");
            assertThat(device.next()).contains("\"status\":200");
            assertError(put(channel.endpoint(), "version=1"), 410, 103);
        }
    }

    @Test
    void bodyOverTheLimitIs413P4_3() {
        HttpResponse<String> response = put(offlineEndpoint().endpoint(),
                "version=1&data=" + "x".repeat(WebSocketConfig.DEFAULT_MAX_BODY_BYTES));
        assertError(response, 413, 104);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void bodyOverTheLimitIsReadBeforeThe413SoTheConnectionServesTheNextRequestP4_3() {
        URI endpoint = offlineEndpoint().endpoint();
        String target = endpoint.getRawPath();
        String host = endpoint.getHost() + ":" + endpoint.getPort();
        byte[] huge = ("version=1&data=" + "x".repeat(1024 * 1024)).getBytes(StandardCharsets.US_ASCII);
        try (RawWebSocket http = RawWebSocket.open(server.webSocketUri())) {
            http.writeRaw(("PUT " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: "
                    + "application/x-www-form-urlencoded\r\nContent-Length: " + huge.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            http.writeRaw(huge);
            RawWebSocket.HttpResponse tooLarge = http.readResponse();
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("\"errno\":104");

            http.writeRaw(("PUT " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: "
                    + "application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\nversion=2")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(http.readResponse().status()).isEqualTo(202);
        }
    }

    @Test
    void chunkedBodyOverTheLimitIs413P4_3() {
        byte[] body = ("version=1&data=" + "x".repeat(WebSocketConfig.DEFAULT_MAX_BODY_BYTES)).getBytes();
        HttpResponse<String> response = send(HttpRequest.newBuilder(offlineEndpoint().endpoint())
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));
        assertError(response, 413, 104);
    }

    @Test
    void dataOverTheLimitIs413P4_1() {
        assertError(put(offlineEndpoint().endpoint(), "version=1&data=" + "x".repeat(4097)), 413, 104);
    }

    @Test
    void otherMethodsAre405WithAllowP4_4() {
        URI endpoint = offlineEndpoint().endpoint();
        for (String method : new String[] {"GET", "POST", "DELETE", "PATCH"}) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint)
                    .method(method, HttpRequest.BodyPublishers.ofString("version=1")));
            assertError(response, 405, 105);
            assertThat(response.headers().firstValue("Allow")).contains("PUT, OPTIONS");
        }
    }

    @Test
    void optionsAnswersTheCorsPreflightP4_4() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(offlineEndpoint().endpoint())
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "PUT"));
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).contains("PUT, OPTIONS");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).contains("Content-Type");
        assertThat(response.headers().firstValue("Access-Control-Max-Age")).isPresent();
    }

    @Test
    void configuredCorsOriginIsSent() {
        try (TestServer strict = TestServer.start(dev.simplepush.core.PushConfig.defaults(),
                WebSocketConfig.builder().port(0).corsAllowedOrigin("https://app.example.com").build())) {
            HttpResponse<String> response = put(strict.http("/update/x"), "version=1");
            assertError(response, 404, 102);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("https://app.example.com");
        }
    }

    @Test
    void unsupportedContentTypeIs415() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(offlineEndpoint().endpoint())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\":1}")));
        assertError(response, 415, 106);
    }

    @Test
    void unknownPathIs404Json() {
        assertError(send(HttpRequest.newBuilder(server.http("/nothing/here")).GET()), 404, 108);
        assertError(send(HttpRequest.newBuilder(server.http("/updates")).GET()), 404, 108);
    }

    @Test
    void plainHttpToTheWebSocketPathIs426() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(server.http("/")).GET());
        assertError(response, 426, 107);
        assertThat(response.headers().firstValue("Upgrade")).contains("websocket");
    }

    @Test
    void healthIsUpWithEachComponentsStatus() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(server.http("/health")).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(
                "{\"status\":\"UP\",\"components\":{\"server\":{\"status\":\"UP\"},\"store\":{\"status\":\"UP\"}}}");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertError(send(HttpRequest.newBuilder(server.http("/health")).DELETE()), 405, 105);
    }

    @Test
    void publicUrlIsTheBaseOfEndpointsP3_1() {
        try (TestServer proxied = TestServer.start(dev.simplepush.core.PushConfig.defaults(),
                WebSocketConfig.builder().port(0).publicUrl(URI.create("https://push.example.com/sp/")).build());
                TestDevice device = TestDevice.connect(proxied.webSocketUri())) {
            assertThat(proxied.transport.baseUrl()).isEqualTo(URI.create("https://push.example.com/sp"));
            device.hello();
            assertThat(device.register().endpoint().toString()).startsWith("https://push.example.com/sp/update/");
        }
    }

    @Test
    void defaultBaseUrlNamesTheActualPort() {
        assertThat(server.transport.baseUrl())
                .isEqualTo(URI.create("http://127.0.0.1:" + server.transport.localAddress().getPort()));
        assertThat(server.transport.localAddress().getPort()).isPositive();
    }
}
