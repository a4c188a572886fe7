package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo page at {@code /demo/} in a real Chromium: register, send a PUT through its form (CORS), see the
 * notification in its log. Leaves a screenshot at {@code target/demo.png} (the README's {@code docs/demo.png}).
 */
class DemoPageIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static BrowserPage browser;
    private static TestServer server;

    @BeforeAll
    static void start() {
        browser = BrowserPage.launch();
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void demoRegistersSendsAPutAndShowsTheNotification() throws Exception {
        browser.open(server.http("/demo/").toString(), 1100, 820);
        assertThat(browser.eval("document.querySelector('#state').textContent").asText()).isEqualTo("idle");

        browser.eval("document.querySelector('#register').click(), true");
        String endpoint = browser.waitFor("document.querySelector('#endpoint').value").asText();
        assertThat(endpoint).startsWith(server.http("/update/").toString());
        browser.waitFor("document.querySelector('#state').dataset.state === 'connected'");

        browser.eval("document.querySelector('#version').value = '5',"
                + " document.querySelector('#send').click(), true");

        String pushed = browser.waitFor("[...document.querySelectorAll('#log li[data-kind=push]')]"
                + ".map((li) => li.textContent).join('\\n')").asText();
        assertThat(pushed).contains("version 5 for " + endpoint);
        assertThat(browser.waitFor("document.querySelector('#answer').textContent.includes('→')").asBoolean()).isTrue();
        assertThat(browser.eval("document.querySelector('#answer').textContent").asText())
                .isEqualTo("PUT version=5 → 200 {}");
        assertThat(browser.eval("document.querySelector('#registrations').textContent").asText())
                .contains(endpoint, "last version 5");
        assertThat(browser.console()).noneMatch(line -> line.startsWith("pageerror") || line.startsWith("console.error"));

        browser.screenshot(Path.of(System.getProperty("basedir", "."), "target", "demo.png"));

        // The form's PUT really went to the endpoint: the next version, sent from here, is newer than 5.
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("version=6")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        browser.waitFor("[...document.querySelectorAll('#log li[data-kind=push]')]"
                + ".some((li) => li.textContent.includes('version 6'))");
    }
}
