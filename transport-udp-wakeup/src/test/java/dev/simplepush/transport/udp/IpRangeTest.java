package dev.simplepush.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IpRangeTest {

    @Test
    @DisplayName("P8.1 default ranges are the RFC 1918 private blocks")
    void privateRangesAreTheDefault() {
        assertThat(IpRange.PRIVATE).extracting(IpRange::toString)
                .containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");
        assertThat(IpRange.PRIVATE.stream().anyMatch(r -> r.contains("10.1.2.3"))).isTrue();
        assertThat(IpRange.PRIVATE.stream().anyMatch(r -> r.contains("172.31.255.255"))).isTrue();
        assertThat(IpRange.PRIVATE.stream().anyMatch(r -> r.contains("172.32.0.1"))).isFalse();
        assertThat(IpRange.PRIVATE.stream().anyMatch(r -> r.contains("192.168.0.9"))).isTrue();
        assertThat(IpRange.PRIVATE.stream().anyMatch(r -> r.contains("8.8.8.8"))).isFalse();
        assertThat(IpRange.PRIVATE.stream().anyMatch(r -> r.contains("127.0.0.1"))).isFalse();
    }

    @Test
    void containsChecksOnlyThePrefixBits() {
        IpRange range = IpRange.parse("172.16.0.0/12");
        assertThat(range.contains("172.16.0.0")).isTrue();
        assertThat(range.contains("172.31.1.1")).isTrue();
        assertThat(range.contains("172.15.255.255")).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains("203.0.113.5")).isTrue();
        assertThat(IpRange.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
        assertThat(IpRange.parse("127.0.0.1").contains("127.0.0.2")).isFalse();
    }

    @Test
    void ipv6RangesAreSupportedAndNeverMatchIpv4() {
        IpRange range = IpRange.parse("fd00::/8");
        assertThat(range.contains("fd12:3456::1")).isTrue();
        assertThat(range.contains("fe80::1")).isFalse();
        assertThat(range.contains("10.0.0.1")).isFalse();
        // An IPv4-mapped IPv6 literal is the IPv4 address itself.
        assertThat(IpRange.parse("10.0.0.0/8").contains("::ffff:0a00:0001")).isTrue();
        assertThat(IpRange.parse("fd00::/8").contains("::ffff:0a00:0001")).isFalse();
    }

    @Test
    @DisplayName("a device's ip text is never resolved: a host name is outside every range")
    void hostNamesAreNotAddresses() {
        assertThat(IpRange.parse("0.0.0.0/0").contains("localhost")).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains("10.0.0.1.example")).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains("256.0.0.1")).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains("")).isFalse();
    }

    @Test
    void invalidBlocksAreRejected() {
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("10.0.0.1/8")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host bits");
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("example.org/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("fd00::/129")).isInstanceOf(IllegalArgumentException.class);
    }
}
