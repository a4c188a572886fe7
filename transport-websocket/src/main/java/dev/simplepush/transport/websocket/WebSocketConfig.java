package dev.simplepush.transport.websocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Configuration of the WebSocket/HTTP transport. Immutable; build with {@link #builder()} or take
 * {@link #defaults()}.
 *
 * @param host the address to listen on; default {@value #DEFAULT_HOST}. Use {@code 0.0.0.0} to listen on every
 *     interface, and then set {@code publicUrl}
 * @param port the TCP port; default {@value #DEFAULT_PORT}; 0 picks a free port at start
 * @param publicUrl the base of the endpoint URLs handed to devices (P3.1), as app servers reach this listener (for
 *     example through a reverse proxy that maps it onto this listener's root); default empty:
 *     {@code http://<host>:<actual port>}, or {@code https://} with {@code tls}
 * @param maxFrameBytes the largest WebSocket message a device may send, in bytes; larger ones close the socket
 *     with 1009 (P1.3); default {@value #DEFAULT_MAX_FRAME_BYTES}
 * @param maxBodyBytes the largest request body of {@code PUT /update/{token}}, in bytes; larger ones are answered
 *     413 (P4.3); default {@value #DEFAULT_MAX_BODY_BYTES}, room for the largest {@code data} (4096 bytes) even when
 *     fully percent-encoded
 * @param ioThreads the number of I/O threads; default {@value #DEFAULT_IO_THREADS}
 * @param corsAllowedOrigin the {@code Access-Control-Allow-Origin} of endpoint responses; default
 *     {@value #DEFAULT_CORS_ALLOWED_ORIGIN}
 * @param httpIdleTimeout how long an HTTP connection may wait for its next request (an app server's keep-alive
 *     connection, or a device's before its upgrade) before it is closed, and how long a request's body may take to
 *     arrive after its head before the connection is closed; default {@link #DEFAULT_HTTP_IDLE_TIMEOUT}. Device
 *     WebSockets are not affected
 * @param demoPage whether {@code GET /demo/} serves the demo page (it registers a channel from the browser and PUTs
 *     to its endpoint, playing the app server); default {@code true}. {@code /simplepush.js} is always served
 * @param shutdownGrace how long {@link WebSocketTransport#stop()} waits for devices to answer the close frame (1001)
 *     it sends them; those still connected then are dropped, and the listener goes down. Default
 *     {@link #DEFAULT_SHUTDOWN_GRACE}; zero drops them at once. A device that never answers is dropped by its
 *     socket's own close timeout (3 seconds) if that comes first
 * @param allowedOrigins the web origins ({@code scheme://host[:port]}, as a browser sends them in {@code Origin})
 *     whose pages may open the device WebSocket; an upgrade whose {@code Origin} is not one of them is answered 403.
 *     An upgrade without {@code Origin} (devices, Firefox's push service) is always allowed. Kept lower-case and
 *     without the scheme's default port, as browsers send them. Default empty: any origin
 * @param maxConnections the most connections open at once, devices and HTTP alike; past it a new connection is
 *     answered {@code 503 Service Unavailable} with {@code Retry-After} at once and closed, while the connections
 *     held keep working. Default empty: {@value #DEFAULT_OPEN_FILES_PERCENT}% of the process's open-files limit
 *     (its soft {@code RLIMIT_NOFILE}) less {@value #OPEN_FILES_RESERVE} descriptors for the store, logs and the JVM,
 *     so that accepting a connection to refuse it never fails for want of a descriptor
 * @param deviceIdleTimeout how long a device WebSocket may send nothing (no message, no ping, not even a WebSocket
 *     ping frame) before the server closes it, so that the socket of a device that vanished without a word (a
 *     phone gone behind a NAT) is not held for ever; default {@link #DEFAULT_DEVICE_IDLE_TIMEOUT}. Keep it longer
 *     than the devices' ping interval, and longer than the core's minimum ping interval. TCP keep-alive is on for
 *     every connection as well
 * @param tls TLS on the listener: with it the listener speaks only TLS (devices use {@code wss://}, app servers
 *     {@code https://}) and the default public URL says {@code https}. Default empty: plain HTTP and WebSocket
 */
public record WebSocketConfig(
        String host,
        int port,
        Optional<URI> publicUrl,
        int maxFrameBytes,
        int maxBodyBytes,
        int ioThreads,
        String corsAllowedOrigin,
        Duration httpIdleTimeout,
        boolean demoPage,
        Duration shutdownGrace,
        List<String> allowedOrigins,
        OptionalInt maxConnections,
        Duration deviceIdleTimeout,
        Optional<TlsConfig> tls) {

    /** Default listen address: the loopback interface only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default TCP port. */
    public static final int DEFAULT_PORT = 8080;
    /** Default WebSocket message limit: 64 KiB (P1.3). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    /** Default endpoint request body limit: 16 KiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
    /** Default number of I/O threads: sockets are mostly idle, so two serve many thousands. */
    public static final int DEFAULT_IO_THREADS = 2;
    /** Default CORS origin: any. */
    public static final String DEFAULT_CORS_ALLOWED_ORIGIN = "*";
    /** Default HTTP idle timeout: one minute. */
    public static final Duration DEFAULT_HTTP_IDLE_TIMEOUT = Duration.ofMinutes(1);
    /** Default shutdown grace: two seconds, enough for connected devices to answer the close. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(2);
    /**
     * Default device idle timeout: 35 minutes, five more than the interval at which Firefox pings by default
     * ({@code dom.push.pingInterval}, 30 minutes).
     */
    public static final Duration DEFAULT_DEVICE_IDLE_TIMEOUT = Duration.ofMinutes(35);
    /** The share of the open-files limit that the default connection limit allows, in percent. */
    public static final int DEFAULT_OPEN_FILES_PERCENT = 90;
    /** The descriptors the default connection limit leaves to everything but connections. */
    public static final int OPEN_FILES_RESERVE = 100;
    /** The shortest device idle timeout: a tenth of a second. */
    private static final Duration MIN_DEVICE_IDLE_TIMEOUT = Duration.ofMillis(100);
    /** The longest shutdown grace: an hour. */
    private static final Duration MAX_SHUTDOWN_GRACE = Duration.ofHours(1);

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException if the host is blank, the port is outside 0..65535, the public URL is not an
     *     absolute http(s) URL without query or fragment, a limit or the thread count is below 1, the origin is
     *     blank, the idle timeout is not between 1 ms and 24 days, the shutdown grace is not between 0 and one
     *     hour, an allowed origin is not {@code scheme://host[:port]} in its canonical form, the connection limit is
     *     below 1, or the device idle timeout is not between 100 ms and 24 days
     */
    public WebSocketConfig {
        requireHost(host);
        requirePort(port);
        Objects.requireNonNull(publicUrl, "publicUrl").ifPresent(WebSocketConfig::requirePublicUrl);
        requireAtLeastOne(maxFrameBytes, "maxFrameBytes");
        requireAtLeastOne(maxBodyBytes, "maxBodyBytes");
        requireAtLeastOne(ioThreads, "ioThreads");
        requireOrigin(corsAllowedOrigin);
        requireIdleTimeout(httpIdleTimeout);
        requireShutdownGrace(shutdownGrace);
        allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
        for (String origin : allowedOrigins) {
            if (!origin.equals(canonicalOrigin(origin))) {
                throw new IllegalArgumentException("not a canonical origin: " + origin);
            }
        }
        Objects.requireNonNull(maxConnections, "maxConnections").ifPresent(
                limit -> requireAtLeastOne(limit, "maxConnections"));
        requireDeviceIdleTimeout(deviceIdleTimeout);
        Objects.requireNonNull(tls, "tls");
    }

    /**
     * The defaults: {@code 127.0.0.1:8080}, 64 KiB messages, 16 KiB bodies, 2 I/O threads, CORS {@code *}, a one
     * minute HTTP idle timeout, the demo page, a two second shutdown grace, device upgrades from any origin, a
     * connection limit from the open-files limit, a 35 minute device idle timeout, no TLS.
     */
    public static WebSocketConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder builder = new Builder()
                .host(host)
                .port(port)
                .maxFrameBytes(maxFrameBytes)
                .maxBodyBytes(maxBodyBytes)
                .ioThreads(ioThreads)
                .corsAllowedOrigin(corsAllowedOrigin)
                .httpIdleTimeout(httpIdleTimeout)
                .demoPage(demoPage)
                .shutdownGrace(shutdownGrace)
                .allowedOrigins(allowedOrigins)
                .deviceIdleTimeout(deviceIdleTimeout);
        publicUrl.ifPresent(builder::publicUrl);
        maxConnections.ifPresent(builder::maxConnections);
        tls.ifPresent(builder::tls);
        return builder;
    }

    /** {@code host}, if it is a listen address: not blank. Also {@link AdminConfig}'s rule. */
    static String requireHost(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        return host;
    }

    /** {@code port}, if it is a TCP port or 0. Also {@link AdminConfig}'s rule. */
    static int requirePort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        return port;
    }

    private static void requirePublicUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "publicUrl must be an absolute http or https URL without query or fragment: " + url);
        }
    }

    private static void requireAtLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }

    private static void requireOrigin(String origin) {
        Objects.requireNonNull(origin, "corsAllowedOrigin");
        if (origin.isBlank()) {
            throw new IllegalArgumentException("corsAllowedOrigin must not be blank");
        }
    }

    private static void requireIdleTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "httpIdleTimeout");
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("httpIdleTimeout must be between 1 ms and 24 days: " + timeout);
        }
    }

    /**
     * The origin {@code text} names, as a browser writes it: lower-case, without the scheme's default port.
     *
     * @throws IllegalArgumentException if {@code text} is not {@code scheme://host[:port]} (no user, path, query
     *     or fragment)
     */
    private static String canonicalOrigin(String text) {
        Objects.requireNonNull(text, "origin");
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + text, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath();
        if (scheme.isEmpty() || uri.getHost() == null
                || uri.getRawUserInfo() != null || !(path == null || path.isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("not an origin (scheme://host[:port], no path): " + text);
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static void requireShutdownGrace(Duration grace) {
        Objects.requireNonNull(grace, "shutdownGrace");
        if (grace.isNegative() || grace.compareTo(MAX_SHUTDOWN_GRACE) > 0) {
            throw new IllegalArgumentException("shutdownGrace must be between 0 and one hour: " + grace);
        }
    }

    private static void requireDeviceIdleTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "deviceIdleTimeout");
        if (timeout.compareTo(MIN_DEVICE_IDLE_TIMEOUT) < 0 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("deviceIdleTimeout must be between 100 ms and 24 days: " + timeout);
        }
    }

    /** Builds a {@link WebSocketConfig}; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Optional<URI> publicUrl = Optional.empty();
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int ioThreads = DEFAULT_IO_THREADS;
        private String corsAllowedOrigin = DEFAULT_CORS_ALLOWED_ORIGIN;
        private Duration httpIdleTimeout = DEFAULT_HTTP_IDLE_TIMEOUT;
        private boolean demoPage = true;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private List<String> allowedOrigins = List.of();
        private OptionalInt maxConnections = OptionalInt.empty();
        private Duration deviceIdleTimeout = DEFAULT_DEVICE_IDLE_TIMEOUT;
        private Optional<TlsConfig> tls = Optional.empty();

        private Builder() {
        }

        /** Listen address (name or IP literal). Defaults to {@link #DEFAULT_HOST}; must not be blank. */
        public Builder host(String value) {
            requireHost(value);
            this.host = value;
            return this;
        }

        /** TCP port. Defaults to {@link #DEFAULT_PORT}; 0..65535, 0 picks a free port at start. */
        public Builder port(int value) {
            requirePort(value);
            this.port = value;
            return this;
        }

        /**
         * Base of the endpoint URLs, an absolute http(s) URL without query or fragment; a trailing slash is
         * ignored. Defaults to {@code http://<host>:<actual port>} ({@code https} with TLS).
         */
        public Builder publicUrl(URI value) {
            requirePublicUrl(Objects.requireNonNull(value, "publicUrl"));
            this.publicUrl = Optional.of(value);
            return this;
        }

        /** Largest device message in bytes (P1.3). Defaults to {@link #DEFAULT_MAX_FRAME_BYTES}; at least 1. */
        public Builder maxFrameBytes(int value) {
            requireAtLeastOne(value, "maxFrameBytes");
            this.maxFrameBytes = value;
            return this;
        }

        /** Largest endpoint request body in bytes (P4.3). Defaults to {@link #DEFAULT_MAX_BODY_BYTES}; at least 1. */
        public Builder maxBodyBytes(int value) {
            requireAtLeastOne(value, "maxBodyBytes");
            this.maxBodyBytes = value;
            return this;
        }

        /** Number of I/O threads. Defaults to {@link #DEFAULT_IO_THREADS}; at least 1. */
        public Builder ioThreads(int value) {
            requireAtLeastOne(value, "ioThreads");
            this.ioThreads = value;
            return this;
        }

        /** CORS allowed origin of endpoint responses. Defaults to {@link #DEFAULT_CORS_ALLOWED_ORIGIN}. */
        public Builder corsAllowedOrigin(String value) {
            requireOrigin(value);
            this.corsAllowedOrigin = value;
            return this;
        }

        /**
         * How long an HTTP connection may wait for its next request, and a request's body may take to arrive,
         * before the connection is closed. Defaults to {@link #DEFAULT_HTTP_IDLE_TIMEOUT}; between 1 ms and 24 days.
         */
        public Builder httpIdleTimeout(Duration value) {
            requireIdleTimeout(value);
            this.httpIdleTimeout = value;
            return this;
        }

        /** Whether {@code GET /demo/} serves the demo page. Defaults to {@code true}. */
        public Builder demoPage(boolean value) {
            this.demoPage = value;
            return this;
        }

        /**
         * How long a stop waits for devices to answer the close before it drops them. Defaults to
         * {@link #DEFAULT_SHUTDOWN_GRACE}; between 0 and one hour.
         */
        public Builder shutdownGrace(Duration value) {
            requireShutdownGrace(value);
            this.shutdownGrace = value;
            return this;
        }

        /**
         * The most connections open at once, devices and HTTP alike; more are answered 503 with
         * {@code Retry-After}. At least 1. Defaults to {@value #DEFAULT_OPEN_FILES_PERCENT}% of the open-files
         * limit less {@value #OPEN_FILES_RESERVE}.
         */
        public Builder maxConnections(int value) {
            requireAtLeastOne(value, "maxConnections");
            this.maxConnections = OptionalInt.of(value);
            return this;
        }

        /**
         * How long a device WebSocket may send nothing before it is closed. Defaults to
         * {@link #DEFAULT_DEVICE_IDLE_TIMEOUT}; between 100 ms and 24 days.
         */
        public Builder deviceIdleTimeout(Duration value) {
            requireDeviceIdleTimeout(value);
            this.deviceIdleTimeout = value;
            return this;
        }

        /**
         * The web origins whose pages may open the device WebSocket, each {@code scheme://host[:port]} (case and a
         * default port do not matter; duplicates are dropped); an upgrade from another origin is answered 403, one
         * without {@code Origin} is always allowed. Defaults to none: any origin may.
         *
         * @throws IllegalArgumentException if an entry is not such an origin (no host; a path, a query)
         */
        public Builder allowedOrigins(List<String> value) {
            LinkedHashSet<String> origins = new LinkedHashSet<>();
            for (String origin : Objects.requireNonNull(value, "allowedOrigins")) {
                origins.add(canonicalOrigin(origin));
            }
            this.allowedOrigins = List.copyOf(origins);
            return this;
        }

        /**
         * TLS on the listener: only TLS is spoken then, and the default public URL says {@code https}. Defaults to
         * none.
         */
        public Builder tls(TlsConfig value) {
            this.tls = Optional.of(Objects.requireNonNull(value, "tls"));
            return this;
        }

        /** The configuration. */
        public WebSocketConfig build() {
            return new WebSocketConfig(host, port, publicUrl, maxFrameBytes, maxBodyBytes, ioThreads,
                    corsAllowedOrigin, httpIdleTimeout, demoPage, shutdownGrace, allowedOrigins, maxConnections,
                    deviceIdleTimeout, tls);
        }
    }
}
