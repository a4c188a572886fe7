package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PushJsonTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] out, int length) {
        return new String(out, 0, length, StandardCharsets.US_ASCII);
    }

    @Test
    void theServersMessagesAreToldApart() {
        byte[] hello = b("{\"messageType\":\"hello\",\"uaid\":\"6f1c0e2a4b3d4c5e8f9a0b1c2d3e4f50\",\"status\":200}");
        assertThat(PushJson.type(hello, 0, hello.length)).isEqualTo(PushJson.HELLO);
        assertThat(PushJson.string(hello, 0, hello.length, PushJson.UAID))
                .isEqualTo("6f1c0e2a4b3d4c5e8f9a0b1c2d3e4f50");
        assertThat(PushJson.number(hello, 0, hello.length, PushJson.STATUS)).isEqualTo(200);

        byte[] register = b("{\"messageType\":\"register\",\"channelID\":\"c\",\"status\":200,"
                + "\"pushEndpoint\":\"http://127.0.0.1:8090/update/abc_-\"}");
        assertThat(PushJson.type(register, 0, register.length)).isEqualTo(PushJson.REGISTER);
        assertThat(PushJson.string(register, 0, register.length, PushJson.PUSH_ENDPOINT))
                .isEqualTo("http://127.0.0.1:8090/update/abc_-");

        byte[] other = b("{\"messageType\":\"unregister\",\"channelID\":\"c\",\"status\":200}");
        assertThat(PushJson.type(other, 0, other.length)).isEqualTo(PushJson.OTHER);
        assertThat(PushJson.type(b("{}"), 0, 2)).isEqualTo(PushJson.EMPTY);
        // Not first: still found by the scan.
        byte[] later = b("{\"status\":409,\"messageType\":\"hello\"}");
        assertThat(PushJson.type(later, 0, later.length)).isEqualTo(PushJson.HELLO);
        assertThat(PushJson.number(later, 0, later.length, PushJson.STATUS)).isEqualTo(409);
        assertThat(PushJson.string(later, 0, later.length, PushJson.UAID)).isNull();
    }

    @Test
    void aKeyInsideAStringValueIsNotMatched() {
        // In JSON text every quote inside a string is escaped, so "channelID":" cannot match there.
        byte[] n = b("{\"messageType\":\"notification\",\"updates\":[{\"channelID\":\"a\",\"version\":7,"
                + "\"data\":\"\\\"channelID\\\":\\\"x\\\",\\\"version\\\":9\"},{\"channelID\":\"b\",\"version\":8}]}");
        int at = PushJson.updatesFrom(n, 0, n.length);
        assertThat(at).isPositive();
        at = PushJson.after(n, at, n.length, PushJson.CHANNEL_ID);
        assertThat(text(n, PushJson.stringEnd(n, at, n.length)).substring(at)).isEqualTo("a");
        at = PushJson.after(n, at, n.length, PushJson.VERSION);
        assertThat(PushJson.digits(n, at, n.length)).isEqualTo(7);
        at = PushJson.after(n, at, n.length, PushJson.CHANNEL_ID);
        assertThat(text(n, PushJson.stringEnd(n, at, n.length)).substring(at)).isEqualTo("b");
        assertThat(PushJson.after(n, at, n.length, PushJson.CHANNEL_ID)).isEqualTo(-1);
    }

    @Test
    void clientMessagesAreWrittenAsBytes() {
        byte[] channel = b("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        byte[] out = new byte[512];
        assertThat(text(out, PushJson.hello(out, 0, null, channel)))
                .isEqualTo("{\"messageType\":\"hello\",\"channelIDs\":[]}");
        assertThat(text(out, PushJson.hello(out, 0, "u1", channel)))
                .isEqualTo("{\"messageType\":\"hello\",\"uaid\":\"u1\",\"channelIDs\":[\"" + text(channel, 36) + "\"]}");
        assertThat(text(out, PushJson.register(out, 0, channel)))
                .isEqualTo("{\"messageType\":\"register\",\"channelID\":\"" + text(channel, 36) + "\"}");
        int p = PushJson.ackStart(out, 0);
        p = PushJson.ackUpdate(out, p, true, channel, 0);
        p = PushJson.ackUpdate(out, p, false, channel, 9_223_372_036_854_775_807L);
        p = PushJson.ackEnd(out, p);
        assertThat(text(out, p)).isEqualTo("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + text(channel, 36)
                + "\",\"version\":0},{\"channelID\":\"" + text(channel, 36) + "\",\"version\":9223372036854775807}]}");
        assertThat(PushJson.maxAckUpdate(36)).isGreaterThanOrEqualTo(
                ",{\"channelID\":\"\",\"version\":9223372036854775807}".length() + 36);
    }

    @Test
    void digitsStopAtTheFirstNonDigit() {
        byte[] d = b("123,x");
        assertThat(PushJson.digits(d, 0, d.length)).isEqualTo(123);
        assertThat(PushJson.digits(d, 4, d.length)).isEqualTo(-1);
    }

    @Test
    void webPushMessagesAreWrittenAsFirefoxWritesThem() {
        byte[] channel = b("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        byte[] out = new byte[512];
        assertThat(text(out, PushJson.webPushHello(out, 0, null)))
                .isEqualTo("{\"messageType\":\"hello\",\"use_webpush\":true,\"broadcasts\":{}}");
        assertThat(text(out, PushJson.webPushHello(out, 0, "u1")))
                .isEqualTo("{\"messageType\":\"hello\",\"uaid\":\"u1\",\"use_webpush\":true,\"broadcasts\":{}}");
        byte[] n = b("xx\"gAAAAABn-id_0\"");
        int p = PushJson.webPushAck(out, 0, channel, n, 3, n.length - 1, 100);
        assertThat(text(out, p)).isEqualTo("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\""
                + text(channel, 36) + "\",\"version\":\"gAAAAABn-id_0\",\"code\":100}]}");
        assertThat(PushJson.maxWebPushAck(36, n.length - 4)).isGreaterThanOrEqualTo(p);
    }

    @Test
    void aWebPushNotificationsFieldsAreFound() {
        byte[] n = b("{\"messageType\":\"notification\",\"channelID\":\"c1\",\"version\":\"id-1\",\"ttl\":60,"
                + "\"data\":\"AQID\",\"headers\":{\"encoding\":\"aes128gcm\"}}");
        assertThat(PushJson.type(n, 0, n.length)).isEqualTo(PushJson.NOTIFICATION);
        int from = PushJson.updatesFrom(n, 0, n.length);
        assertThat(PushJson.string(n, from, n.length, PushJson.CHANNEL_ID)).isEqualTo("c1");
        assertThat(PushJson.string(n, from, n.length, PushJson.MESSAGE_ID)).isEqualTo("id-1");
        assertThat(PushJson.string(n, from, n.length, PushJson.DATA)).isEqualTo("AQID");
        assertThat(PushJson.after(n, from, n.length, PushJson.AES128GCM)).isPositive();
        byte[] reply = b("{\"messageType\":\"hello\",\"uaid\":\"u\",\"status\":200,\"use_webpush\":true,"
                + "\"broadcasts\":{}}");
        assertThat(PushJson.after(reply, 0, reply.length, PushJson.USE_WEBPUSH)).isPositive();
    }

    @Test
    void base64UrlWithoutPaddingDecodesAsTheJdkDoes() {
        Random random = new Random(7);
        byte[] out = new byte[4096];
        for (int length : new int[] {0, 1, 2, 3, 4, 5, 31, 2048, 4096}) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            byte[] text = b("[" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "]");
            int n = PushJson.base64Url(text, 1, text.length - 1, out);
            assertThat(Arrays.copyOf(out, n)).as("%d bytes", length).isEqualTo(bytes);
        }
    }

    @Test
    void whatIsNotUnpaddedBase64UrlIsRefused() {
        byte[] out = new byte[16];
        for (String bad : new String[] {"AQI=", "AQ==", "A", "AQ/D", "AQ+D", "AQ D", "AQ\u00e9D"}) {
            byte[] text = bad.getBytes(StandardCharsets.UTF_8);
            assertThat(PushJson.base64Url(text, 0, text.length, out)).as(bad).isEqualTo(-1);
        }
    }
}
