package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
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

    @Test
    void aWebPushBodyCarriesItsVersionAndIsCheckedByteForByte() {
        byte[] body = {9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3};
        long v = ledger.send(1_000, body);
        ledger.answered(v, 201);

        assertThat(ChannelLedger.versionOf(body, 0)).isEqualTo(v).isEqualTo(1);
        byte[] altered = body.clone();
        altered[10] = 4;
        assertThat(ledger.received(2_000, altered, 0, altered.length)).isEqualTo(ChannelLedger.CORRUPT);
        assertThat(ledger.received(2_000, body, 0, body.length - 1)).isEqualTo(ChannelLedger.CORRUPT);
        assertThat(ledger.lost()).isEqualTo(1);

        byte[] framed = new byte[body.length + 4];
        System.arraycopy(body, 0, framed, 2, body.length);
        assertThat(ledger.received(5_000, framed, 2, 2 + body.length)).isEqualTo(4_000);
        assertThat(ledger.lost()).isZero();
    }

    @Test
    void noWebPushMessageCoversAnother() {
        byte[] first = new byte[8];
        byte[] second = new byte[8];
        long v1 = ledger.send(0, first);
        long v2 = ledger.send(0, second);
        ledger.answered(v1, 201);
        ledger.answered(v2, 201);

        // Two concurrent POSTs may arrive in either order; the later one does not stand for the earlier.
        assertThat(ledger.received(10, second, 0, 8)).isEqualTo(10);
        assertThat(ledger.lost()).isEqualTo(1);
        assertThat(ledger.received(20, first, 0, 8)).isEqualTo(20);
        assertThat(ledger.lost()).isZero();
        assertThat(ledger.received(30, first, 0, 8)).isEqualTo(ChannelLedger.DUPLICATE);
        assertThat(v2).isEqualTo(2);
    }

    @Test
    void aWebPushBodyThisRunDidNotSendHasNoLatency() {
        byte[] unknown = Arrays.copyOf(new byte[] {0, 0, 0, 0, 0, 0, 0, 5}, 12);
        assertThat(ledger.received(20, unknown, 0, unknown.length)).isEqualTo(ChannelLedger.NO_LATENCY);
        assertThat(ledger.received(20, unknown, 0, 7)).isEqualTo(ChannelLedger.CORRUPT);
    }
}
