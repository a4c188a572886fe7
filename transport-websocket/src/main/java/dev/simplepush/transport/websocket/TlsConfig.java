package dev.simplepush.transport.websocket;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * TLS on the listener ({@link WebSocketConfig#tls()}): with it the listener speaks only TLS, devices connect with
 * {@code wss://}, app servers with {@code https://}, and the endpoint URLs say {@code https}.
 *
 * <p>Where the server's certificate comes from: PEM files ({@link #pemFiles}), read at start and again whenever they
 * change, or {@code SSLContext}s an application makes ({@link #sslContexts}). Either way a new context serves the
 * connections accepted after it; those open keep theirs.
 */
public sealed interface TlsConfig permits TlsConfig.PemFiles, TlsConfig.Contexts {

    /** How often the files of {@link #pemFiles} are looked at for a change by default: every ten seconds. */
    Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

    /**
     * The certificate chain and private key in PEM files, looked at for a change every
     * {@link #DEFAULT_RELOAD_INTERVAL}.
     *
     * @param certificateChain the server's certificate first, then the intermediates, each
     *     {@code -----BEGIN CERTIFICATE-----}
     * @param privateKey the key of the first certificate: PKCS#8 ({@code BEGIN PRIVATE KEY}) or the traditional RSA
     *     or EC form ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}), not encrypted
     */
    static PemFiles pemFiles(Path certificateChain, Path privateKey) {
        return new PemFiles(certificateChain, privateKey, DEFAULT_RELOAD_INTERVAL);
    }

    /**
     * Contexts made by the application: {@code contexts} is asked once at start (a failure, or a context that is not
     * initialised, fails the start) and then every {@link #DEFAULT_RELOAD_INTERVAL}; when it answers another context
     * than before, that one serves the new connections. It is called on the core's scheduler thread and should
     * answer at once.
     */
    static Contexts sslContexts(Supplier<SSLContext> contexts) {
        return new Contexts(contexts, DEFAULT_RELOAD_INTERVAL);
    }

    /** How often the source is looked at for a new certificate. */
    Duration reloadInterval();

    /**
     * PEM files read at start and whenever they change (modification time, size or file identity, looked at every
     * {@code reloadInterval}); a pair that fails to load then is logged and the previous one kept.
     *
     * @param certificateChain the PEM certificate chain, the server's certificate first
     * @param privateKey the PEM private key of the chain's first certificate
     * @param reloadInterval how often the files are looked at; between 100 ms and one day
     */
    record PemFiles(Path certificateChain, Path privateKey, Duration reloadInterval) implements TlsConfig {

        /**
         * Validates the components; the files themselves are read at start.
         *
         * @throws IllegalArgumentException if the reload interval is not between 100 ms and one day
         */
        public PemFiles {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            requireReloadInterval(reloadInterval);
        }

        /** These files, looked at every {@code interval}. */
        public PemFiles withReloadInterval(Duration interval) {
            return new PemFiles(certificateChain, privateKey, interval);
        }
    }

    /**
     * Contexts of the application.
     *
     * @param contexts asked at start and every {@code reloadInterval}
     * @param reloadInterval how often {@code contexts} is asked; between 100 ms and one day
     */
    record Contexts(Supplier<SSLContext> contexts, Duration reloadInterval) implements TlsConfig {

        /**
         * Validates the components.
         *
         * @throws IllegalArgumentException if the reload interval is not between 100 ms and one day
         */
        public Contexts {
            Objects.requireNonNull(contexts, "contexts");
            requireReloadInterval(reloadInterval);
        }

        /** These contexts, asked every {@code interval}. */
        public Contexts withReloadInterval(Duration interval) {
            return new Contexts(contexts, interval);
        }
    }

    private static void requireReloadInterval(Duration interval) {
        Objects.requireNonNull(interval, "reloadInterval");
        if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("reloadInterval must be between 100 ms and one day: " + interval);
        }
    }
}
