package dev.simplepush.transport.websocket.internal.device;

import static dev.simplepush.transport.websocket.RawWebSocket.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.transport.websocket.RawWebSocket;
import dev.simplepush.transport.websocket.TestDevice;
import dev.simplepush.transport.websocket.TestServer;
import dev.simplepush.transport.websocket.internal.frame.FrameWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simplepush.core.PushConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Devices that do not read what they are sent, over real sockets: beyond what the kernel buffers hold, the server keeps
 * up to {@link DeviceSocket#MAX_BACKLOG_BYTES} for a device, then drops it, which loses nothing (P5.4) and leaves other
 * devices served; a device that only pauses gets every frame intact once it reads again, and stays connected.
 *
 * <p>Devices connect with a {@linkplain #SMALL_RECEIVE_BUFFER small receive buffer}, so a device that stops reading
 * stalls the server's writes early, and updates carry data, so frames are large and the tests need few PUTs.
 */
class SlowDeviceIT {

    /** The device's socket receive buffer, set before it connects. */
    private static final int SMALL_RECEIVE_BUFFER = 4 * 1024;
    private static final int DATA_BYTES = PushConfig.DEFAULT_MAX_DATA_BYTES / 2;
    /**
     * Gives up on a server that has delivered this many bytes to a device that reads nothing and still not dropped
     * it: the kernel buffers hold less than 3 MiB (Linux, loopback), the server at most the backlog limit.
     */
    private static final long GIVE_UP_BYTES = 8L * 1024 * 1024;
    /** Another device says hello every so many PUTs while a device is stalled. */
    private static final int SERVES_CHECK_EVERY = 32;
    private static final Pattern ENDPOINT = Pattern.compile("\"pushEndpoint\":\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TestServer.TIMEOUT).build();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void deviceThatStopsReadingIsDroppedAndGetsTheLatestVersionOfEveryChannelWhenItComesBackP5_4() {
        AppServerUpdates updates = new AppServerUpdates();
        String uaid;
        List<Channel> channels;
        try (RawWebSocket device = RawWebSocket.connect(server.webSocketUri(), SMALL_RECEIVE_BUFFER)) {
            uaid = hello(device, null, List.of());
            channels = register(device, 200);
            // The device reads nothing from here on.
            updates.putUntilDropped(channels);
            // What the kernel still held reaches the device, then the connection ends.
            device.drainUntilEnded();
        }
        assertServerStillServes();

        try (RawWebSocket device = RawWebSocket.connect(server.webSocketUri())) {
            assertThat(hello(device, uaid, channels)).as("UAID kept (P2.4)").isEqualTo(uaid);
            assertThat(receiveAndAck(device, updates.latest)).as("latest version of every channel")
                    .isEqualTo(updates.latest);
            // Messages are handled in order: the pong comes after every pending notification (P2.7).
            device.send(text("{}"));
            assertThat(device.readMessage()).as("after the pending notifications").isEqualTo("{}");
        }
        try (RawWebSocket device = RawWebSocket.connect(server.webSocketUri())) {
            hello(device, uaid, channels);
            device.send(text("{}"));
            assertThat(device.readMessage()).as("nothing pending once acked (P5.3)").isEqualTo("{}");
        }
    }

    @Test
    void deviceThatPausesReadingGetsEveryFrameIntactAndStaysConnected() {
        long kernelBytes = kernelBufferedBytes();
        // Past what the kernel holds, about half the backlog stays in the server until the device reads again.
        long burstBytes = kernelBytes + DeviceSocket.MAX_BACKLOG_BYTES / 2;
        try (RawWebSocket device = RawWebSocket.connect(server.webSocketUri(), SMALL_RECEIVE_BUFFER)) {
            hello(device, null, List.of());
            List<Channel> channels = register(device, 20);
            AppServerUpdates updates = new AppServerUpdates();
            for (int i = 0; updates.deliveredBytes < burstBytes; i++) {
                assertThat(updates.put(channels.get(i % channels.size()))).as("PUT to a connected device")
                        .isEqualTo(200);
            }
            // Text frames of valid UTF-8 (readMessage checks), each exactly the notification sent, in order.
            for (int i = 0; i < updates.delivered.size(); i++) {
                assertThat(device.readMessage()).as("notification %d of %d", i + 1, updates.delivered.size())
                        .isEqualTo(updates.delivered.get(i));
            }
            device.send(text("{}"));
            assertThat(device.readMessage()).as("pong: the connection is still open").isEqualTo("{}");
            assertThat(updates.put(channels.get(0))).as("PUT after the device caught up").isEqualTo(200);
            assertThat(device.readMessage()).isEqualTo(updates.delivered.get(updates.delivered.size() - 1));
        }
    }

    /**
     * How many bytes of frames the kernel buffers (the server's send buffer, the device's receive buffer) hold on this
     * machine for a device with {@link #SMALL_RECEIVE_BUFFER} that reads nothing: what the server delivered to such a
     * device before it dropped it, less the backlog it kept itself.
     */
    private static long kernelBufferedBytes() {
        try (RawWebSocket probe = RawWebSocket.connect(server.webSocketUri(), SMALL_RECEIVE_BUFFER)) {
            hello(probe, null, List.of());
            List<Channel> channels = register(probe, 20);
            AppServerUpdates updates = new AppServerUpdates();
            updates.putUntilDropped(channels);
            probe.drainUntilEnded();
            return updates.deliveredBytes - DeviceSocket.MAX_BACKLOG_BYTES;
        }
    }

    /** A device's channel and the endpoint the server gave it. */
    private record Channel(String id, URI endpoint) {
    }

    /**
     * The app server: PUTs increasing versions with data of {@link #DATA_BYTES} to endpoints, and remembers what the
     * push server accepted.
     */
    private static final class AppServerUpdates {

        /** The latest version answered 200 or 202, per channel ID, in the order channels were first updated. */
        final Map<String, Long> latest = new LinkedHashMap<>();
        /** The notification of every update answered 200, in order. */
        final List<String> delivered = new ArrayList<>();
        /** The bytes of their frames. */
        long deliveredBytes;
        private long version;

        /** PUTs the next version to {@code channel}; returns the status, which must be 200 or 202 (P4.3). */
        int put(Channel channel) {
            long next = ++version;
            String data = data(next);
            int status = SlowDeviceIT.put(channel.endpoint(), "version=" + next + "&data=" + data);
            assertThat(status).as("status of PUT version=%d", next).isIn(200, 202);
            latest.put(channel.id(), next);
            if (status == 200) {
                String notification = "{\"messageType\":\"notification\",\"updates\":[{\"channelID\":\"" + channel.id()
                        + "\",\"version\":" + next + ",\"data\":\"" + data + "\"}]}";
                delivered.add(notification);
                deliveredBytes += FrameWriter.text(notification.getBytes(StandardCharsets.UTF_8)).remaining();
            }
            return status;
        }

        /**
         * PUTs to the channels of a device that reads nothing, round robin, until it is offline: every PUT is answered
         * 200 until one is answered 202. Meanwhile other devices are served.
         */
        void putUntilDropped(List<Channel> channels) {
            for (int i = 0;; i++) {
                if (put(channels.get(i % channels.size())) == 202) {
                    return;
                }
                assertThat(deliveredBytes).as("bytes delivered (200) to a device that reads nothing, not dropped yet")
                        .isLessThan(GIVE_UP_BYTES);
                if (i % SERVES_CHECK_EVERY == 0) {
                    assertServerStillServes();
                }
            }
        }

        /** Data that differs with every version, so a frame that is cut, mixed or repeated is noticed. */
        private static String data(long version) {
            String unit = "v" + version + "-";
            return unit.repeat(DATA_BYTES / unit.length() + 1).substring(0, DATA_BYTES);
        }
    }

    private static int put(URI endpoint, String form) {
        try {
            return HTTP.send(HttpRequest.newBuilder(endpoint).timeout(TestServer.TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Says hello, as a new device if {@code uaid} is null; returns the UAID of the reply. */
    private static String hello(RawWebSocket device, @Nullable String uaid, List<Channel> channels) {
        String ids = channels.stream().map(channel -> "\"" + channel.id() + "\"").collect(Collectors.joining(","));
        device.send(text(uaid == null ? "{\"messageType\":\"hello\"}"
                : "{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[" + ids + "]}"));
        String reply = device.readMessage();
        assertThat(reply).startsWith("{\"messageType\":\"hello\",\"uaid\":\"").endsWith("\"status\":200}");
        return TestDevice.uaidOf(reply);
    }

    private static List<Channel> register(RawWebSocket device, int count) {
        List<Channel> channels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            device.send(text("{\"messageType\":\"register\",\"channelID\":\"" + id + "\"}"));
            String reply = device.readMessage();
            assertThat(reply).startsWith("{\"messageType\":\"register\",\"channelID\":\"" + id + "\",\"status\":200,");
            Matcher endpoint = ENDPOINT.matcher(reply);
            assertThat(endpoint.find()).as("pushEndpoint in %s", reply).isTrue();
            channels.add(new Channel(id, URI.create(endpoint.group(1))));
        }
        return channels;
    }

    /**
     * Reads notifications, acking each, until every channel of {@code expected} was received; returns the version
     * received per channel. Fails at once on a version other than the expected one.
     */
    private static Map<String, Long> receiveAndAck(RawWebSocket device, Map<String, Long> expected) {
        Map<String, Long> received = new HashMap<>();
        while (received.size() < expected.size()) {
            String next;
            try {
                next = device.readMessage();
            } catch (AssertionError e) {
                throw new AssertionError((expected.size() - received.size()) + " of " + expected.size()
                        + " channels never received their latest version", e);
            }
            JsonNode message = parse(next);
            assertThat(message.path("messageType").asText()).as("message %s", message).isEqualTo("notification");
            for (JsonNode update : message.path("updates")) {
                String channel = update.path("channelID").asText();
                assertThat(update.path("version").isIntegralNumber()).as("version in %s", update).isTrue();
                assertThat(update.path("version").asLong()).as("version of channel %s", channel)
                        .isEqualTo(expected.get(channel));
                received.put(channel, update.path("version").asLong());
            }
            ObjectNode ack = JSON.createObjectNode().put("messageType", "ack");
            ack.set("updates", message.path("updates"));
            device.send(text(ack.toString()));
        }
        return received;
    }

    private static JsonNode parse(String message) {
        try {
            return JSON.readTree(message);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + message, e);
        }
    }

    /** The server still takes new devices and answers them. */
    private static void assertServerStillServes() {
        try (TestDevice device = TestDevice.connect(server.webSocketUri())) {
            device.hello();
        }
    }
}
