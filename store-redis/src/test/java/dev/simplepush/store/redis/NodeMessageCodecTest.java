package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.WebPushMessage.Payload;
import dev.simplepush.store.redis.NodeMessageCodec.Decoded;
import java.time.Instant;
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
    private static final MessageId ID = new MessageId("gAAAAABm-Zx_3q2");
    private static final Instant EXPIRES = Instant.ofEpochSecond(1_790_000_060L, 123_456_789);
    private static final String V2_HEAD = "2\nm\n0123456789abcdef0123456789abcdef\n"
            + "6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\ngAAAAABm-Zx_3q2\n";

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

    @Test
    void webPushMessagesRoundTripWithAndWithoutTopicAndBody() {
        String odd = "line\nbreak %41 + plus = ; \"quoted\" é 😀 \r\u0000";
        List<WebPushMessage> messages = List.of(
                new WebPushMessage(ID, CHANNEL, EXPIRES, Optional.empty(), Optional.empty()),
                new WebPushMessage(ID, CHANNEL, EXPIRES, Optional.of("scores"), Optional.empty()),
                new WebPushMessage(ID, CHANNEL, EXPIRES, Optional.empty(), Optional.of(Payload.aes128gcm("3q2-7w"))),
                new WebPushMessage(ID, CHANNEL, EXPIRES, Optional.of("t"), Optional.of(new Payload("AAEC", "aesgcm",
                        Optional.of("salt=abc"), Optional.of("dh=def;p256ecdsa=ghi")))),
                new WebPushMessage(ID, CHANNEL, Instant.ofEpochSecond(-3, 1), Optional.of(""),
                        Optional.of(new Payload("", "", Optional.of(""), Optional.empty()))),
                new WebPushMessage(ID, CHANNEL, Instant.EPOCH, Optional.of(odd),
                        Optional.of(new Payload("_-09azAZ", odd, Optional.empty(), Optional.of(odd)))));

        for (WebPushMessage message : messages) {
            NodeMessage deliver = new NodeMessage.DeliverMessage(UAID, message);
            assertThat(roundTrip(deliver)).isEqualTo(deliver);
        }
    }

    @Test
    void webPushMessagesAreVersionTwoAndEverythingElseStaysVersionOne() {
        WebPushMessage bare = new WebPushMessage(ID, CHANNEL, EXPIRES, Optional.empty(), Optional.empty());
        WebPushMessage full = new WebPushMessage(ID, CHANNEL, EXPIRES, Optional.of("a b"),
                Optional.of(new Payload("AAEC", "aesgcm", Optional.of("salt=x"), Optional.empty())));

        assertThat(NodeMessageCodec.encode(new NodeMessage.DeliverMessage(UAID, bare)))
                .isEqualTo(V2_HEAD + "1790000060\n123456789\n");
        assertThat(NodeMessageCodec.encode(new NodeMessage.DeliverMessage(UAID, full)))
                .isEqualTo(V2_HEAD + "1790000060\n123456789\n+a+b\naesgcm\n+salt%3Dx\n\nAAEC");
        // Older nodes keep reading everything but Web Push messages.
        assertThat(NodeMessageCodec.encode(new NodeMessage.Probe())).startsWith("1\n");
        assertThat(NodeMessageCodec.encode(new NodeMessage.Deliver(UAID, Update.of(CHANNEL, Version.of(1)))))
                .startsWith("1\n");
    }

    @Test
    void versionTwoAlsoCarriesTheTypesOfVersionOne() {
        assertThat(NodeMessageCodec.decode("2\np")).isEqualTo(message(new NodeMessage.Probe()));
        assertThat(NodeMessageCodec.decode("2\ne\n" + UAID.value() + "\nnode-a/1"))
                .isEqualTo(message(new NodeMessage.Evict(UAID, "node-a/1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2\n", "2\nm", "2\nm\n", "2\nx\nwhatever",
            // a Web Push message in version 1, or unversioned: version 1 has no such type
            "1\nm\n0123456789abcdef0123456789abcdef\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\nid\n1\n0\n",
            "m\n0123456789abcdef0123456789abcdef\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\nid\n1\n0\n",
            // too few, too many lines (a body has exactly four)
            V2_HEAD + "1\n0", V2_HEAD + "1\n0\n\nx", V2_HEAD + "1\n0\n\naes128gcm\n\n\nAA\nmore",
            // bad UAID, channel ID, message id
            "2\nm\nNOT-A-UAID\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\nid\n1\n0\n",
            "2\nm\n0123456789abcdef0123456789abcdef\nnot-a-channel\nid\n1\n0\n",
            "2\nm\n0123456789abcdef0123456789abcdef\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\nnot an id\n1\n0\n",
            "2\nm\n0123456789abcdef0123456789abcdef\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\n\n1\n0\n",
            // bad expiry: empty, not a number, nanos beyond a second, beyond a long or an Instant
            V2_HEAD + "\n0\n", V2_HEAD + "1\n\n", V2_HEAD + "x\n0\n", V2_HEAD + "-\n0\n", V2_HEAD + "+1\n0\n",
            V2_HEAD + "1\n-1\n", V2_HEAD + "1\n1000000000\n", V2_HEAD + "99999999999999999999\n0\n",
            V2_HEAD + "9999999999999999999\n0\n", V2_HEAD + "31556889864403200\n0\n",
            // an optional text without its marker, and broken percent-encoding
            V2_HEAD + "1\n0\nscores", V2_HEAD + "1\n0\n+%zz", V2_HEAD + "1\n0\n\n%4\n\n\nAA",
            V2_HEAD + "1\n0\n\naesgcm\nsalt\n\nAA", V2_HEAD + "1\n0\n\naesgcm\n\ndh\nAA",
            V2_HEAD + "1\n0\n\naesgcm\n\n\n%"})
    void malformedWebPushMessagesAreReportedWithoutQuotingThem(String text) {
        Decoded decoded = NodeMessageCodec.decode(text);

        assertThat(decoded).isInstanceOf(Decoded.Malformed.class);
        String reason = ((Decoded.Malformed) decoded).reason();
        assertThat(reason).doesNotContain("0123456789abcdef").doesNotContain("gAAAAABm")
                .doesNotContain("not-a").doesNotContain("NOT-A");
    }

    @Test
    void requestsForAReceiptAndReceiptsRoundTripAsVersionThree() {
        List<NodeMessage> inner = List.of(
                new NodeMessage.Deliver(UAID, new Update(CHANNEL, Version.of(3), Optional.of("a\nb"))),
                new NodeMessage.Deliver(UAID, Update.of(CHANNEL, Version.of(4))),
                new NodeMessage.DeliverMessage(UAID, new WebPushMessage(ID, CHANNEL, EXPIRES, Optional.of("t"),
                        Optional.of(Payload.aes128gcm("3q2-7w")))),
                new NodeMessage.Probe());
        for (NodeMessage message : inner) {
            for (long request : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
                NodeMessage withReceipt = new NodeMessage.WithReceipt(request, "node-a.eu-1", message);
                assertThat(NodeMessageCodec.encode(withReceipt)).startsWith("3\nr\n" + request + "\nnode-a.eu-1\n");
                assertThat(roundTrip(withReceipt)).isEqualTo(withReceipt);
            }
        }
        assertThat(NodeMessageCodec.encode(new NodeMessage.Receipt(42, true))).isEqualTo("3\na\n42\n1");
        assertThat(roundTrip(new NodeMessage.Receipt(-7, false))).isEqualTo(new NodeMessage.Receipt(-7, false));
        assertThat(roundTrip(new NodeMessage.Receipt(Long.MAX_VALUE, true)))
                .isEqualTo(new NodeMessage.Receipt(Long.MAX_VALUE, true));
    }

    @Test
    void versionThreeAlsoCarriesTheTypesOfVersionsOneAndTwo() {
        assertThat(NodeMessageCodec.decode("3\np")).isEqualTo(message(new NodeMessage.Probe()));
        assertThat(NodeMessageCodec.decode("3\ne\n" + UAID.value() + "\nnode-a/1.3"))
                .isEqualTo(message(new NodeMessage.Evict(UAID, "node-a/1.3")));
        assertThat(NodeMessageCodec.decode(V2_HEAD.replaceFirst("2", "3") + "1790000060\n123456789\n"))
                .isInstanceOf(Decoded.Message.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3\nr", "3\nr\n", "3\nr\n1", "3\nr\n1\n", "3\nr\n1\nnode-a", "3\nr\n1\nnode-a\n",
            "3\nr\nx\nnode-a\np", "3\nr\n\nnode-a\np", "3\nr\n99999999999999999999\nnode-a\np", "3\nr\n1\n\np",
            "3\nr\n1\nnode-a\ne\n0123456789abcdef0123456789abcdef\nnode-b/1",
            "3\nr\n1\nnode-a\nr\n2\nnode-b\np", "3\nr\n1\nnode-a\na\n2\n1",
            "3\nr\n1\nnode-a\nu\nNOT-A-UAID\n6f0e1a6c-1c9b-4a8e-9d1e-2b7f3c4d5e6f\n1",
            "3\na", "3\na\n", "3\na\n1", "3\na\n1\n", "3\na\n1\n2", "3\na\n1\ntrue", "3\na\nx\n1",
            "3\na\n1\n1\n", "2\nr\n1\nnode-a\np", "2\na\n1\n1", "1\na\n1\n1", "a\n1\n1"})
    void malformedRequestsAndReceiptsAreReportedWithoutQuotingThem(String text) {
        Decoded decoded = NodeMessageCodec.decode(text);

        assertThat(decoded).isInstanceOf(Decoded.Malformed.class);
        assertThat(((Decoded.Malformed) decoded).reason()).doesNotContain("NOT-A").doesNotContain("node-a");
    }

    @Test
    void presenceValuesSayWhichFormatsTheirNodeReads() {
        assertThat(NodeMessageCodec.readVersion("node-a/17")).isEqualTo(NodeMessageCodec.WEB_PUSH_VERSION);
        assertThat(NodeMessageCodec.readVersion("node.a.b/17")).isEqualTo(NodeMessageCodec.WEB_PUSH_VERSION);
        assertThat(NodeMessageCodec.readVersion("node.a/17.3")).isEqualTo(3);
        assertThat(NodeMessageCodec.readVersion("node-a/17.12")).isEqualTo(12);
        assertThat(NodeMessageCodec.readVersion("node-a/17.")).isEqualTo(NodeMessageCodec.WEB_PUSH_VERSION);
        assertThat(NodeMessageCodec.readVersion("node-a/17.x")).isEqualTo(NodeMessageCodec.WEB_PUSH_VERSION);
        assertThat(NodeMessageCodec.readVersion("no-slash")).isEqualTo(NodeMessageCodec.WEB_PUSH_VERSION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4\np", "4\n", "0\nu\nwhatever", "999999999\nanything\nat all"})
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
        List<String> valid = List.of(
                NodeMessageCodec.encode(new NodeMessage.Deliver(UAID,
                        new Update(CHANNEL, Version.of(9), Optional.of("data\nmore")))),
                NodeMessageCodec.encode(new NodeMessage.DeliverMessage(UAID, new WebPushMessage(ID, CHANNEL, EXPIRES,
                        Optional.of("news"), Optional.of(new Payload("AAEC", "aesgcm", Optional.of("salt=%"),
                                Optional.of("dh=+")))))),
                NodeMessageCodec.encode(new NodeMessage.WithReceipt(-5, "node-a", new NodeMessage.Deliver(UAID,
                        new Update(CHANNEL, Version.of(9), Optional.of("x"))))),
                NodeMessageCodec.encode(new NodeMessage.Receipt(12, true)));
        for (String text : valid) {
            for (int cut = 0; cut <= text.length(); cut++) {
                texts.add(text.substring(0, cut));
                texts.add(text.substring(cut));
            }
        }
        String alphabet = "0123456789abcdefpuemra\n-/ \r+%";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int j = 0; j < length; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(text.toString());
        }
        // Near misses: valid messages with a few characters changed.
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder(valid.get(i % valid.size()));
            for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
                text.setCharAt(random.nextInt(text.length()), alphabet.charAt(random.nextInt(alphabet.length())));
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
