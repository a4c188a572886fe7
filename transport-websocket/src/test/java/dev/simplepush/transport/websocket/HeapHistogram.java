package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Live objects per class after a full GC, what {@code jcmd PID GC.class_histogram} prints: instances and bytes by
 * class name. Skips the test (an assumption) on a JVM without the diagnostic command MBean.
 */
public final class HeapHistogram {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

    private final Map<String, long[]> rows;

    private HeapHistogram(Map<String, long[]> rows) {
        this.rows = rows;
    }

    /** Runs a full GC and counts what is left. */
    public static HeapHistogram take() {
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
        return new HeapHistogram(rows);
    }

    /** Live instances of {@code className}. */
    public long instances(String className) {
        long[] row = rows.get(className);
        return row == null ? 0 : row[0];
    }

    /** Bytes of the live objects of the classes {@code counted} names. */
    public long bytes(Predicate<String> counted) {
        long bytes = 0;
        for (Map.Entry<String, long[]> row : rows.entrySet()) {
            if (counted.test(row.getKey())) {
                bytes += row.getValue()[1];
            }
        }
        return bytes;
    }
}
