package dev.simplepush.transport.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.EndpointToken;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ListenerAddressTest {

    @Test
    void endpointIsTheBaseWithoutTrailingSlashesPlusUpdateTokenP3_1() {
        ListenerAddress address = new ListenerAddress();
        address.bind(new InetSocketAddress("127.0.0.1", 1234), URI.create("https://push.example.com/sp//"));
        assertThat(address.base()).isEqualTo(URI.create("https://push.example.com/sp"));
        assertThat(address.endpointFor(new EndpointToken("aB-_9"))).isEqualTo(URI.create("https://push.example.com/sp/update/aB-_9"));
    }

    @Test
    void notUsableBeforeStart() {
        assertThatThrownBy(() -> new ListenerAddress().endpointFor(new EndpointToken("abc"))).isInstanceOf(IllegalStateException.class);
    }
}
