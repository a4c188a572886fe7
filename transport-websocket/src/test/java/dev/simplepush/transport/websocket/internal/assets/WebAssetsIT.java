package dev.simplepush.transport.websocket.internal.assets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.transport.websocket.TestServer;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.core.PushConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /simplepush.js} and {@code GET /demo/} over a real socket: types, cache headers, ETags. */
class WebAssetsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

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

    @Test
    void scriptIsServedAsJavaScriptWithACacheHeaderAndAnEtag() {
        HttpResponse<String> script = send(HttpRequest.newBuilder(server.http("/simplepush.js")));

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).contains("application/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("Cache-Control")).contains(WebAssets.SCRIPT_CACHE);
        assertThat(script.body()).contains("navigator", "mozSetMessageHandler", "push-register");
        String etag = script.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> again = send(HttpRequest.newBuilder(server.http("/simplepush.js"))
                .header("If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void demoPageIsHtmlThatLoadsTheScript() {
        HttpResponse<String> demo = send(HttpRequest.newBuilder(server.http("/demo/")));

        assertThat(demo.statusCode()).isEqualTo(200);
        assertThat(demo.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(demo.body()).contains("<script src=\"/simplepush.js\"></script>");

        HttpResponse<String> bare = send(HttpRequest.newBuilder(server.http("/demo")));
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).contains("/demo/");
    }

    @Test
    void demoPageCanBeSwitchedOffWhileTheScriptStays() {
        try (TestServer noDemo = TestServer.start(PushConfig.defaults(),
                WebSocketConfig.builder().port(0).demoPage(false).build())) {
            for (String path : new String[] {"/demo/", "/demo"}) {
                HttpResponse<String> demo = send(HttpRequest.newBuilder(noDemo.http(path)));
                assertThat(demo.statusCode()).as(path).isEqualTo(404);
                assertThat(demo.body()).as(path).contains("\"errno\":108");
            }
            assertThat(send(HttpRequest.newBuilder(noDemo.http("/simplepush.js"))).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void headAnswersWithoutABodyAndOtherMethodsAre405() {
        HttpResponse<String> head = send(HttpRequest.newBuilder(server.http("/simplepush.js"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();

        HttpResponse<String> post = send(HttpRequest.newBuilder(server.http("/simplepush.js"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }
}
