package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * What an idle device socket keeps on the server's heap, counted in a class histogram of live objects (taken after
 * a full GC) while a few hundred devices sit idle after hello and one register.
 *
 * <p>Counts objects, not time: the histogram is exact for live instances, and the devices' client side (the JDK
 * WebSocket client in this same JVM) uses none of the classes counted here.
 */
class IdleFootprintIT {

    private static final int DEVICES = 400;
    /**
     * Bytes per idle socket of Undertow, XNIO and simplepush objects (JDK objects such as the socket channel and
     * strings are left out, as the client side has them too). About 1,500 today: Undertow's WebSocket channel and
     * its HTTP connection, XNIO's conduits, our socket and session, and the in-memory store's device and channel.
     */
    private static final long MAX_SERVER_BYTES_PER_SOCKET = 1_700;
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

    @Test
    void idleSocketsKeepNeitherTheUpgradeRequestNorMoreThanTheirBudget() {
        Map<String, long[]> before = histogram();
        try (TestServer server = TestServer.start()) {
            List<TestDevice> devices = new ArrayList<>();
            try {
                for (int i = 0; i < DEVICES; i++) {
                    TestDevice device = TestDevice.connect(server.webSocketUri());
                    devices.add(device);
                    device.hello();
                    device.register();
                }
                Map<String, long[]> idle = histogram();

                // The histogram sees every socket, so the bounds below are not met by counting nothing.
                assertThat(instances(idle, DeviceSocket.class.getName())).isEqualTo(DEVICES);
                assertThat(instances(idle, "io.undertow.server.protocol.http.HttpServerConnection"))
                        .isGreaterThanOrEqualTo(DEVICES);

                // The upgrade request (its exchange, headers and handshake wrapper) is garbage once upgraded.
                for (String requestClass : List.of("io.undertow.server.HttpServerExchange",
                        "io.undertow.util.HeaderMap", "io.undertow.util.HeaderValues",
                        "io.undertow.websockets.spi.AsyncWebSocketHttpServerExchange")) {
                    assertThat(instances(idle, requestClass)).as(requestClass + " instances with %d idle sockets",
                            DEVICES).isLessThan(DEVICES / 10);
                }

                long perSocket = (serverBytes(idle) - serverBytes(before)) / DEVICES;
                assertThat(perSocket).as("bytes of Undertow, XNIO and simplepush objects per idle socket")
                        .isLessThanOrEqualTo(MAX_SERVER_BYTES_PER_SOCKET);
            } finally {
                devices.forEach(TestDevice::close);
            }
        }
    }

    private static long instances(Map<String, long[]> histogram, String className) {
        long[] row = histogram.get(className);
        return row == null ? 0 : row[0];
    }

    private static long serverBytes(Map<String, long[]> histogram) {
        long bytes = 0;
        for (Map.Entry<String, long[]> row : histogram.entrySet()) {
            String name = row.getKey();
            boolean server = name.startsWith("io.undertow.") || name.startsWith("[Lio.undertow.")
                    || name.startsWith("org.xnio.") || name.startsWith("dev.simplepush.");
            if (server && !name.startsWith(TestDevice.class.getName())) {
                bytes += row.getValue()[1];
            }
        }
        return bytes;
    }

    /** Live objects per class after a full GC: what {@code jcmd PID GC.class_histogram} prints. */
    private static Map<String, long[]> histogram() {
        String text;
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
            assumeTrue(server.isRegistered(diagnostics), "this JVM has no diagnostic command MBean");
            text = (String) server.invoke(diagnostics, "gcClassHistogram", new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new AssertionError("class histogram failed", e);
        }
        Map<String, long[]> rows = new HashMap<>();
        Matcher row = ROW.matcher(text);
        while (row.find()) {
            rows.put(row.group(3), new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))});
        }
        assertThat(rows).as("class histogram rows").isNotEmpty();
        return rows;
    }
}
