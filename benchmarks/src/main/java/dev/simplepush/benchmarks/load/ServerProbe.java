package dev.simplepush.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of a server JVM on this machine: heap in use after a full GC ({@code jcmd PID GC.run}, then
 * {@code GC.heap_info}) and resident set size ({@code VmRSS} of {@code /proc/PID/status}).
 */
final class ServerProbe {

    /** One measurement; {@code -1} where a figure could not be read. */
    record Sample(long connections, long heapUsedBytes, long rssBytes, long clientHeapUsedBytes) {
    }

    private static final Pattern G1 = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern USED = Pattern.compile("used (\\d+)([KMG])");
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");

    private final long pid;
    private final Path jcmd;

    ServerProbe(long pid) {
        this.pid = pid;
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    /** Full GC in the server, then its heap and RSS, plus this process's own heap after a GC. */
    Sample sample(long connections) {
        long heap = -1;
        try {
            jcmd("GC.run");
            heap = heapUsed(jcmd("GC.heap_info")).orElse(-1);
        } catch (IOException e) {
            System.err.println("jcmd failed: " + e.getMessage());
        }
        long rss = -1;
        try {
            rss = rss(Files.readString(Path.of("/proc", Long.toString(pid), "status"))).orElse(-1);
        } catch (IOException e) {
            System.err.println("cannot read /proc/" + pid + "/status: " + e.getMessage());
        }
        return new Sample(connections, heap, rss, clientHeapUsed());
    }

    /** This process's heap in use after a full GC. */
    static long clientHeapUsed() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private String jcmd(String command) throws IOException {
        Process process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                .redirectErrorStream(true)
                .start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("jcmd " + command + " timed out");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("jcmd " + command + " exited " + process.exitValue() + ": " + out.strip());
        }
        return out;
    }

    /**
     * Heap in use from {@code GC.heap_info} output: G1's one heap line, or for other collectors the sum of the
     * generations' {@code used} figures (Metaspace and class space excluded).
     */
    static OptionalLong heapUsed(String heapInfo) {
        Matcher g1 = G1.matcher(heapInfo);
        if (g1.find()) {
            return OptionalLong.of(Long.parseLong(g1.group(2)) * 1024);
        }
        long total = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher used = USED.matcher(line);
            if (used.find()) {
                long unit = switch (used.group(2)) {
                    case "K" -> 1024L;
                    case "M" -> 1024L * 1024;
                    default -> 1024L * 1024 * 1024;
                };
                total += Long.parseLong(used.group(1)) * unit;
                found = true;
            }
        }
        return found ? OptionalLong.of(total) : OptionalLong.empty();
    }

    /** VmRSS in bytes from the text of {@code /proc/PID/status}. */
    static OptionalLong rss(String procStatus) {
        Matcher m = RSS.matcher(procStatus);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
    }
}
