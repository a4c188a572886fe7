package dev.simplepush.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time (user + system) of this process and of another process on this machine, to cost operations. */
final class Cpu {

    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100 on Linux

    private Cpu() {
    }

    /** This JVM's CPU time in nanoseconds, or -1. */
    static long self() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** The CPU time of process {@code pid} ({@code utime + stime} of {@code /proc/PID/stat}) in nanoseconds, or -1. */
    static long of(Long pid) {
        if (pid == null) {
            return -1;
        }
        try {
            return fromStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code utime + stime} in nanoseconds from the text of {@code /proc/PID/stat}. */
    static long fromStat(String stat) {
        // The command name (field 2) may contain spaces and parentheses: count fields after its last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state); utime is field 14, stime field 15.
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
    }

    /** Microseconds of CPU per operation between two readings, or -1 when unknown. */
    static double microsPer(long before, long after, long operations) {
        if (before < 0 || after < 0 || operations <= 0) {
            return -1;
        }
        return (after - before) / 1e3 / operations;
    }
}
