package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.store.redis.NodeMessageCodec.Decoded;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeMessageCodecTest {

    private static final Uaid UAID = new Uaid("0123456789abcdef0123456789abcdef");
    private static final ChannelId CHANNEL = ChannelId.of("6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f");

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "line one\nline two\n", "\n", "\n\n", "u\nnot a message\n",
            "1\nu\nnested", "é ü ß — 中文 😀 \u202Eright-to-left", "tab\tcarriage\r\nnul\u0000end", " "})
    void updatesRoundTripWithAnyData(String data) {
        NodeMessage message = new NodeMessage.Deliver(UAID, new Update(CHANNEL, Version.of(42), Optional.of(data)));

        assertThat(roundTrip(message)).isEqualTo(message);
    }

    @Test
    void updateWithoutDataStaysWithoutData() {
        NodeMessage message = new NodeMessage.Deliver(UAID, Update.of(CHANNEL, Version.of(Long.MAX_VALUE)));

        assertThat(roundTrip(message)).isEqualTo(message);
    }

    @Test
    void emptyDataIsNotNoData() {
        String empty = NodeMessageCodec.encode(
                new NodeMessage.Deliver(UAID, new Update(CHANNEL, Version.of(1), Optional.of(""))));
        String none = NodeMessageCodec.encode(new NodeMessage.Deliver(UAID, Update.of(CHANNEL, Version.of(1))));

        assertThat(empty).isNotEqualTo(none);
    }

    @Test
    void evictionsAndProbesRoundTrip() {
        assertThat(roundTrip(new NodeMessage.Evict(UAID, "node-a/17"))).isEqualTo(new NodeMessage.Evict(UAID, "node-a/17"));
        assertThat(roundTrip(new NodeMessage.Probe())).isEqualTo(new NodeMessage.Probe());
    }

    @Test
    void everyMessageStartsWithItsFormatVersion() {
        assertThat(NodeMessageCodec.encode(new NodeMessage.Probe())).isEqualTo("1\np");
        assertThat(NodeMessageCodec.encode(new NodeMessage.Evict(UAID, "node-a/1")))
                .isEqualTo("1\ne\n" + UAID.value() + "\nnode-a/1");
        assertThat(NodeMessageCodec.encode(new NodeMessage.Deliver(UAID,
                new Update(CHANNEL, Version.of(7), Optional.of("a\nb")))))
                .isEqualTo("1\nu\n" + UAID.value() + "\n" + CHANNEL.value() + "\n7\na\nb");
    }

    @Test
    void unversionedMessagesOfEarlierNodesAreRead() {
        String uaid = UAID.value();
        String channel = CHANNEL.value();

        assertThat(NodeMessageCodec.decode("u\n" + uaid + "\n" + channel + "\n5\nline one\nline two"))
                .isEqualTo(message(new NodeMessage.Deliver(UAID,
                        new Update(CHANNEL, Version.of(5), Optional.of("line one\nline two")))));
        assertThat(NodeMessageCodec.decode("u\n" + uaid + "\n" + channel + "\n5\n"))
                .isEqualTo(message(new NodeMessage.Deliver(UAID, new Update(CHANNEL, Version.of(5), Optional.of("")))));
        assertThat(NodeMessageCodec.decode("u\n" + uaid + "\n" + channel + "\n5"))
                .isEqualTo(message(new NodeMessage.Deliver(UAID, Update.of(CHANNEL, Version.of(5)))));
        assertThat(NodeMessageCodec.decode("e\n" + uaid + "\nnode-b/3"))
                .isEqualTo(message(new NodeMessage.Evict(UAID, "node-b/3")));
        assertThat(NodeMessageCodec.decode("p")).isEqualTo(message(new NodeMessage.Probe()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2\np", "2\n", "0\nu\nwhatever", "999999999\nanything\nat all"})
    void aVersionThisNodeDoesNotKnowIsReportedAsSuch(String text) {
        int version = Integer.parseInt(text.substring(0, text.indexOf('\n')));

        assertThat(NodeMessageCodec.decode(text)).isEqualTo(new Decoded.UnknownVersion(version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1\n", "1\nx", "1\np\n", "1\nu\n", "1 \np", "12345678901\np", "x", "pp", "u",
            "u\n", "u\n0123456789abcdef0123456789abcdef", "u\n0123456789abcdef0123456789abcdef\n",
            "u\nnot-a-uaid\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\n1",
            "u\n0123456789abcdef0123456789abcdef\nnot-a-channel\n1",
            "u\n0123456789abcdef0123456789abcdef\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\n-1",
            "u\n0123456789abcdef0123456789abcdef\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\n99999999999999999999",
            "u\n0123456789abcdef0123456789abcdef\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\n",
            "e", "e\n", "e\n0123456789abcdef0123456789abcdef", "e\n0123456789abcdef0123456789abcdef\n",
            "e\n0123456789abcdef0123456789abcdef\nnode/1\nmore", "e\nNOT-A-UAID\nnode/1", "\n", "\np"})
    void malformedTextIsReportedWithoutQuotingIt(String text) {
        Decoded decoded = NodeMessageCodec.decode(text);

        assertThat(decoded).isInstanceOf(Decoded.Malformed.class);
        String reason = ((Decoded.Malformed) decoded).reason();
        assertThat(reason).doesNotContain("0123456789abcdef").doesNotContain("not-a").doesNotContain("NOT-A");
    }

    @Test
    void noTextMakesDecodeThrow() {
        Random random = new Random(20260101L);
        List<String> texts = new ArrayList<>();
        String valid = NodeMessageCodec.encode(new NodeMessage.Deliver(UAID,
                new Update(CHANNEL, Version.of(9), Optional.of("data\nmore"))));
        for (int cut = 0; cut <= valid.length(); cut++) {
            texts.add(valid.substring(0, cut));
            texts.add(valid.substring(cut));
        }
        String alphabet = "0123456789abcdefpue\n-/ \r";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int j = 0; j < length; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(text.toString());
        }

        for (String text : texts) {
            assertThatCode(() -> NodeMessageCodec.decode(text)).as("decoding %s", text).doesNotThrowAnyException();
        }
    }

    private static NodeMessage roundTrip(NodeMessage message) {
        Decoded decoded = NodeMessageCodec.decode(NodeMessageCodec.encode(message));
        assertThat(decoded).isInstanceOf(Decoded.Message.class);
        return ((Decoded.Message) decoded).message();
    }

    private static Decoded message(NodeMessage message) {
        return new Decoded.Message(message);
    }
}
