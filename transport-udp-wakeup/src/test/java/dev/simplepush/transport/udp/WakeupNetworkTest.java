package dev.simplepush.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WakeupNetworkTest {

    @Test
    void parsesUdpNetworkWithRanges() {
        WakeupNetwork network = WakeupNetwork.parse("mcc=214,mnc=07,ranges=10.0.0.0/8;127.0.0.0/8,method=udp");
        assertThat(network.mcc()).contains("214");
        assertThat(network.mnc()).contains("07");
        assertThat(network.netid()).isEmpty();
        assertThat(network.ranges()).containsExactly(IpRange.parse("10.0.0.0/8"), IpRange.parse("127.0.0.0/8"));
        assertThat(network.method()).isEqualTo(WakeupMethod.Udp.INSTANCE);
    }

    @Test
    void parsesHttpsNetworkWithKeyStores() {
        WakeupNetwork network = WakeupNetwork.parse("mcc=214,mnc=07,method=https://wakeup.example/wakeup,"
                + "client-cert=/etc/sp/client.p12,client-cert-password=s3cret,trust-store=/etc/sp/trust.p12");
        assertThat(network.ranges()).isEqualTo(IpRange.PRIVATE);
        WakeupMethod.Https https = (WakeupMethod.Https) network.method();
        assertThat(https.url()).isEqualTo(URI.create("https://wakeup.example/wakeup"));
        assertThat(https.clientCertificate()).contains(new KeyStoreFile(Path.of("/etc/sp/client.p12"), "s3cret"));
        assertThat(https.trustStore()).contains(new KeyStoreFile(Path.of("/etc/sp/trust.p12"), ""));
        assertThat(network.toString()).doesNotContain("s3cret");
    }

    @Test
    void rejectsIncompleteOrUnknownSpecs() {
        assertThatThrownBy(() -> WakeupNetwork.parse("mcc=214")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WakeupNetwork.parse("ranges=10.0.0.0/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WakeupNetwork.parse("mcc=214,mnc=07,colour=red"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WakeupNetwork.parse("mcc=2x4,mnc=07")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WakeupNetwork.parse("mcc=214,mnc=07,ranges=;"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WakeupNetwork.parse("mcc=214,mnc=07,method=ftp://x/"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configDefaultsAndValidation() {
        UdpWakeupConfig defaults = UdpWakeupConfig.defaults();
        assertThat(defaults.networks()).isEmpty();
        assertThat(defaults.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.retryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.maxAttempts()).isEqualTo(5);
        UdpWakeupConfig custom = UdpWakeupConfig.builder().network(WakeupNetwork.udp("214", "07")).maxAttempts(2).build();
        assertThat(custom.toBuilder().build()).isEqualTo(custom);
        assertThatThrownBy(() -> UdpWakeupConfig.builder().idleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UdpWakeupConfig.builder().retryInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UdpWakeupConfig.builder().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new WakeupNetwork(Optional.empty(), Optional.empty(), Optional.of("n"), List.of(IpRange.parse("10.0.0.0/8")),
                WakeupMethod.Udp.INSTANCE).netid()).contains("n");
    }
}
