package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerProbeTest {

    @Test
    void readsG1HeapInUse() {
        String out = "12345:\n garbage-first heap   total 262144K, used 21457K [0x0000000700000000, 0x0000000800000000)\n"
                + "  region size 1024K, 2 young (2048K), 0 survivors (0K)\n"
                + " Metaspace       used 20123K, committed 20480K, reserved 1114112K\n";

        assertThat(ServerProbe.heapUsed(out)).hasValue(21457L * 1024);
    }

    @Test
    void sumsGenerationsOfOtherCollectorsWithoutMetaspace() {
        String out = "1:\n PSYoungGen      total 76288K, used 2621K [0x1, 0x2, 0x3)\n"
                + " ParOldGen       total 175104K, used 1M [0x4, 0x5, 0x6)\n"
                + " Metaspace       used 5000K, committed 5120K, reserved 1056768K\n"
                + "  class space    used 500K, committed 512K, reserved 1048576K\n";

        assertThat(ServerProbe.heapUsed(out)).hasValue(2621L * 1024 + 1024 * 1024);
    }

    @Test
    void readsResidentSetSize() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  351836 kB\nRssAnon:\t 300000 kB\n";

        assertThat(ServerProbe.rss(status)).hasValue(351836L * 1024);
    }
}
