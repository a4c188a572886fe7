package dev.simplepush.transport.udp;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/** How the devices of a {@link WakeupNetwork} are woken (P8.3). Immutable. */
public sealed interface WakeupMethod permits WakeupMethod.Udp, WakeupMethod.Https {

    /** A UDP datagram {@code NOTIFY ip:port} sent straight to the device's {@code ip:port}. */
    record Udp() implements WakeupMethod {
        /** The one instance. */
        public static final Udp INSTANCE = new Udp();
    }

    /**
     * A form POST ({@code ip, port, protocol, mcc, mnc, netid}) to the operator's wake-up service, which sends
     * the datagram from inside its network. TLS is verified against the JDK's trust store, or {@code trustStore}
     * when given; {@code clientCertificate} is presented when the service asks for one.
     *
     * @param url the wake-up service, {@code https} (or {@code http} for tests and trusted links)
     * @param clientCertificate key store holding the client certificate and its key
     * @param trustStore key store holding the certificates to trust instead of the JDK's
     */
    record Https(URI url, Optional<KeyStoreFile> clientCertificate, Optional<KeyStoreFile> trustStore)
            implements WakeupMethod {
        /**
         * Validates the URL.
         *
         * @throws IllegalArgumentException if it is not an absolute http(s) URL
         */
        public Https {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(clientCertificate, "clientCertificate");
            Objects.requireNonNull(trustStore, "trustStore");
            if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("wake-up service must be an absolute https URL: " + url);
            }
        }

        /** A service trusted through the JDK's trust store, with no client certificate. */
        public static Https of(URI url) {
            return new Https(url, Optional.empty(), Optional.empty());
        }
    }
}
