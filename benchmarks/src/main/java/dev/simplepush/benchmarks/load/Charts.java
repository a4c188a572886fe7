package dev.simplepush.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Draws SVG charts from the load tool's JSON results: PUT→receipt latency against end-to-end throughput from
 * several {@code notify} runs, and server memory against connections from an {@code idle} run that sampled
 * memory ({@code --sample-every}).
 */
@Command(name = "simplepush-charts", mixinStandardHelpOptions = true, version = "simplepush-charts 0.1.0",
        description = "Writes latency-vs-throughput.svg (from notify results) and memory-vs-connections.svg (from "
                + "idle results with memory samples) into the output folder.%n")
public final class Charts implements Callable<Integer> {

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Folder for the SVG files. Default: ${DEFAULT-VALUE}.")
    Path outDir;

    @Parameters(paramLabel = "RESULT.json", arity = "1..*", description = "Results written by --json-out.")
    List<Path> results;

    /** Writes the charts; exits 2 on bad arguments. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Charts()).execute(args));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws IOException {
        List<Map<String, Object>> notify = new ArrayList<>();
        List<Map<String, Object>> memory = new ArrayList<>();
        for (Path file : results) {
            Object parsed = Json.read(Files.readString(file));
            if (!(parsed instanceof Map)) {
                continue; // not a load tool result, e.g. JMH's jmh.json in the same folder
            }
            Map<String, Object> result = (Map<String, Object>) parsed;
            Object scenario = result.get("scenario");
            if ("notify".equals(scenario) && result.get("load") != null) {
                notify.add(result);
            }
            Map<String, Object> mem = (Map<String, Object>) result.get("serverMemory");
            if ("idle".equals(scenario) && mem != null && ((List<Object>) mem.get("samples")).size() > 1) {
                memory.add(result);
            }
        }
        Files.createDirectories(outDir);
        if (!notify.isEmpty()) {
            Path out = outDir.resolve("latency-vs-throughput.svg");
            Files.writeString(out, latencyChart(notify), StandardCharsets.UTF_8);
            System.out.println("wrote " + out);
        }
        for (Map<String, Object> result : memory) {
            Path out = outDir.resolve("memory-vs-connections.svg");
            Files.writeString(out, memoryChart(result), StandardCharsets.UTF_8);
            System.out.println("wrote " + out);
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    static String latencyChart(List<Map<String, Object>> runs) {
        List<Map<String, Object>> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(r -> number(((Map<String, Object>) r.get("load"))
                .get("updatesReceivedPerSecond"))));
        String[] percentiles = {"p50", "p90", "p99"};
        String[] colors = {"#1b9e77", "#d95f02", "#7570b3"};
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < percentiles.length; i++) {
            List<double[]> points = new ArrayList<>();
            for (Map<String, Object> run : sorted) {
                Map<String, Object> load = (Map<String, Object>) run.get("load");
                Map<String, Object> latency = (Map<String, Object>) load.get("receiptLatencyMs");
                points.add(new double[] {number(load.get("updatesReceivedPerSecond")),
                    Math.max(0.05, number(latency.get(percentiles[i])))});
            }
            series.add(new Series(percentiles[i], colors[i], points));
        }
        return new Svg("PUT→receipt latency vs end-to-end throughput (notify)",
                "updates received per second", "latency, ms (log scale)", true).draw(series);
    }

    @SuppressWarnings("unchecked")
    static String memoryChart(Map<String, Object> run) {
        Map<String, Object> memory = (Map<String, Object>) run.get("serverMemory");
        List<double[]> heap = new ArrayList<>();
        List<double[]> rss = new ArrayList<>();
        List<double[]> client = new ArrayList<>();
        for (Object o : (List<Object>) memory.get("samples")) {
            Map<String, Object> s = (Map<String, Object>) o;
            double connections = number(s.get("connections"));
            heap.add(new double[] {connections, number(s.get("heapUsedBytes")) / 1048576.0});
            rss.add(new double[] {connections, number(s.get("rssBytes")) / 1048576.0});
            client.add(new double[] {connections, number(s.get("clientHeapUsedBytes")) / 1048576.0});
        }
        return new Svg("Memory vs idle connections (" + run.get("label") + ")", "connections", "MiB", false)
                .draw(List.of(new Series("server RSS", "#d95f02", rss),
                        new Series("server heap after full GC", "#1b9e77", heap),
                        new Series("load tool heap after full GC", "#7570b3", client)));
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    /** One line of a chart. */
    record Series(String name, String color, List<double[]> points) {
    }

