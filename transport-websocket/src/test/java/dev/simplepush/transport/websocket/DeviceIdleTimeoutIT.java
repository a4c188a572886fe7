package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.simplepush.core.PushConfig;
import dev.simplepush.core.protocol.CloseCodes;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Half-open sockets, over real sockets: a device socket that reads nothing for the device idle timeout is closed,
 * one whose device keeps pinging stays, and every accepted connection has TCP keep-alive.
 */
class DeviceIdleTimeoutIT {

    private static final Duration IDLE = Duration.ofSeconds(1);
    /** How often the lively device pings: well within the idle timeout. */
    private static final Duration PING_EVERY = Duration.ofMillis(250);

    @Test
    void aSilentDeviceIsClosedAfterTheIdleTimeoutAndAPingingOneStays() {
        PushConfig push = PushConfig.builder().minPingInterval(Duration.ofMillis(100)).build();
        WebSocketConfig transport = WebSocketConfig.builder().port(0).deviceIdleTimeout(IDLE).build();
        try (TestServer server = TestServer.start(push, transport);
                TestDevice silent = TestDevice.connect(server.webSocketUri());
                TestDevice lively = TestDevice.connect(server.webSocketUri())) {
            lively.hello();
            silent.hello();
            long saidHello = System.nanoTime();

            // The lively device pings, as Firefox does every 30 minutes, until the silent one is closed.
            while (!silent.isClosed()) {
                assertThat(System.nanoTime() - saidHello).as("silent device still open after %s", TestServer.TIMEOUT)
                        .isLessThan(TestServer.TIMEOUT.toNanos());
                lively.send("{}");
                assertThat(lively.next()).isEqualTo("{}");
                LockSupport.parkNanos(PING_EVERY.toNanos());
            }
            long closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - saidHello);
            TestDevice.Close close = silent.awaitClose();
            System.out.printf("device idle timeout %d ms: the silent device was closed after %d ms%n", IDLE.toMillis(),
                    closedAfter);
            assertThat(close.code()).isEqualTo(CloseCodes.NORMAL);
            // Not before the timeout; and within it plus the sweep period, a tick and scheduling slack.
            assertThat(closedAfter).isGreaterThanOrEqualTo(IDLE.toMillis() - 100).isLessThan(3 * IDLE.toMillis());

            // The lively device, whose last read was a moment ago, is still served; and stays while it pings.
            long until = System.nanoTime() + 2 * IDLE.toNanos();
            while (System.nanoTime() < until) {
                lively.send("{}");
                assertThat(lively.next()).isEqualTo("{}");
                LockSupport.parkNanos(PING_EVERY.toNanos());
            }
            assertThat(lively.isClosed()).isFalse();
            lively.register();
        }
    }

    @Test
    void acceptedConnectionsHaveTcpKeepAlive() throws IOException {
        // Java's sockets are IPv6 ones where the system has IPv6, IPv4-mapped for 127.0.0.1: both tables count.
        List<Path> tables = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
        assumeTrue(Files.isReadable(tables.get(0)), "no /proc/net/tcp on this system");
        try (TestServer server = TestServer.start();
                Socket client = new Socket("127.0.0.1", server.port())) {
            int serverPort = server.port();
            int clientPort = client.getLocalPort();
            // The server's end of this connection, once accepted: its timer is the keep-alive one (tr 2), due in
            // minutes (the kernel's keep-alive time), not a retransmit or delayed-ack timer of milliseconds.
            TestServer.await(() -> tables.stream().filter(Files::isReadable)
                            .anyMatch(table -> keepAliveTimer(table, serverPort, clientPort).orElse(0L) > 60 * 100),
                    "a keep-alive timer on the server's end of the connection");
        }
    }

    /**
     * The pending time, in 1/100 s, of the keep-alive timer of the socket from {@code localPort} to
     * {@code remotePort} in the kernel's table; empty if that socket has no such timer.
     */
    private static Optional<Long> keepAliveTimer(Path table, int localPort, int remotePort) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines.subList(1, lines.size())) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when ...
            String[] fields = line.trim().split("\\s+");
            if (port(fields[1]) != localPort || port(fields[2]) != remotePort) {
                continue;
            }
            String[] timer = fields[5].split(":");
            if (!timer[0].equals("02")) {
                return Optional.empty();
            }
            return Optional.of(new BigInteger(timer[1], 16).longValue());
        }
        return Optional.empty();
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }
}
