package dev.simplepush.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * UDP wake-up end to end (P8) against a real composed server, with a Gecko-like device that listens on a real
 * UDP socket on 127.0.0.1.
 */
class UdpWakeupIT {

    private static final Duration IDLE = Duration.ofMillis(300);
    private static final Duration RETRY = Duration.ofMillis(150);
    private static final String ON_NETWORK = "{\"mcc\":\"214\",\"mnc\":\"07\"}";

    private final List<AutoCloseable> resources = new ArrayList<>();

    private WakeupServer server(int maxAttempts) {
        return server(maxAttempts, IDLE);
    }

    private WakeupServer server(int maxAttempts, Duration idle) {
        WakeupServer server = WakeupServer.start(UdpWakeupConfig.builder()
                .network(WakeupNetwork.parse("mcc=214,mnc=07,ranges=10.0.0.0/8;127.0.0.0/8,method=udp"))
                .idleTimeout(idle)
                .retryInterval(RETRY)
                .maxAttempts(maxAttempts)
                .build());
        resources.add(server);
        return server;
    }

    private GeckoSimulator device(WakeupServer server, String mobileNetwork) throws Exception {
        GeckoSimulator device = new GeckoSimulator(server.webSocketUri(), mobileNetwork);
        resources.add(0, device);
        return device;
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        WakeupServer.await(condition, what);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    @DisplayName("P8.1-P8.4 eligible hello → 201 → 4774 when idle → PUT 202 wakes by UDP → device says hello → update delivered")
    void idleDeviceIsClosedWokenAndGetsItsUpdate() throws Exception {
        WakeupServer server = server(5);
        GeckoSimulator device = device(server, ON_NETWORK);

        String reply = device.connectAndHello();
        assertThat(reply).contains("\"status\":201");
        URI endpoint = device.register();
        long registered = System.nanoTime();

        GeckoSimulator.Close close = device.awaitClose();
        assertThat(close).isEqualTo(new GeckoSimulator.Close(4774, "UDP Wakeup"));
        assertThat(Duration.ofNanos(System.nanoTime() - registered)).isGreaterThanOrEqualTo(IDLE.minusMillis(50));
        server.awaitNoOpenSessions();

        assertThat(server.put(endpoint, 7)).as("P4.3 stored for an offline device").isEqualTo(202);
        assertThat(device.datagram(WakeupServer.TIMEOUT)).isEqualTo("NOTIFY 127.0.0.1:" + device.udpPort());

        String again = device.nextHelloReply();
        assertThat(again).contains("\"uaid\":\"" + device.uaid().orElseThrow() + "\"").contains("\"status\":201");
        assertThat(device.next()).isEqualTo("{\"messageType\":\"notification\",\"updates\":[{\"channelID\":\""
                + device.channel(0) + "\",\"version\":7}]}");
        WakeupServer.await(() -> server.counter("simplepush.wakeup.woken") == 1.0, "device counted as woken");
        assertThat(server.counter("simplepush.wakeup.sent")).isEqualTo(1.0);
        assertThat(server.counter("simplepush.wakeup.retried")).isZero();
    }

    @Test
    @DisplayName("P8.2 any client message restarts the idle timer")
    void messagesKeepTheSocketOpen() throws Exception {
        // A longer idle time than the other tests, so that a stalled test thread cannot look like silence.
        Duration idle = Duration.ofMillis(800);
        WakeupServer server = server(5, idle);
        GeckoSimulator device = device(server, ON_NETWORK);
        assertThat(device.connectAndHello()).contains("\"status\":201");

        long start = System.nanoTime();
        // Bounded window: an ack every idle/8 for three idle periods; the socket must stay open throughout.
        while (System.nanoTime() - start < idle.multipliedBy(3).toNanos()) {
            device.send("{\"messageType\":\"ack\",\"updates\":[]}");
            Thread.sleep(idle.toMillis() / 8);
            assertThat(device.isClosed()).as("closed although messages kept arriving").isFalse();
        }
        long quiet = System.nanoTime();
        assertThat(device.awaitClose().code()).isEqualTo(4774);
        assertThat(Duration.ofNanos(System.nanoTime() - quiet))
                .isGreaterThanOrEqualTo(idle.minusMillis(idle.toMillis() / 8 + 50));
    }

    @Test
    @DisplayName("P8.3 a device that does not come back is woken again with back-off, at most maxAttempts times")
    void unansweredWakeupsAreRetriedWithBackOffAndBounded() throws Exception {
        WakeupServer server = server(3);
        GeckoSimulator device = device(server, ON_NETWORK);
        device.answerWakeups(false);
        assertThat(device.connectAndHello()).contains("\"status\":201");
        URI endpoint = device.register();
        assertThat(device.awaitClose().code()).isEqualTo(4774);
        server.awaitNoOpenSessions();

        assertThat(server.put(endpoint, 1)).isEqualTo(202);
        String notify = "NOTIFY 127.0.0.1:" + device.udpPort();
        assertThat(device.datagram(WakeupServer.TIMEOUT)).isEqualTo(notify);
        // P8.3 rate limit: further updates while the series runs send no extra datagram.
        assertThat(server.put(endpoint, 2)).isEqualTo(202);
        assertThat(server.put(endpoint, 3)).isEqualTo(202);

        assertThat(device.datagram(WakeupServer.TIMEOUT)).isEqualTo(notify);
        assertThat(device.datagram(WakeupServer.TIMEOUT)).isEqualTo(notify);
        List<Long> arrivals = device.datagramArrivals();
        Duration firstGap = Duration.ofNanos(arrivals.get(1) - arrivals.get(0));
        Duration secondGap = Duration.ofNanos(arrivals.get(2) - arrivals.get(1));
        assertThat(firstGap).isGreaterThanOrEqualTo(RETRY.minusMillis(30));
        assertThat(secondGap).as("doubled back-off").isGreaterThanOrEqualTo(RETRY.multipliedBy(2).minusMillis(30));

        // Bounded "nothing arrives" window: well past where a fourth attempt would be.
        assertThat(device.datagram(RETRY.multipliedBy(6))).as("a fourth wake-up").isNull();
        assertThat(server.counter("simplepush.wakeup.sent")).isEqualTo(3.0);
        assertThat(server.counter("simplepush.wakeup.retried")).isEqualTo(2.0);
        assertThat(server.counter("simplepush.wakeup.woken")).isZero();

        // Once the series is over, a new update starts a new one.
        assertThat(server.put(endpoint, 4)).isEqualTo(202);
        assertThat(device.datagram(WakeupServer.TIMEOUT)).isEqualTo(notify);
    }

    @Test
    @DisplayName("P8.1 ineligible hellos get 200 and are never closed with 4774 nor woken")
    void ineligibleHellosAreOrdinaryClients() throws Exception {
        WakeupServer server = server(5);
        String[][] cases = {
            // unknown network
            {"{\"ip\":\"127.0.0.1\",\"port\":%d}", "{\"mcc\":\"208\",\"mnc\":\"01\"}"},
            // public address outside the network's ranges
            {"{\"ip\":\"203.0.113.9\",\"port\":%d}", ON_NETWORK},
            // port 0
            {"{\"ip\":\"127.0.0.1\",\"port\":0}", ON_NETWORK},
            // non-numeric mnc
            {"{\"ip\":\"127.0.0.1\",\"port\":%d}", "{\"mcc\":\"214\",\"mnc\":\"O7\"}"},
            // missing ip
            {"{\"port\":%d}", ON_NETWORK},
        };
        List<GeckoSimulator> devices = new ArrayList<>();
        List<URI> endpoints = new ArrayList<>();
        for (String[] c : cases) {
            GeckoSimulator device = device(server, c[1]);
            device.advertise(c[0].contains("%d") ? String.format(c[0], device.udpPort()) : c[0]);
            assertThat(device.connectAndHello()).as(c[0] + " " + c[1]).contains("\"status\":200");
            endpoints.add(device.register());
            devices.add(device);
        }
        // Bounded window of three idle periods: no 4774 for anyone.
        Thread.sleep(IDLE.multipliedBy(3).toMillis());
        for (GeckoSimulator device : devices) {
            assertThat(device.isClosed()).isFalse();
            device.disconnect();
        }
        server.awaitNoOpenSessions();
        for (URI endpoint : endpoints) {
            assertThat(server.put(endpoint, 1)).isEqualTo(202);
        }
        for (GeckoSimulator device : devices) {
            assertThat(device.datagram(RETRY)).as("a wake-up for an ordinary client").isNull();
        }
        assertThat(server.counter("simplepush.wakeup.sent")).isZero();
    }

    @Test
    @DisplayName("P8.1 a later hello without wake-up data forgets the stored address")
    void helloWithoutWakeupForgetsTheAddress() throws Exception {
        WakeupServer server = server(5);
        GeckoSimulator device = device(server, ON_NETWORK);
        assertThat(device.connectAndHello()).contains("\"status\":201");
        URI endpoint = device.register();
        assertThat(device.awaitClose().code()).isEqualTo(4774);

        device.advertise(null);
        assertThat(device.connectAndHello()).contains("\"status\":200");
        device.disconnect();
        server.awaitNoOpenSessions();

        assertThat(server.put(endpoint, 5)).isEqualTo(202);
        assertThat(device.datagram(RETRY.multipliedBy(2))).as("a wake-up after the address was forgotten").isNull();
    }
}