    /** A minimal SVG line chart: axes with round ticks, a linear x axis, a linear or log-10 y axis, a legend. */
    static final class Svg {
        private static final int W = 720;
        private static final int H = 440;
        private static final int LEFT = 80;
        private static final int RIGHT = 190;
        private static final int TOP = 50;
        private static final int BOTTOM = 60;

        private final String title;
        private final String xLabel;
        private final String yLabel;
        private final boolean logY;

        Svg(String title, String xLabel, String yLabel, boolean logY) {
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
            this.logY = logY;
        }

        String draw(List<Series> series) {
            double xMax = 0;
            double yMin = Double.MAX_VALUE;
            double yMax = 0;
            for (Series s : series) {
                for (double[] p : s.points()) {
                    xMax = Math.max(xMax, p[0]);
                    yMax = Math.max(yMax, p[1]);
                    yMin = Math.min(yMin, p[1]);
                }
            }
            double xTop = niceCeiling(xMax);
            double yLow = logY ? Math.pow(10, Math.floor(Math.log10(Math.max(yMin, 1e-3)))) : 0;
            double yTop = logY ? Math.pow(10, Math.ceil(Math.log10(Math.max(yMax, yLow * 10)))) : niceCeiling(yMax);
            StringBuilder svg = new StringBuilder();
            svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                    + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                    W, H, W, H));
            svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"25\" font-size=\"15\" font-weight=\"bold\">%s"
                    + "</text>%n", LEFT, escape(title)));
            int plotW = W - LEFT - RIGHT;
            int plotH = H - TOP - BOTTOM;
            // grid and ticks
            for (int i = 0; i <= 5; i++) {
                double xv = xTop * i / 5;
                double x = LEFT + plotW * i / 5.0;
                svg.append(line(x, TOP, x, TOP + plotH, "#eeeeee"));
                svg.append(text(x, TOP + plotH + 18, format(xv), "middle"));
            }
            List<Double> yTicks = new ArrayList<>();
            if (logY) {
                for (double v = yLow; v <= yTop * 1.0001; v *= 10) {
                    yTicks.add(v);
                }
            } else {
                for (int i = 0; i <= 5; i++) {
                    yTicks.add(yTop * i / 5);
                }
            }
            for (double v : yTicks) {
                double y = y(v, yLow, yTop, plotH);
                svg.append(line(LEFT, y, LEFT + plotW, y, "#eeeeee"));
                svg.append(text(LEFT - 6, y + 4, format(v), "end"));
            }
            svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#333333"));
            svg.append(line(LEFT, TOP, LEFT, TOP + plotH, "#333333"));
            svg.append(text(LEFT + plotW / 2.0, H - 20, xLabel, "middle"));
            svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%.1f\" text-anchor=\"middle\" "
                    + "transform=\"rotate(-90 20 %.1f)\">%s</text>%n", TOP + plotH / 2.0, TOP + plotH / 2.0,
                    escape(yLabel)));
            int legendY = TOP + 10;
            for (Series s : series) {
                StringBuilder points = new StringBuilder();
                for (double[] p : s.points()) {
                    double x = LEFT + (xTop == 0 ? 0 : p[0] / xTop * plotW);
                    double y = y(p[1], yLow, yTop, plotH);
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                            x, y, s.color()));
                }
                svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                        + "points=\"%s\"/>%n", s.color(), points.toString().trim()));
                svg.append(line(W - RIGHT + 15, legendY, W - RIGHT + 40, legendY, s.color()));
                svg.append(text(W - RIGHT + 46, legendY + 4, s.name(), "start"));
                legendY += 20;
            }
            return svg.append("</svg>\n").toString();
        }

        private double y(double v, double low, double top, int plotH) {
            double f;
            if (logY) {
                f = (Math.log10(Math.max(v, low)) - Math.log10(low)) / (Math.log10(top) - Math.log10(low));
            } else {
                f = top == 0 ? 0 : v / top;
            }
            return TOP + plotH - f * plotH;
        }

        private static String line(double x1, double y1, double x2, double y2, String color) {
            return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                    x1, y1, x2, y2, color);
        }

        private static String text(double x, double y, String text, String anchor) {
            return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y,
                    anchor, escape(text));
        }

        static double niceCeiling(double v) {
            if (v <= 0) {
                return 1;
            }
            double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
            for (double step : new double[] {1, 2, 2.5, 5, 10}) {
                if (v <= step * magnitude) {
                    return step * magnitude;
                }
            }
            return 10 * magnitude;
        }

        private static String format(double v) {
            if (v == Math.rint(v)) {
                return String.format(Locale.ROOT, "%,d", (long) v);
            }
            return String.format(Locale.ROOT, v < 1 ? "%.2f" : "%.1f", v);
        }

        private static String escape(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
