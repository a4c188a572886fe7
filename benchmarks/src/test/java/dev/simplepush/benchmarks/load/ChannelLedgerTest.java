package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
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
        WebPushBody bodies = WebPushBody.random(11, new Random(1));
        long v = ledger.send(1_000, bodies);
        ledger.answered(v, 201);
        byte[] body = bodies.body(v);

        assertThat(ChannelLedger.versionOf(body, 0)).isEqualTo(v).isEqualTo(1);
        for (int i = ChannelLedger.VERSION_BYTES; i < body.length; i++) {
            byte[] altered = body.clone();
            altered[i] ^= 1;
            assertThat(ledger.received(2_000, altered, 0, altered.length)).as("byte %d", i)
                    .isEqualTo(ChannelLedger.CORRUPT);
        }
        assertThat(ledger.received(2_000, body, 0, body.length - 1)).isEqualTo(ChannelLedger.CORRUPT);
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertThat(ledger.received(2_000, longer, 0, longer.length)).isEqualTo(ChannelLedger.CORRUPT);
        assertThat(ledger.lost()).isEqualTo(1);

        byte[] framed = new byte[body.length + 4];
        System.arraycopy(body, 0, framed, 2, body.length);
        assertThat(ledger.received(5_000, framed, 2, 2 + body.length)).isEqualTo(4_000);
        assertThat(ledger.lost()).isZero();
    }

    @Test
    void aWebPushBodyAfterAnotherTemplateIsCorrupt() {
        WebPushBody mine = WebPushBody.random(64, new Random(1));
        WebPushBody other = WebPushBody.random(64, new Random(2));
        long v = ledger.send(1_000, mine);
        ledger.answered(v, 201);

        byte[] foreign = other.body(v);
        assertThat(ledger.received(2_000, foreign, 0, foreign.length)).isEqualTo(ChannelLedger.CORRUPT);
        assertThat(ledger.received(2_000, v, other)).isEqualTo(ChannelLedger.CORRUPT);
        assertThat(ledger.received(2_000, v, null)).isEqualTo(ChannelLedger.CORRUPT);
        assertThat(ledger.lost()).isEqualTo(1);

        assertThat(ledger.received(3_000, v, mine)).isEqualTo(2_000);
        assertThat(ledger.received(4_000, v, mine)).isEqualTo(ChannelLedger.DUPLICATE);
        assertThat(ledger.lost()).isZero();
    }

    @Test
    void aSimplePushVersionIsNoWebPushMessage() {
        long v = ledger.send(0);
        WebPushBody bodies = WebPushBody.random(16, new Random(1));
        byte[] body = bodies.body(v);

        assertThat(ledger.received(10, v, bodies)).isEqualTo(ChannelLedger.CORRUPT);
        assertThat(ledger.received(10, body, 0, body.length)).isEqualTo(ChannelLedger.CORRUPT);
    }

    @Test
    void noWebPushMessageCoversAnother() {
        WebPushBody bodies = WebPushBody.random(8, new Random(1));
        long v1 = ledger.send(0, bodies);
        long v2 = ledger.send(0, bodies);
        ledger.answered(v1, 201);
        ledger.answered(v2, 201);
        byte[] first = bodies.body(v1);
        byte[] second = bodies.body(v2);

        // Two concurrent POSTs may arrive in either order; the later one does not stand for the earlier.
        assertThat(ledger.received(10, second, 0, 8)).isEqualTo(10);
        assertThat(ledger.lost()).isEqualTo(1);
        assertThat(ledger.received(20, first, 0, 8)).isEqualTo(20);
        assertThat(ledger.lost()).isZero();
        assertThat(ledger.received(30, first, 0, 8)).isEqualTo(ChannelLedger.DUPLICATE);
        assertThat(ledger.received(30, v2, bodies)).isEqualTo(ChannelLedger.DUPLICATE);
        assertThat(v2).isEqualTo(2);
    }

    @Test
    void aWebPushBodyThisRunDidNotSendHasNoLatency() {
        byte[] unknown = Arrays.copyOf(new byte[] {0, 0, 0, 0, 0, 0, 0, 5}, 12);
        assertThat(ledger.received(20, unknown, 0, unknown.length)).isEqualTo(ChannelLedger.NO_LATENCY);
        assertThat(ledger.received(20, unknown, 0, 7)).isEqualTo(ChannelLedger.CORRUPT);
        assertThat(ledger.received(20, Long.MAX_VALUE, WebPushBody.random(9, new Random(1))))
                .isEqualTo(ChannelLedger.NO_LATENCY);
    }
}
