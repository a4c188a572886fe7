package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
}
