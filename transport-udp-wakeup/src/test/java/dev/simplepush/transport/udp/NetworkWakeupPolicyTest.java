package dev.simplepush.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.WakeupAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The P8.1 eligibility table. */
class NetworkWakeupPolicyTest {

    private final NetworkWakeupPolicy policy = new NetworkWakeupPolicy(UdpWakeupConfig.builder()
            .network(WakeupNetwork.udp("214", "07"))
            .network(WakeupNetwork.parse("netid=tef-es-lab,ranges=100.64.0.0/10"))
            .idleTimeout(Duration.ofSeconds(3))
            .build());

    @ParameterizedTest(name = "P8.1 {0}:{1} on {2}/{3} netid {4} → eligible {5}")
    @CsvSource(nullValues = "-", value = {
        // known network by mcc/mnc, private address
        "10.20.30.40,    2442,  214, 07, -,          true",
        "192.168.1.5,    65535, 214, 07, -,          true",
        "172.16.0.1,     1,     214, 07, -,          true",
        // public address outside the network's ranges
        "203.0.113.7,    2442,  214, 07, -,          false",
        "127.0.0.1,      2442,  214, 07, -,          false",
        // unknown network
        "10.20.30.40,    2442,  214, 01, -,          false",
        "10.20.30.40,    2442,  208, 07, -,          false",
        // mnc compared as text: 007 is another network than 07
        "10.20.30.40,    2442,  214, 007, -,         false",
        // known by netid, with its own ranges
        "100.64.1.1,     2442,  999, 99, tef-es-lab, true",
        "10.20.30.40,    2442,  999, 99, tef-es-lab, false",
        "100.64.1.1,     2442,  999, 99, other,      false",
        // ip is not an IP literal
        "localhost,      2442,  214, 07, -,          false",
        "fd00::1,        2442,  214, 07, -,          false",
    })
    void eligibility(String ip, int port, String mcc, String mnc, String netid, boolean eligible) {
        WakeupAddress address = new WakeupAddress(ip, port, mcc, mnc, Optional.ofNullable(netid));
        assertThat(policy.isEligible(address)).isEqualTo(eligible);
    }

    @Test
    @DisplayName("P8.1 port 0 or above 65535 and non-numeric mcc/mnc never form a wake-up address (codec drops them)")
    void malformedAddressesCannotBeBuilt() {
        assertThatThrownBy(() -> new WakeupAddress("10.0.0.1", 0, "214", "07", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WakeupAddress("10.0.0.1", 65536, "214", "07", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WakeupAddress("10.0.0.1", 2442, "21a", "07", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WakeupAddress("10.0.0.1", 2442, "214", "", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("P8.1 with no network configured nobody is eligible")
    void noNetworkNoWakeup() {
        NetworkWakeupPolicy none = new NetworkWakeupPolicy(UdpWakeupConfig.defaults());
        assertThat(none.isEligible(new WakeupAddress("10.0.0.1", 2442, "214", "07", Optional.empty()))).isFalse();
    }

    @Test
    @DisplayName("P8.2 the policy hands the configured idle timeout to the core")
    void idleTimeoutReachesTheCore() {
        assertThat(policy.idleTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(new NetworkWakeupPolicy(UdpWakeupConfig.defaults()).idleTimeout())
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void networkForPicksTheMatchingNetwork() {
        assertThat(policy.networkFor(new WakeupAddress("100.64.0.9", 9, "1", "1", Optional.of("tef-es-lab"))))
                .map(WakeupNetwork::ranges).contains(List.of(IpRange.parse("100.64.0.0/10")));
    }
}
