package dev.simplepush.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NioPutClientTest {

    private static NioPutClient.Response parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return NioPutClient.Response.parse(bytes, bytes.length);
    }

    @Test
    void aResponseIsCompleteWhenItsBodyIsIn() {
        assertThat(parse("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{")).isNull();
        assertThat(parse("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}"))
                .isEqualTo(new NioPutClient.Response(202, false));
    }

    @Test
    void headersAreCaseInsensitiveAndConnectionCloseIsSeen() {
        assertThat(parse("HTTP/1.1 413 Payload Too Large\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"))
                .isEqualTo(new NioPutClient.Response(413, true));
    }

    @Test
    void aChunkedBodyEndsWithItsLastChunk() {
        String head = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertThat(parse(head + "2\r\n{}\r\n")).isNull();
        assertThat(parse(head + "2\r\n{}\r\n0\r\n\r\n")).isEqualTo(new NioPutClient.Response(404, false));
    }

    @Test
    void anIncompleteHeadIsNotAResponse() {
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Len")).isNull();
    }

    @Test
    void aRequestIsTheCachedHeadItsLengthAndItsBody() {
        byte[] head = NioPutClient.head(java.net.URI.create("http://127.0.0.1:8090/update/tok?x=1"),
                Dialect.SIMPLEPUSH);
        assertThat(new String(NioPutClient.request(head, 1234, ""), StandardCharsets.US_ASCII)).isEqualTo(
                "PUT /update/tok?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8090\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\nversion=1234");
        assertThat(new String(NioPutClient.request(head, 7, "dd"), StandardCharsets.US_ASCII))
                .endsWith("Content-Length: 17\r\n\r\nversion=7&data=dd");
    }

    @Test
    void aWebPushRequestIsAPostOfTheBodyWithTtlAndEncoding() {
        byte[] head = NioPutClient.head(java.net.URI.create("http://127.0.0.1:8090/wpush/v1/tok"), Dialect.WEBPUSH);
        WebPushBody bodies = WebPushBody.random(10, new Random(1));
        byte[] request = NioPutClient.request(head, bodies, 0x01FF);
        String text = new String(request, StandardCharsets.ISO_8859_1);
        assertThat(text).isEqualTo("POST /wpush/v1/tok HTTP/1.1\r\nHost: 127.0.0.1:8090\r\nTTL: 60\r\n"
                + "Content-Encoding: aes128gcm\r\nContent-Type: application/octet-stream\r\nContent-Length: 10\r\n\r\n"
                + "\u0000\u0000\u0000\u0000\u0000\u0000\u0001\u00ff" + new String(bodies.body(2), 8, 2,
                        StandardCharsets.ISO_8859_1));
        assertThat(Arrays.copyOfRange(request, request.length - 10, request.length)).isEqualTo(bodies.body(0x01FF));
        assertThat(parse("HTTP/1.1 201 Created\r\nLocation: http://127.0.0.1:8090/m/x\r\nTTL: 60\r\n"
                + "Content-Length: 0\r\n\r\n")).isEqualTo(new NioPutClient.Response(201, false));
    }
}
