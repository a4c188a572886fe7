package dev.simplepush.benchmarks.load;

import java.util.Locale;
import java.util.Map;

/** The plain-text summary of a run's result tree (the same tree that is written as JSON). */
final class Summary {

    private Summary() {
    }

    @SuppressWarnings("unchecked")
    static String text(Map<String, Object> result) {
        StringBuilder out = new StringBuilder("\n=== simplepush-load summary: ").append(result.get("label"))
                .append(" ===\n");
        Map<String, Object> connect = (Map<String, Object>) result.get("connect");
        line(out, "devices", "%s, ready %s, held at end %s, connect failures %s", result.get("devices"),
                connect.get("ready"), connect.get("held"), connect.get("failures"));
        line(out, "connect", "%.1f s, %.0f hellos/s", connect.get("seconds"), connect.get("hellosPerSecond"));
        if (connect.get("clientCpuMicrosPerHello") != null) {
            line(out, "connect CPU", "load tool %.1f us, server %.1f us per device (-1: unknown)",
                    connect.get("clientCpuMicrosPerHello"), connect.get("serverCpuMicrosPerHello"));
        }
        Map<String, Object> load = (Map<String, Object>) result.get("load");
        if (load != null) {
            line(out, "webpush".equals(result.get("dialect")) ? "POSTs" : "PUTs",
                    "%.0f/s (200: %.0f/s, 201: %.0f/s, 202: %.0f/s, other: %.0f/s) over %.1f s",
                    load.get("putsPerSecond"), load.get("put200PerSecond"), load.get("put201PerSecond"),
                    load.get("put202PerSecond"), load.get("putOtherPerSecond"), load.get("seconds"));
            line(out, "received", "%.0f notifications/s, %.0f updates/s, %.0f reconnects/s",
                    load.get("notificationsPerSecond"), load.get("updatesReceivedPerSecond"),
                    load.get("reconnectsPerSecond"));
            if (load.get("clientCpuMicrosPerUpdate") != null) {
                line(out, "load CPU", "load tool %.1f us, server %.1f us per update received (-1: unknown)",
                        load.get("clientCpuMicrosPerUpdate"), load.get("serverCpuMicrosPerUpdate"));
            }
            latency(out, "PUT->receipt", (Map<String, Object>) load.get("receiptLatencyMs"));
            latency(out, "PUT answer", (Map<String, Object>) load.get("putLatencyMs"));
        }
        Map<String, Object> totals = (Map<String, Object>) result.get("totals");
        line(out, "totals", "puts %s (200 %s, 201 %s, 202 %s, other %s, errors %s), updates received %s, "
                        + "duplicates %s, corrupt %s", totals.get("puts"), totals.get("put200"), totals.get("put201"),
                totals.get("put202"), totals.get("putOther"), totals.get("putErrors"), totals.get("updatesReceived"),
                totals.get("duplicates"), totals.get("corrupt"));
        line(out, "sockets", "hellos %s, registers %s, resets %s, drops %s, closed by server %s, protocol errors %s",
                totals.get("hellos"), totals.get("registers"), totals.get("resets"), totals.get("drops"),
                totals.get("closedByServer"), totals.get("protocolErrors"));
        Map<String, Object> memory = (Map<String, Object>) result.get("serverMemory");
        if (memory != null) {
            line(out, "server heap", "%s -> %s bytes: %s bytes per connection (%s connections)",
                    memory.get("heapBeforeBytes"), memory.get("heapAfterBytes"),
                    memory.get("heapBytesPerConnection"), memory.get("connections"));
            line(out, "server RSS", "%s -> %s bytes: %s bytes per connection", memory.get("rssBeforeBytes"),
                    memory.get("rssAfterBytes"), memory.get("rssBytesPerConnection"));
            if (memory.containsKey("heldHeapBytesPerConnection")) {
                line(out, "held idle", "after %s s: heap %s bytes per connection, RSS %s bytes per connection",
                        memory.get("heldSeconds"), memory.get("heldHeapBytesPerConnection"),
                        memory.get("heldRssBytesPerConnection"));
            }
            line(out, "client heap", "%s bytes per connection", memory.get("clientHeapBytesPerConnection"));
        }
        line(out, "LOST", "%s accepted updates never reached their device (%s PUTs unanswered)",
                totals.get("lost"), totals.get("unanswered"));
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static void latency(StringBuilder out, String name, Map<String, Object> p) {
        line(out, name, "p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms  (n=%s)", p.get("p50"),
                p.get("p90"), p.get("p99"), p.get("p99.9"), p.get("max"), p.get("count"));
    }

    private static void line(StringBuilder out, String name, String format, Object... args) {
        out.append(String.format(Locale.ROOT, "%-13s ", name + ":")).append(String.format(Locale.ROOT, format, args))
                .append('\n');
    }
}
