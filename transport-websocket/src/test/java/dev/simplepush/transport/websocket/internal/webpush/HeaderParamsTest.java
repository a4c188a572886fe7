package dev.simplepush.transport.websocket.internal.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeaderParamsTest {

    @Test
    void findsTheFirstParameterByNameInAnyCase() {
        assertThat(HeaderParams.find("dh=a;p256ecdsa=b", "p256ecdsa")).contains("b");
        assertThat(HeaderParams.find("dh=a, P256ECDSA = \"b\" ; x=y", "p256ecdsa")).contains("b");
        assertThat(HeaderParams.find("p256ecdsa=b=;p256ecdsa=c", "p256ecdsa")).contains("b=");
        assertThat(HeaderParams.find("dh=", "dh")).contains("");
    }

    @Test
    void findsNothingWithoutTheParameter() {
        assertThat(HeaderParams.find(null, "dh")).isEmpty();
        assertThat(HeaderParams.find("", "dh")).isEmpty();
        assertThat(HeaderParams.find("dh", "dh")).isEmpty();
        assertThat(HeaderParams.find("xdh=a;dhx=b", "dh")).isEmpty();
        assertThat(HeaderParams.find("keyid=dh", "dh")).isEmpty();
    }

    @Test
    @DisplayName("W5.5 clean removes double quotes and each value's trailing = padding, and nothing else")
    void clean() {
        assertThat(HeaderParams.clean("salt=\"c2FsdA==\"")).isEqualTo("salt=c2FsdA");
        assertThat(HeaderParams.clean("keyid=\"p256dh\";dh=\"deadbeef==\"")).isEqualTo("keyid=p256dh;dh=deadbeef");
        assertThat(HeaderParams.clean("dh=ab=; p256ecdsa=cd=, x=y")).isEqualTo("dh=ab; p256ecdsa=cd, x=y");
        assertThat(HeaderParams.clean("dh=ab= ;rs=4096")).isEqualTo("dh=ab ;rs=4096");
        assertThat(HeaderParams.clean("dh=")).isEqualTo("dh=");
        assertThat(HeaderParams.clean("dh==")).isEqualTo("dh=");
        assertThat(HeaderParams.clean("novalue;dh=a")).isEqualTo("novalue;dh=a");
        assertThat(HeaderParams.clean("")).isEmpty();
    }
}
