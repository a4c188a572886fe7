package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ChartsTest {

    @Test
    @SuppressWarnings("unchecked")
    void drawsOneLinePerPercentileFromNotifyResults() throws Exception {
        List<Map<String, Object>> runs = List.of(
                (Map<String, Object>) Json.read(notify(5000, 1.2, 3.4)),
                (Map<String, Object>) Json.read(notify(10000, 2.0, 8.5)));

        Document svg = parse(Charts.latencyChart(runs));

        assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(3);
        assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(6);
    }

    @Test
    @SuppressWarnings("unchecked")
    void drawsMemoryAgainstConnections() throws Exception {
        Map<String, Object> run = (Map<String, Object>) Json.read("{\"label\":\"idle\",\"serverMemory\":{\"samples\":["
                + "{\"connections\":0,\"heapUsedBytes\":5000000,\"rssBytes\":80000000,\"clientHeapUsedBytes\":1},"
                + "{\"connections\":5000,\"heapUsedBytes\":15000000,\"rssBytes\":120000000,\"clientHeapUsedBytes\":2}"
                + "]}}");

        Document svg = parse(Charts.memoryChart(run));

        assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(3);
    }

    @Test
    void axesEndOnRoundNumbers() {
        assertThat(Charts.Svg.niceCeiling(37_000)).isEqualTo(50_000);
        assertThat(Charts.Svg.niceCeiling(180)).isEqualTo(200);
        assertThat(Charts.Svg.niceCeiling(0)).isEqualTo(1);
    }

    private static String notify(int rate, double p50, double p99) {
        return "{\"scenario\":\"notify\",\"load\":{\"updatesReceivedPerSecond\":" + rate
                + ",\"receiptLatencyMs\":{\"p50\":" + p50 + ",\"p90\":" + p50 * 2 + ",\"p99\":" + p99 + "}}}";
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
