package dev.simplepush.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTokenTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "aB-_9", "AXt3", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"})
    void urlSafeBase64IsAToken(String text) {
        assertThat(EndpointToken.parse(text)).contains(new EndpointToken(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "a+b", "a=", "a b", "a%2F", "..", "\u00e9", "\ud83d\ude00"})
    void anythingElseIsNoToken(String text) {
        assertThat(EndpointToken.parse(text)).isEmpty();
        assertThatThrownBy(() -> new EndpointToken(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lengthIsBounded() {
        assertThat(EndpointToken.parse("A".repeat(EndpointToken.MAX_LENGTH))).isPresent();
        assertThat(EndpointToken.parse("A".repeat(EndpointToken.MAX_LENGTH + 1))).isEmpty();
    }

    @Test
    void itsTextIsAShortHashNotTheToken() {
        EndpointToken token = new EndpointToken("gAAAAABkZXZpY2UtdG9rZW4tdGV4dA");

        assertThat(token.toString()).matches("token#[0-9a-f]{8}").doesNotContain("gAAAAABk")
                .isEqualTo(new EndpointToken("gAAAAABkZXZpY2UtdG9rZW4tdGV4dA").toString());
    }
}
