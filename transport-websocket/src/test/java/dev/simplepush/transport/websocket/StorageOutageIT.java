package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.core.testing.OutageStore;
import dev.simplepush.store.memory.InMemoryStoreModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** What devices and app servers see while the store is unreachable, and that nothing accepted before is lost. */
class StorageOutageIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private OutageStore store;
    private PushServer server;
    private PushService service;
    private URI webSocket;

    @BeforeEach
    void start() {
        store = new OutageStore(InMemoryStoreModule.newDeviceStore(Clock.systemUTC()));
        TestServer test = TestServer.startOn(store);
        server = test.server;
        service = test.service;
        webSocket = test.webSocketUri();
    }

    @AfterEach
    void stop() {
        TestServer.join(server.stop().toCompletableFuture());
    }

    /** A device that said hello, registered one channel and left. */
    private Offline registeredThenGone() {
        Offline offline;
        try (TestDevice device = TestDevice.connect(webSocket)) {
            offline = new Offline(device.hello(), device.register());
        }
        TestServer.await(() -> service.openSessions() == 0, "device gone");
        return offline;
    }

    private record Offline(String uaid, TestDevice.Registration channel) {
    }

    private static HttpResponse<String> put(URI endpoint, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(endpoint).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void putDuringAnOutageIs503WithRetryAfterAndAcceptedUpdatesSurviveIt() throws Exception {
        Offline offline = registeredThenGone();
        String uaid = offline.uaid();
        TestDevice.Registration channel = offline.channel();
        assertThat(put(channel.endpoint(), "version=7").statusCode()).isEqualTo(202);

        store.down(true);
        HttpResponse<String> refused = put(channel.endpoint(), "version=8");
        // P4.3: never 200/202 before the update is stored; 503 tells the app server to retry.
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).startsWith("{\"code\":503,\"errno\":201,");

        store.down(false);
        try (TestDevice device = TestDevice.connect(webSocket)) {
            device.send("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[\""
                    + channel.channelId() + "\"]}");
            assertThat(TestDevice.uaidOf(device.next())).isEqualTo(uaid);
            // Version 7 was accepted before the outage: it is still pending. Version 8 was refused.
            assertThat(device.next()).contains("\"version\":7").doesNotContain("\"version\":8");
        }
    }

    @Test
    void helloDuringAnOutageGetsAnErrorAndTheSocketClosesThenTheDeviceRecovers() {
        store.down(true);
        try (TestDevice device = TestDevice.connect(webSocket)) {
            device.send("{\"messageType\":\"hello\"}");
            assertThat(device.next()).isEqualTo(
                    "{\"messageType\":\"hello\",\"status\":503,\"error\":\"storage unavailable; retry later\"}");
            assertThat(device.awaitClose().code()).isEqualTo(1011);
        }
        store.down(false);
        try (TestDevice device = TestDevice.connect(webSocket)) {
            assertThat(device.hello()).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void registerDuringAnOutageGetsStatus500AndTheSocketStaysUsable() {
        try (TestDevice device = TestDevice.connect(webSocket)) {
            device.hello();
            store.down(true);
            String channel = UUID.randomUUID().toString();
            device.send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
            assertThat(device.next()).isEqualTo(
                    "{\"messageType\":\"register\",\"channelID\":\"" + channel + "\",\"status\":500,"
                            + "\"error\":\"storage failed; retry later\"}");
            store.down(false);
            assertThat(device.register().endpoint().getPath()).startsWith("/update/");
        }
    }

    @Test
    void warningsDuringAnOutageNameTheDeviceByAShortHashNeverByItsUaid() throws Exception {
        Offline offline = registeredThenGone();
        String uaid = offline.uaid();
        TestDevice.Registration channel = offline.channel();
        Logger serviceLog = (Logger) LoggerFactory.getLogger(PushService.class);
        Level level = serviceLog.getLevel();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        serviceLog.setLevel(Level.WARN);
        serviceLog.addAppender(log);
        try {
            store.down(true);
            assertThat(put(channel.endpoint(), "version=8").statusCode()).isEqualTo(503);
        } finally {
            serviceLog.detachAppender(log);
            serviceLog.setLevel(level);
            store.down(false);
        }
        // The UAID is the device's only credential, the token in the endpoint lets anyone push: neither in full.
        String token = channel.endpoint().getPath().substring("/update/".length());
        assertThat(log.list).isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain(uaid)
                .doesNotContain(token)
                .containsPattern(Pattern.compile("uaid#[0-9a-f]{8}")));
    }

    @Test
    void noLogLineOfAnyComponentNamesAUaidATokenOrAnEndpointDuringAnOutage() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger serviceLog = (Logger) LoggerFactory.getLogger(PushService.class);
        Level rootLevel = root.getLevel();
        Level serviceLevel = serviceLog.getLevel();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.setLevel(Level.INFO);
        serviceLog.setLevel(Level.INFO);
        root.addAppender(log);
        String uaid;
        TestDevice.Registration channel;
        try (TestDevice device = TestDevice.connect(webSocket)) {
            uaid = device.hello();
            channel = device.register();
            store.down(true);
            assertThat(put(channel.endpoint(), "version=8").statusCode()).isEqualTo(503);
            device.send("{\"messageType\":\"register\",\"channelID\":\"" + UUID.randomUUID() + "\"}");
            assertThat(device.next()).contains("\"status\":500");
            device.send("{\"messageType\":\"unregister\",\"channelID\":\"" + channel.channelId() + "\"}");
            assertThat(device.next()).contains("\"status\":500");
            device.send("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + channel.channelId()
                    + "\",\"version\":8}]}");
            try (TestDevice again = TestDevice.connect(webSocket)) {
                again.send("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[\""
                        + channel.channelId() + "\"]}");
                assertThat(again.next()).contains("\"status\":503");
            }
            TestServer.await(() -> log.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("ack failed")),
                    "the failed ack logged");
        } finally {
            root.detachAppender(log);
            root.setLevel(rootLevel);
            serviceLog.setLevel(serviceLevel);
            store.down(false);
        }

        String token = channel.endpoint().getPath().substring("/update/".length());
        List<ILoggingEvent> lines = List.copyOf(log.list);
        assertThat(lines).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(line -> line.startsWith("update for uaid#"))
                .anyMatch(line -> line.startsWith("register failed for device uaid#"))
                .anyMatch(line -> line.startsWith("unregister failed for device uaid#"))
                .anyMatch(line -> line.startsWith("hello failed"));
        assertThat(lines).allSatisfy(event -> assertThat(everythingIn(event))
                .doesNotContain(uaid).doesNotContain(token).doesNotContain(channel.endpoint().toString()));
        // The lines about one connection carry its id, the same on each of them.
        List<String> connections = lines.stream()
                .filter(event -> event.getFormattedMessage().contains("failed for device"))
                .map(StorageOutageIT::keyValues).toList();
        assertThat(connections).hasSize(3).allMatch(pairs -> pairs.matches("connection=\\d+"))
                .containsOnly(connections.get(0));
    }

    private static String keyValues(ILoggingEvent event) {
        List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
        return pairs.stream().map(pair -> pair.key + "=" + pair.value).collect(Collectors.joining(" "));
    }

    /** The text of a log event: its message, its key-value pairs and its exceptions' messages. */
    private static String everythingIn(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        text.append(' ').append(keyValues(event));
        for (IThrowableProxy failure = event.getThrowableProxy(); failure != null; failure = failure.getCause()) {
            text.append(' ').append(failure.getClassName()).append(": ").append(failure.getMessage());
        }
        return text.toString();
    }
}
