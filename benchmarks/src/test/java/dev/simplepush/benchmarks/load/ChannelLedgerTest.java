package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChannelLedgerTest {

    private final ChannelLedger ledger = new ChannelLedger();

    @Test
    void anAcceptedVersionThatNeverArrivesIsLost() {
        long v = ledger.send(0);
        ledger.answered(v, 202);

        assertThat(ledger.lost()).isEqualTo(1);
    }

    @Test
    void aReceivedVersionIsNotLostAndItsLatencyIsMeasured() {
        long v = ledger.send(1_000);
        ledger.answered(v, 200);

        assertThat(ledger.received(v, 4_000)).isEqualTo(3_000);
        assertThat(ledger.lost()).isZero();
    }

    @Test
    void aNewerVersionCoversOlderOnes() {
        long v1 = ledger.send(0);
        long v2 = ledger.send(0);
        ledger.answered(v1, 202);
        ledger.answered(v2, 202);

        ledger.received(v2, 10);

        assertThat(ledger.lost()).isZero();
    }

    @Test
    void aNotificationMayArriveBeforeItsPutIsAnswered() {
        long v = ledger.send(0);
        ledger.received(v, 10);
        ledger.answered(v, 200);

        assertThat(ledger.lost()).isZero();
        assertThat(ledger.unanswered()).isZero();
    }

    @Test
    void aRejectedOrFailedPutIsNotExpected() {
        long rejected = ledger.send(0);
        long failed = ledger.send(0);
        ledger.answered(rejected, 410);
        ledger.failed(failed);

        assertThat(ledger.lost()).isZero();
        assertThat(ledger.unanswered()).isZero();
    }

    @Test
    void aRedeliveryIsADuplicate() {
        long v = ledger.send(0);
        ledger.received(v, 10);

        assertThat(ledger.received(v, 20)).isEqualTo(ChannelLedger.DUPLICATE);
    }

    @Test
    void aVersionThisRunDidNotSendHasNoLatency() {
        assertThat(ledger.received(99, 20)).isEqualTo(ChannelLedger.NO_LATENCY);
        assertThat(ledger.maxReceived()).isEqualTo(99);
    }
}
