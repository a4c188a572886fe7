package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.Uaid;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code simplepush.js} in a real Chromium: the app code of the original Simple Push documentation, loaded with one
 * added {@code <script>} from the push server, against a real server on the in-memory store.
 */
class BrowserClientIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Fast, deterministic reconnects for the tests that stop the server. */
    private static final String FAST_RETRY = "{ retryBase: 200, retryMax: 1600, jitter: 0 }";

    private static BrowserPage browser;

    private TestServer server;
    private int port;
    private AppServer app;

    @BeforeAll
    static void launchBrowser() {
        browser = BrowserPage.launch();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void startServers() {
        server = TestServer.start();
        port = server.port();
        app = new AppServer(BrowserPage.browserDir(), port);
    }

    @AfterEach
    void stopServers() {
        browser.eval("1"); // the page stays; its socket is closed with the server
        app.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void documentationAppRegistersAndReceivesItsPush() {
        browser.open(app.url());
        String endpoint = app.nextEndpoint();
        assertThat(endpoint).startsWith("http://127.0.0.1:" + port + "/update/");

        assertThat(put(endpoint, "version=5").statusCode()).as("delivered to the live page").isEqualTo(200);

        browser.awaitConsole("My new version is 5");
        assertThat(browser.console()).contains(
                "console.log: New endpoint: " + endpoint,
                "console.log: My endpoint is " + endpoint,
                "console.log: My new version is 5");
        assertNoErrors();
        // P5.3: the page acked, so nothing stays pending for its UAID.
        Uaid uaid = Uaid.parse(browser.eval("SimplePush.uaid").asText()).orElseThrow();
        TestServer.await(() -> TestServer.join(server.store.pending(uaid).toCompletableFuture()).isEmpty(),
                "the page acked version 5");
    }

    @Test
    void unregisteredEndpointAnswers410() {
        browser.open(app.url());
        String endpoint = app.nextEndpoint();

        JsonNode result = browser.eval(request("navigator.push.unregister(" + quote(endpoint) + ")"));

        assertThat(result.path("result").asText()).isEqualTo(endpoint);
        assertThat(put(endpoint, "version=5").statusCode()).isEqualTo(410);
        assertThat(browser.eval(request("navigator.push.registrations()")).path("result")).isEmpty();
        assertThat(browser.eval(request("navigator.push.unregister(" + quote(endpoint) + ")"))
                .path("error").asText()).isEqualTo("NotFoundError");
        assertNoErrors();
    }

    @Test
    void registrationsSurviveAReloadAndAStoredUpdateArrives() {
        browser.open(app.url());
        String first = app.nextEndpoint();
        String uaid = browser.waitFor("SimplePush.state === 'connected' && SimplePush.uaid").asText();

        browser.navigate("about:blank");
        server.awaitNoOpenSessions();
        assertThat(put(first, "version=7").statusCode()).as("stored for the offline page").isEqualTo(202);
        browser.navigate(app.url());

        browser.awaitConsole("My new version is 7");
        assertThat(browser.console()).contains("console.log: My endpoint is " + first);
        assertThat(browser.eval("SimplePush.uaid").asText()).as("the same device").isEqualTo(uaid);
        String second = app.nextEndpoint(); // the documentation's code registers on every load
        JsonNode registrations = browser.eval(request("navigator.push.registrations()")).path("result");
        assertThat(registrations.findValuesAsText("pushEndpoint")).containsExactlyInAnyOrder(first, second);
        assertThat(registrations.findValues("version").stream().map(JsonNode::asLong).toList()).contains(7L);
        assertThat(browser.console()).noneMatch(line -> line.contains("push-register"));
        assertNoErrors();
    }

    @Test
    void serverThatForgotTheDeviceGetsPushRegisterAndANewEndpointWorks() {
        browser.open(app.urlWithHarness(FAST_RETRY));
        String old = app.nextEndpoint();
        String oldUaid = browser.waitFor("SimplePush.state === 'connected' && SimplePush.uaid").asText();

        restartServer(); // the in-memory store starts empty: the UAID is unknown now (P2.4)

        browser.awaitConsole("push-register received, I need to register my endpoint(s) again!");
        String renewed = browser.waitFor("localStorage.endpoint").asText();
        assertThat(renewed).isNotEqualTo(old).startsWith("http://127.0.0.1:" + port + "/update/");
        assertThat(browser.eval("SimplePush.uaid").asText()).isNotEqualTo(oldUaid);
        assertThat(browser.eval(request("navigator.push.registrations()")).path("result")
                .findValuesAsText("pushEndpoint")).as("the old registration is dropped").containsExactly(renewed);

        assertThat(put(renewed, "version=5").statusCode()).isEqualTo(200);
        browser.awaitConsole("My new version is 5");
        assertThat(browser.console()).contains("console.log: My endpoint is " + renewed);
        assertThat(browser.console().stream().filter(line -> line.contains("push-register received")).count())
                .as("push-register fires once").isEqualTo(1);
        assertNoErrors();
    }

    @Test
    void unavailableServerIsRetriedWithExponentialBackOffThenRecovered() {
        browser.open(app.urlWithHarness("{ retryBase: 200, retryMax: 1600, jitter: 0, queueTimeout: 60000 }"));
        app.nextEndpoint();
        browser.waitFor("SimplePush.state === 'connected'");

        server.close();
        server = null;
        browser.waitFor("states.filter((s) => s.state === 'waiting').length >= 5", java.time.Duration.ofSeconds(20));
        // A register while the server is away waits for the next hello.
        browser.eval("window.queued = navigator.push.register(), true");
        List<JsonNode> states = new ArrayList<>();
        browser.eval("states").forEach(states::add);

        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            JsonNode state = states.get(i);
            if (!state.path("state").asText().equals("waiting")) {
                continue;
            }
            delays.add(state.path("retryIn").asLong());
            if (i + 1 < states.size()) {
                JsonNode next = states.get(i + 1);
                assertThat(next.path("state").asText()).isEqualTo("connecting");
                assertThat(next.path("at").asDouble() - state.path("at").asDouble())
                        .as("waited out the back-off").isGreaterThanOrEqualTo(state.path("retryIn").asLong() - 5);
            }
        }
        assertThat(delays.subList(0, 5)).containsExactly(200L, 400L, 800L, 1600L, 1600L);

        server = TestServer.start(PushConfig.defaults(), WebSocketConfig.builder().port(port).build());

        String endpoint = browser.waitFor("queued.readyState === 'done' && (queued.result || queued.error.name)")
                .asText();
        assertThat(endpoint).startsWith("http://127.0.0.1:" + port + "/update/");
        assertThat(browser.eval("SimplePush.state").asText()).isEqualTo("connected");
        assertThat(put(endpoint, "version=9").statusCode()).isEqualTo(200);
        browser.awaitConsole("My new version is 9");
        assertThat(browser.console()).contains("console.log: My endpoint is " + endpoint);
        assertNoErrors();
    }

    @Test
    void tabsOfOneOriginShareOneConnectionAndTheNextTabTakesOverWhenItCloses() {
        browser.open(app.urlWithHarness(FAST_RETRY));
        String first = app.nextEndpoint();
        browser.waitFor("SimplePush.state === 'connected'");
        String uaid = browser.eval("SimplePush.uaid").asText();

        int second = browser.openTab(app.urlWithHarness(FAST_RETRY));
        String other = app.nextEndpoint(); // registered through the first tab's connection
        assertThat(browser.waitFor("SimplePush.state === 'connected' && SimplePush.uaid").asText()).isEqualTo(uaid);
        assertThat(put(other, "version=3").statusCode()).isEqualTo(200);
        browser.awaitConsole("My new version is 3");
        assertThat(browser.console()).contains("console.log: My endpoint is " + other);
        assertThat(browser.eval(request("navigator.push.registrations()")).path("result")
                .findValuesAsText("pushEndpoint")).containsExactlyInAnyOrder(first, other);

        browser.useTab(0);
        browser.awaitConsole("My new version is 3");
        assertThat(server.service.openSessions()).as("one socket for both tabs").isEqualTo(1);
        assertThat(browser.eval("states.filter((s) => s.state === 'connecting').length").asInt())
                .as("the first tab's socket was never taken over (P2.5)").isEqualTo(1);

        browser.closeTab(); // the first tab, holding the connection
        browser.useTab(0); // the second, now the only one
        assertThat(second).isEqualTo(1);
        TestServer.await(() -> server.service.openSessions() == 1
                && put(first, "version=4").statusCode() == 200, "the second tab connected");
        browser.awaitConsole("My new version is 4");
        assertThat(browser.eval("SimplePush.uaid").asText()).isEqualTo(uaid);
        assertNoErrors();
    }

    @Test
    void requestErrorsReachOnerrorWithTheirNameAndLateHandlersStillRun() {
        try (TestServer small = TestServer.start(PushConfig.builder().maxChannelsPerDevice(1).build())) {
            browser.open(app.urlWithHarness("{ serverURL: 'ws://127.0.0.1:" + small.port() + "/' }"));
            app.nextEndpoint(); // the one channel this server allows

            // P3.4: over the limit the server answers 503.
            assertThat(browser.eval(request("navigator.push.register()")).path("error").asText())
                    .isEqualTo("ServerError");
        }
        // The server is gone: a register that cannot reach it fails when its wait is over.
        browser.eval("SimplePush.configure({ queueTimeout: 300, retryBase: 100, jitter: 0 }), true");
        assertThat(browser.eval(request("navigator.push.register()")).path("error").asText())
                .isEqualTo("NetworkError");

        // Handlers attached after the request settled are still called, once.
        JsonNode late = browser.eval("new Promise((resolve) => {"
                + " const req = navigator.push.registrations();"
                + " setTimeout(() => { let calls = 0; req.onsuccess = () => calls++;"
                + "   setTimeout(() => resolve({ calls, readyState: req.readyState }), 50); }, 50); })");
        assertThat(late.path("calls").asInt()).isEqualTo(1);
        assertThat(late.path("readyState").asText()).isEqualTo("done");
    }

    /** Waits for a request's outcome: {result} or {error: name}. */
    private static String request(String call) {
        return "new Promise((resolve) => { const req = " + call + ";"
                + " req.onsuccess = () => resolve({ result: req.result });"
                + " req.onerror = () => resolve({ error: req.error.name, message: req.error.message }); })";
    }

    private void restartServer() {
        server.close();
        server = TestServer.start(PushConfig.defaults(), WebSocketConfig.builder().port(port).build());
    }

    /** Nothing thrown, nothing logged as an error, except the browser's own note on each refused connection. */
    private static void assertNoErrors() {
        assertThat(browser.console())
                .filteredOn(line -> !line.startsWith("console.error: WebSocket connection to "))
                .noneMatch(line -> line.startsWith("pageerror") || line.startsWith("console.error"));
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static HttpResponse<String> put(String endpoint, String form) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(endpoint))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
