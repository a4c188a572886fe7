package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.util.Modules;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.transport.websocket.WebPushSender.Answer;
import dev.simplepush.transport.websocket.WebPushSender.VapidKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Stock Firefox (Debian's {@code firefox-esr}, headless) against a real server, speaking the Web Push dialect
 * (the Web Push profile, rules W1–W10), with the npm package {@code web-push} as the application server. One Firefox profile for
 * the whole class, so the scenarios run in order, each on what the ones before left: a page subscribes with a VAPID
 * key and gets a message; messages without or with the wrong VAPID key are refused; the first connection stays open
 * for {@link #STAY_CONNECTED}; a message sent while Firefox is closed arrives after a restart, one sent with TTL 0
 * never does; after unsubscribe the endpoint is gone. On a failure the tail of Firefox's log (its push client logs
 * every frame it sends and receives) is printed; the whole of it is in {@code target/firefox-webpush/firefox.log}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirefoxWebPushIT {

    /**
     * How long Firefox's first connection must stay open, from its hello: past the {@code broadcast_subscribe} that a
     * fresh profile sends some 17 s after start-up (W2.1), and long enough to see it is not closed later.
     */
    private static final Duration STAY_CONNECTED = Duration.ofSeconds(120);
    /** How long a message may take to reach the service worker, and Firefox to start and connect. */
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    /** How long to wait for a message that must not arrive, after one sent later did. */
    private static final Duration NEVER = Duration.ofSeconds(5);
    private static final String SUBJECT = "mailto:push-tests@simplepush.dev";
    private static final int LOG_TAIL = 150;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "firefox-session-watch");
        thread.setDaemon(true);
        return thread;
    });

    private static TestServer server;
    private static WebPushApp app;
    private static Firefox firefox;
    private static WebPushSender sender;
    private static VapidKeys vapid;
    private static VapidKeys otherVapid;
    private static String pageUrl;
    private static long firstHelloAt;
    /** The first time the server had other than one open device session after Firefox's first hello. */
    private static final AtomicReference<String> sessionChange = new AtomicReference<>();
    private static JsonNode subscription;

    @RegisterExtension
    static final FailureReport REPORT = new FailureReport();

    @BeforeAll
    static void startFirefox() {
        sender = WebPushSender.locate();
        server = TestServer.start(PushConfig.defaults(), Modules.combine(
                new WebSocketTransportModule(WebSocketConfig.builder().port(0).build()),
                PushCoreModule.meterRegistry(METERS)));
        firefox = Firefox.withFreshProfile(Firefox.workDir(), server.webSocketUri());
        vapid = sender.generateVapidKeys();
        otherVapid = sender.generateVapidKeys();
        app = new WebPushApp(WebPushSender.firefoxDir());
        pageUrl = app.url();

        firefox.start(pageUrl);
        firefox.awaitSent("hello", ARRIVAL);
        TestServer.await(() -> server.service.openSessions() == 1, "Firefox's device session");
        firstHelloAt = System.nanoTime();
        WATCH.scheduleAtFixedRate(() -> {
            int open = server.service.openSessions();
            if (open != 1) {
                sessionChange.compareAndSet(null, open + " open device sessions "
                        + Duration.ofNanos(System.nanoTime() - firstHelloAt).toMillis() + " ms after the first hello");
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopAll() {
        WATCH.shutdownNow();
        if (firefox != null) {
            firefox.close();
        }
        if (app != null) {
            app.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void subscriptionWithAKeyGetsARestrictedEndpointAndItsFirstMessage() {
        subscription = app.subscribe(vapid.publicKey(), ARRIVAL);

        assertThat(firefox.received("hello")).as("W1.2: the hello reply echoes use_webpush")
                .singleElement().satisfies(reply -> assertThat(json(reply).path("use_webpush").asBoolean()).isTrue());
        assertThat(subscription.path("endpoint").asText()).as("W4.1: a restricted endpoint")
                .startsWith("http://127.0.0.1:" + server.port() + "/wpush/v2/");
        assertThat(subscription.path("keys").path("p256dh").asText()).as("W1.2: Firefox made encryption keys")
                .isNotEmpty();
        assertThat(subscription.path("keys").path("auth").asText()).isNotEmpty();

        Answer answer = send("hello firefox", 60, vapid);

        assertThat(answer.status()).as("W6.7: %s", answer).isEqualTo(201);
        assertThat(answer.header("Location")).as("W6.7").hasValueSatisfying(location ->
                assertThat(location).startsWith("http://127.0.0.1:" + server.port() + "/m/"));
        assertThat(app.nextPush(ARRIVAL)).isEqualTo("hello firefox");
        assertThat(app.pushes()).containsExactly("hello firefox");
    }

    @Test
    @Order(2)
    void messagesWithoutOrWithTheWrongVapidKeyAreRefusedAndNeverDelivered() {
        requireSubscribedFirefox();

        Answer anonymous = send("no authorization", 60, null);
        Answer wrongKey = send("signed with another key", 60, otherVapid);
        Answer right = send("signed with the right key", 60, vapid);

        assertThat(anonymous.status()).as("W7.3: no Authorization, %s", anonymous).isEqualTo(401);
        assertThat(wrongKey.status()).as("W7.3: k is not the subscription's key, %s", wrongKey).isEqualTo(403);
        assertThat(right.status()).as("%s", right).isEqualTo(201);
        // W5.6: a channel's messages arrive in order, so a refused one that had been delivered would come first.
        assertThat(app.nextPush(ARRIVAL)).isEqualTo("signed with the right key");
        assertThat(app.pushes()).doesNotContain("no authorization", "signed with another key");
    }

    @Test
    @Order(3)
    void firstConnectionStaysOpenThroughBroadcastSubscribe() {
        long deadline = firstHelloAt + STAY_CONNECTED.toNanos();
        while (System.nanoTime() < deadline && sessionChange.get() == null) {
            Firefox.sleep(Duration.ofMillis(200));
        }

        WATCH.shutdownNow(); // the next scenario closes Firefox

        assertThat(sessionChange.get()).as("the server kept one device session open for %s", STAY_CONNECTED)
                .isNull();
        assertThat(hellos()).as("the server answered one hello: Firefox never reconnected").isEqualTo(1);
        assertThat(firefox.sent("hello")).as("Firefox said hello once").hasSize(1);
        assertThat(firefox.currentRun()).as("Firefox's socket never stopped")
                .noneMatch(line -> line.contains("wsOnStop()") || line.contains("wsOnServerClose()"));
        assertThat(firefox.sent("broadcast_subscribe")).as("Firefox sent broadcast_subscribe (W2.1)").isNotEmpty();
        assertThat(firefox.received("broadcast")).as("W2.3: broadcast_subscribe is answered with the errors form")
                .anySatisfy(frame -> assertThat(json(frame).path("broadcasts").path("errors")
                        .has("remote-settings/monitor_changes")).isTrue());
    }

    @Test
    @Order(4)
    void messageSentWhileFirefoxWasClosedArrivesAfterARestartAndATtlZeroOneNever() {
        requireSubscribedFirefox();
        String endpoint = subscription().path("endpoint").asText();
        app.eval("quit()", ARRIVAL);
        assertThat(firefox.awaitExit()).as("Firefox quit normally").isZero();
        server.awaitNoOpenSessions();

        Answer now = send("now or never", 0, vapid);
        Answer later = send("while you were away", 60, vapid);
        assertThat(now.status()).as("W6.3: TTL 0 is still 201, %s", now).isEqualTo(201);
        assertThat(later.status()).as("W6.7: stored, %s", later).isEqualTo(201);

        firefox.start(pageUrl);
        String hello = firefox.awaitSent("hello", ARRIVAL);
        assertThat(hello).as("W1.3: Firefox holds a subscription, so it sends its UAID").contains("\"uaid\"");
        assertThat(app.nextPush(ARRIVAL)).as("W9.3: the stored message after the hello")
                .isEqualTo("while you were away");
        assertThat(app.subscribe(vapid.publicKey(), ARRIVAL).path("endpoint").asText())
                .as("W1.3: the UAID was kept, so the subscription too").isEqualTo(endpoint);

        Firefox.sleep(NEVER); // an absence cannot be awaited: the later message arrived, and some time has passed
        assertThat(app.pushes()).as("W6.3: TTL 0 is never stored for a later connection")
                .doesNotContain("now or never");
    }

    @Test
    @Order(5)
    void unsubscribedEndpointAnswers410() {
        requireSubscribedFirefox();

        assertThat(app.eval("unsubscribe()", ARRIVAL).asBoolean()).as("unsubscribe() resolved true").isTrue();
        assertThat(firefox.sent("unregister")).as("Firefox told the server").isNotEmpty();

        Answer answer = send("after unsubscribe", 60, vapid);
        assertThat(answer.status()).as("W3.4: %s", answer).isEqualTo(410);
    }

    /** Sends with web-push to the page's subscription, signed with {@code keys} (no Authorization when null). */
    private static Answer send(String payload, int ttl, @Nullable VapidKeys keys) {
        return sender.send(subscription(), payload, ttl, keys, SUBJECT);
    }

    /** What the scenarios after the first need: its subscription, and Firefox running (a failed one may stop it). */
    private static void requireSubscribedFirefox() {
        subscription();
        assertThat(firefox.isRunning()).as("Firefox runs (a scenario before failed while it was stopped)").isTrue();
    }

    private static JsonNode subscription() {
        assertThat(subscription).as("the page subscribed (the first scenario)").isNotNull();
        return subscription;
    }

    private static JsonNode json(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + frame, e);
        }
    }

    private static double hellos() {
        return Optional.ofNullable(METERS.find("simplepush.hellos").counter()).map(Counter::count).orElse(0.0);
    }

    /**
     * Prints, when a test or the set-up fails, the tail of Firefox's log (only lines not in an earlier report: the
     * scenarios after a failed one often fail on what it left) and everything the page reported.
     */
    static final class FailureReport implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

        private int reportedLines;

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            report(context, failure);
            throw failure;
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
                throws Throwable {
            report(context, failure);
            throw failure;
        }

        private synchronized void report(ExtensionContext context, Throwable failure) {
            if (failure instanceof TestAbortedException) {
                return; // skipped: a tool is missing
            }
            String test = context.getTestMethod().map(Method::getName).orElse(context.getDisplayName());
            StringBuilder report = new StringBuilder("\n=== FirefoxWebPushIT." + test + " failed");
            if (firefox != null) {
                int lines = firefox.lines();
                if (lines == reportedLines) {
                    report.append("; Firefox printed nothing since the last report (all of its log is in ")
                            .append(firefox.logFile()).append(")");
                } else {
                    report.append("; the last ").append(Math.min(LOG_TAIL, lines - reportedLines))
                            .append(" new lines of Firefox's log (all of it is in ").append(firefox.logFile())
                            .append("):\n").append(firefox.tail(Math.min(LOG_TAIL, lines - reportedLines)));
                }
                reportedLines = lines;
            }
            if (app != null) {
                report.append("\n=== what the page and its service worker reported:\n")
                        .append(String.join("\n", app.log()));
            }
            System.out.println(report.append("\n=== end of report\n"));
        }
    }
}
