package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuTest {

    @Test
    void utimePlusStimeFromProcStatEvenWithSpacesInTheName() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 1000 0 0";
        assertThat(Cpu.fromStat(stat)).isEqualTo(300 * 10_000_000L);
    }

    @Test
    void microsPerOperationIsUnknownWithoutAReading() {
        assertThat(Cpu.microsPer(0, 5_000_000, 10)).isEqualTo(500.0);
        assertThat(Cpu.microsPer(-1, 5_000_000, 10)).isEqualTo(-1.0);
        assertThat(Cpu.microsPer(0, 5_000_000, 0)).isEqualTo(-1.0);
    }

    @Test
    void thisProcessHasSpentSomeCpu() {
        assertThat(Cpu.self()).isPositive();
        assertThat(Cpu.of(ProcessHandle.current().pid())).isPositive();
    }
}
