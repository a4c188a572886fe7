package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.EndpointTokens;
import org.junit.jupiter.api.Test;

/** How a key ring kept in Redis is read; no Redis is contacted. */
class RedisEndpointKeysTest {

    @Test
    void aRingIsBase64KeysSeparatedByCommasAsAnOperatorMayWriteIt() {
        String first = EndpointTokens.randomKey();
        String second = EndpointTokens.randomKey();

        assertThat(RedisEndpointKeys.parse(" " + first + " ,, " + second + "\n", "sp:endpoint-keys"))
                .containsExactly(first, second);
    }

    @Test
    void aRingWithoutAKeyOrWithABadOneIsAnError() {
        assertThatThrownBy(() -> RedisEndpointKeys.parse(" , ", "sp:endpoint-keys"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sp:endpoint-keys")
                .hasMessageContaining("no key");
        assertThatThrownBy(() -> RedisEndpointKeys.parse(EndpointTokens.randomKey() + ",not*base64", "p:endpoint-keys"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("key #2")
                .hasMessageNotContaining("not*base64");
    }
}
