package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code simplepush.js} in a real Chromium sends and does, against {@link ScriptedPushServer}, a fake push
 * server that answers what each test needs (Gecko's behaviour, protocol survey 9.2; P2, P5, P6).
 */
class BrowserProtocolIT {

    private static BrowserPage browser;

    private ScriptedPushServer fake;
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
        fake = new ScriptedPushServer();
        app = new AppServer(BrowserPage.browserDir(), fake.scriptBase());
    }

    @AfterEach
    void stopServers() {
        browser.navigate("about:blank");
        app.close();
        fake.close();
    }

    @Test
    void pushFiresOnlyForNewerVersionsOfKnownChannelsAndEveryUpdateIsAcked() {
        browser.open(app.url());
        String hello = fake.next("hello");
        assertThat(hello).as("a new device sends no UAID (P2.1)").doesNotContain("uaid").contains("\"channelIDs\":[]");
        String channel = ScriptedPushServer.channelIdOf(fake.next("register"));
        assertThat(channel).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(app.nextEndpoint()).isEqualTo(fake.endpointOf(channel));

        fake.send(notification(channel, "5"));
        assertThat(fake.next("ack")).isEqualTo(ack(channel, "5"));
        fake.send("{\"messageType\":\"notification\",\"updates\":[" + update(channel, "3") + ","
                + update(channel, "5") + "," + update("a0b1c2d3-0000-4000-8000-000000000000", "9") + "]}");
        assertThat(fake.next("ack")).as("stale and unknown updates are acked too").isEqualTo(
                "{\"messageType\":\"ack\",\"updates\":[" + update(channel, "3") + "," + update(channel, "5") + ","
                        + update("a0b1c2d3-0000-4000-8000-000000000000", "9") + "]}");
        fake.send(notification(channel, "\"6\"")); // survey 9.2.5: a numeric string is a version too
        fake.next("ack");

        browser.awaitConsole("My new version is 6");
        assertThat(versionsPushed()).as("only newer versions reach the app").containsExactly("5", "6");
        assertThat(browser.eval("localStorage.simplepush").asText()).contains(fake.uaid, channel);
    }

    @Test
    void helloListsTheStoredChannelsAndANewUaidFiresPushRegisterOnce() {
        browser.open(app.url());
        fake.next("hello");
        String first = ScriptedPushServer.channelIdOf(fake.next("register"));
        app.nextEndpoint();

        fake.uaid = "fedcba9876543210fedcba9876543210"; // the server lost this device (P2.4)
        browser.reload();

        String hello = fake.next("hello");
        assertThat(hello).contains("\"uaid\":\"0123456789abcdef0123456789abcdef\"",
                "\"channelIDs\":[\"" + first + "\"]");
        browser.awaitConsole("push-register received, I need to register my endpoint(s) again!");
        String renewed = browser.waitFor("localStorage.endpoint").asText();
        JsonNode registrations = browser.eval("new Promise((resolve) => { const req = navigator.push.registrations();"
                + " req.onsuccess = () => resolve(req.result); })");
        assertThat(registrations.findValuesAsText("pushEndpoint"))
                .as("the old channel is dropped; the load's register and push-register's are kept")
                .doesNotContain(fake.endpointOf(first))
                .contains(renewed)
                .hasSize(2);
        assertThat(browser.eval("SimplePush.uaid").asText()).isEqualTo(fake.uaid);
        assertThat(browser.console().stream().filter(line -> line.contains("push-register received")).count())
                .isEqualTo(1);
    }

    @Test
    void unansweredRegisterFailsWithTimeoutError() {
        fake.answerRegisters = false;
        browser.open(app.urlWithHarness("{ requestTimeout: 500 }"));

        browser.awaitConsole("Error getting a new endpoint: ");
        assertThat(browser.console()).anyMatch(line -> line.startsWith("console.error: Error getting a new endpoint: ")
                && line.contains("\"name\":\"TimeoutError\""));
    }

    @Test
    void idlePageSendsAPingNoFasterThanTwentySecondsAndReconnectsWhenItIsNotAnswered() {
        browser.open(app.urlWithHarness("{ pingInterval: 1000, requestTimeout: 500, retryBase: 100, jitter: 0 }"));
        fake.next("hello");
        fake.next("register");
        long registered = System.nanoTime();

        String ping = fake.next(Duration.ofSeconds(30));
        long waited = Duration.ofNanos(System.nanoTime() - registered).toMillis();
        assertThat(ping).isEqualTo("{}");
        assertThat(waited).as("pingInterval 1000 is raised to the server's 20 s floor (P6.2)")
                .isBetween(19_500L, 25_000L);

        // The fake never answers pings: after requestTimeout the page drops the socket and says hello again.
        String hello = fake.next("hello");
        assertThat(hello).contains("\"uaid\":\"" + fake.uaid + "\"");
    }

    @Test
    void configuringAnotherServerConnectsToItAtOnce() {
        browser.open(app.url());
        fake.next("hello");
        String channel = ScriptedPushServer.channelIdOf(fake.next("register"));
        app.nextEndpoint();

        try (ScriptedPushServer other = new ScriptedPushServer()) {
            browser.eval("SimplePush.configure({ serverURL: 'ws://127.0.0.1:" + other.port() + "/' }), true");

            String hello = other.next(Duration.ofSeconds(2)); // the default back-off would wait 5 s
            assertThat(hello).contains("\"messageType\":\"hello\"", channel);
            assertThat(browser.eval("SimplePush.serverURL").asText()).isEqualTo("ws://127.0.0.1:" + other.port() + "/");
        }
    }

    private List<String> versionsPushed() {
        List<String> versions = new ArrayList<>();
        for (String line : browser.console()) {
            if (line.startsWith("console.log: My new version is ")) {
                versions.add(line.substring("console.log: My new version is ".length()));
            }
        }
        return versions;
    }

    private static String update(String channel, String version) {
        return "{\"channelID\":\"" + channel + "\",\"version\":" + version + "}";
    }

    private static String notification(String channel, String version) {
        return "{\"messageType\":\"notification\",\"updates\":[" + update(channel, version) + "]}";
    }

    private static String ack(String channel, String version) {
        return "{\"messageType\":\"ack\",\"updates\":[" + update(channel, version) + "]}";
    }
}
