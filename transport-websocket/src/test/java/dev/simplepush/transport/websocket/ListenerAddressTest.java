package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ListenerAddressTest {

    @Test
    void endpointIsTheBaseWithoutTrailingSlashesPlusUpdateTokenP3_1() {
        ListenerAddress address = new ListenerAddress();
        address.bind(new InetSocketAddress("127.0.0.1", 1234), URI.create("https://push.example.com/sp//"));
        assertThat(address.base()).isEqualTo(URI.create("https://push.example.com/sp"));
        assertThat(address.endpointFor("aB-_9")).isEqualTo(URI.create("https://push.example.com/sp/update/aB-_9"));
    }

    @Test
    void notUsableBeforeStart() {
        assertThatThrownBy(() -> new ListenerAddress().endpointFor("abc")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsTokensThatAreNotUrlSafeBase64() {
        ListenerAddress address = new ListenerAddress();
        address.bind(new InetSocketAddress("127.0.0.1", 1234), URI.create("http://127.0.0.1:1234"));
        assertThatThrownBy(() -> address.endpointFor("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> address.endpointFor("")).isInstanceOf(IllegalArgumentException.class);
    }
}
