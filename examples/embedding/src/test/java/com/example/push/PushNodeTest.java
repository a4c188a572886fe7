package com.example.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.NotifyOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedded node end to end, with the JDK's own WebSocket and HTTP clients as device and app server. */
class PushNodeTest {

    private static final Pattern ENDPOINT = Pattern.compile("\"pushEndpoint\":\"([^\"]+)\"");
    private static final Pattern UAID = Pattern.compile("\"uaid\":\"([0-9a-f]{32})\"");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private PushNode node;
    private WebSocket device;

    @BeforeEach
    void start() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        node = new PushNode(meters, Base64.getEncoder().encodeToString(key), 0);
        node.start();
        device = http.newWebSocketBuilder().buildAsync(node.deviceUrl(), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    frames.add(text.toString());
                    text.setLength(0);
                }
                socket.request(1);
                return null;
            }
        }).get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aDeviceRegistersAndGetsWhatTheAppServerSends() throws Exception {
        String channel = UUID.randomUUID().toString();
        send("{\"messageType\":\"hello\",\"channelIDs\":[]}");
        assertThat(find(UAID, next())).hasSize(32);
        send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
        URI endpoint = URI.create(find(ENDPOINT, next()));

        HttpResponse<String> put = http.send(HttpRequest.newBuilder(endpoint)
                .PUT(HttpRequest.BodyPublishers.ofString("version=5"))
                .header("Content-Type", "application/x-www-form-urlencoded").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(next()).contains("\"notification\"").contains(channel).contains("\"version\":5");

        assertThat(node.notify(endpoint, 6).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isEqualTo(NotifyOutcome.DELIVERED);
        assertThat(next()).contains(channel).contains("\"version\":6");
    }

    @Test
    void thePushMetersAreInTheApplicationsRegistry() throws Exception {
        send("{\"messageType\":\"hello\",\"channelIDs\":[]}");
        next();

        assertThat(meters.get("simplepush.connections").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("simplepush.hellos").counter().count()).isEqualTo(1.0);
    }

    private void send(String text) throws Exception {
        device.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    private String next() throws InterruptedException {
        String frame = frames.poll(5, TimeUnit.SECONDS);
        assertThat(frame).as("a frame from the server within 5 s").isNotNull();
        return frame;
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
        return matcher.group(1);
    }

}
