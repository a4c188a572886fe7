package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WebPushMessagePayloadTest {

    @Test
    void aBodyIsCarriedAsUrlSafeBase64WithoutPadding() {
        byte[] body = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 0x01};

        WebPushMessage.Payload payload = WebPushMessage.Payload.ofBody(body, "aes128gcm", Optional.empty(),
                Optional.empty());

        assertThat(payload.data()).isEqualTo("-_-_AQ");
        assertThat(Base64.getUrlDecoder().decode(payload.data())).isEqualTo(body);
    }

    @Test
    void theDataIsCopiedOutAsAsciiBytesOfItsText() {
        byte[] body = new byte[100];
        new Random(5).nextBytes(body);
        WebPushMessage.Payload payload = WebPushMessage.Payload.ofBody(body, "aes128gcm", Optional.empty(),
                Optional.empty());
        byte[] target = new byte[payload.dataLength() + 4];

        payload.copyData(target, 2);

        assertThat(payload.dataLength()).isEqualTo(134).isEqualTo(payload.data().length());
        assertThat(new String(target, 2, payload.dataLength(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(body));
        assertThat(target).startsWith(0, 0).endsWith(0, 0);
        assertThatThrownBy(() -> payload.copyData(new byte[134], 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aPayloadMadeFromItsBodyEqualsOneMadeFromItsText() {
        byte[] body = new byte[2048];
        new Random(7).nextBytes(body);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(body);

        assertThat(WebPushMessage.Payload.ofBody(body, "aesgcm", Optional.of("salt=s"), Optional.of("dh=d")))
                .isEqualTo(new WebPushMessage.Payload(text, "aesgcm", Optional.of("salt=s"), Optional.of("dh=d")))
                .hasSameHashCodeAs(new WebPushMessage.Payload(text, "aesgcm", Optional.of("salt=s"),
                        Optional.of("dh=d")))
                .isNotEqualTo(new WebPushMessage.Payload(text, "aes128gcm", Optional.of("salt=s"),
                        Optional.of("dh=d")));
    }

    @Test
    void textOutsideTheUrlSafeAlphabetIsRefused() {
        // The data is written into a frame without escaping, so a quote or padding must never get in.
        for (String bad : new String[] {"AA==", "AA\"}", "AA+/", "A A", "Ä"}) {
            assertThatThrownBy(() -> WebPushMessage.Payload.aes128gcm(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("URL-safe base64");
        }
        assertThat(WebPushMessage.Payload.aes128gcm("azAZ09-_").data()).isEqualTo("azAZ09-_");
    }

    @Test
    void itsTextShowsTheLengthOfTheDataNotTheData() {
        assertThat(WebPushMessage.Payload.aes128gcm("c2VjcmV0").toString())
                .contains("8 characters")
                .doesNotContain("c2VjcmV0");
    }
}
