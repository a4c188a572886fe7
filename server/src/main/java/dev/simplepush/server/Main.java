package dev.simplepush.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.store.memory.InMemoryStoreConfig;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.store.redis.RedisStoreConfig;
import dev.simplepush.store.redis.RedisStoreModule;
import dev.simplepush.transport.udp.UdpWakeupConfig;
import dev.simplepush.transport.udp.UdpWakeupModule;
import dev.simplepush.transport.udp.WakeupNetwork;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.WebSocketTransportModule;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The standalone server. Every flag has an environment variable equivalent ({@code --port} ↔
 * {@code SIMPLEPUSH_PORT}); a flag wins over its variable. On start it prints exactly one line to standard
 * output, {@code simplepush listening on http://HOST:PORT}; logs go to standard error. SIGTERM stops it cleanly.
 */
@Command(name = "simplepush", mixinStandardHelpOptions = true, version = "simplepush 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "A SimplePush server: devices connect by WebSocket to /, app servers PUT version=N to their "
                + "endpoints at /update/{token}.%n",
        footer = {"%nEvery flag can also be set by its environment variable (shown in brackets); a flag wins.",
            "Durations: 500ms, 10s, 2m, 1h, 60d."})
public final class Main implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "${env:SIMPLEPUSH_HOST:-127.0.0.1}",
            description = "Address to listen on [SIMPLEPUSH_HOST]. Default: ${DEFAULT-VALUE}. Use 0.0.0.0 for all.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:SIMPLEPUSH_PORT:-8080}",
            description = "Port for the WebSocket and the endpoints [SIMPLEPUSH_PORT]; 0 picks a free port. "
                    + "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:SIMPLEPUSH_PUBLIC_URL}",
            description = "Base URL of endpoint URLs as app servers reach this server, e.g. https://push.example.com "
                    + "[SIMPLEPUSH_PUBLIC_URL]. Default: http://HOST:PORT.")
    String publicUrl;

    @Option(names = "--hello-timeout", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_HELLO_TIMEOUT:-30s}",
            description = "Close sockets that have not said hello within this time [SIMPLEPUSH_HELLO_TIMEOUT]. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration helloTimeout;

    @Option(names = "--http-idle-timeout", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_HTTP_IDLE_TIMEOUT:-60s}",
            description = "Close HTTP connections that send no request for this long, such as app servers' idle "
                    + "keep-alive connections [SIMPLEPUSH_HTTP_IDLE_TIMEOUT]. Default: ${DEFAULT-VALUE}.")
    Duration httpIdleTimeout;

    @Option(names = "--allowed-origins", paramLabel = "ORIGINS", defaultValue = "${env:SIMPLEPUSH_ALLOWED_ORIGINS}",
            description = "Comma-separated web origins (scheme://host[:port], e.g. https://app.example) whose pages "
                    + "may open the device WebSocket; an upgrade from another page's origin is answered 403, one "
                    + "without Origin (devices) is always allowed [SIMPLEPUSH_ALLOWED_ORIGINS]. Default: any origin.")
    String allowedOrigins;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_SHUTDOWN_GRACE:-2s}",
            description = "On SIGTERM, how long to wait for devices to answer the close (1001) before dropping them "
                    + "[SIMPLEPUSH_SHUTDOWN_GRACE]. Default: ${DEFAULT-VALUE}.")
    Duration shutdownGrace;

    @Option(names = "--min-ping-interval", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_MIN_PING_INTERVAL:-20s}",
            description = "Close sockets that ping more often than this [SIMPLEPUSH_MIN_PING_INTERVAL]. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration minPingInterval;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:SIMPLEPUSH_MAX_CONNECTIONS}",
            description = "Most connections kept at once, devices and app servers alike; more are answered 503 with "
                    + "Retry-After at once [SIMPLEPUSH_MAX_CONNECTIONS]. Default: 90% of the open-files limit, less "
                    + "100.")
    Integer maxConnections;

    @Option(names = "--device-idle-timeout", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_DEVICE_IDLE_TIMEOUT:-35m}",
            description = "Close device sockets that send nothing, not even a ping, for this long; longer than the "
                    + "devices' ping interval and than --min-ping-interval [SIMPLEPUSH_DEVICE_IDLE_TIMEOUT]. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration deviceIdleTimeout;

    @Option(names = "--max-channels", paramLabel = "N", defaultValue = "${env:SIMPLEPUSH_MAX_CHANNELS:-1000}",
            description = "Most channels one device may register [SIMPLEPUSH_MAX_CHANNELS]. Default: ${DEFAULT-VALUE}.")
    int maxChannels;

    @Option(names = "--token-keys", paramLabel = "KEYS", defaultValue = "${env:SIMPLEPUSH_TOKEN_KEYS}",
            description = "Comma-separated base64 AES keys (16, 24 or 32 bytes) for endpoint tokens; the first "
                    + "encrypts, all decrypt, so prepend a new key to rotate [SIMPLEPUSH_TOKEN_KEYS]. Default: a random "
                    + "key, and endpoints stop working when the server restarts.")
    String tokenKeys;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "${env:SIMPLEPUSH_STORE:-memory}",
            description = "Where devices and pending updates live: memory (one node) or redis (any number of nodes "
                    + "sharing a Redis) [SIMPLEPUSH_STORE]. Default: ${DEFAULT-VALUE}.")
    String store;

    @Option(names = "--device-ttl", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_DEVICE_TTL:-60d}",
            description = "Forget a device neither seen (hello) nor written to (register, update, ack) for this long, "
                    + "with its channels and pending updates; its next hello gets a new UAID. Both stores; the same "
                    + "on every node [SIMPLEPUSH_DEVICE_TTL]. Default: ${DEFAULT-VALUE}.")
    Duration deviceTtl;

    @Option(names = "--max-devices", paramLabel = "N", defaultValue = "${env:SIMPLEPUSH_MAX_DEVICES}",
            description = "With --store memory: most devices held; past it a hello that needs a new device is "
                    + "answered 503 and closed with 1013, while known devices keep working [SIMPLEPUSH_MAX_DEVICES]. "
                    + "Default: one per 2 KiB of maximum heap (-Xmx), at least 1000.")
    Integer maxDevices;

    // A comma splits only before another URI's scheme: a Sentinel URI lists its hosts with commas.
    @Option(names = "--redis-uri", paramLabel = "URI", split = ",(?=[A-Za-z][A-Za-z0-9+.-]*://)",
            defaultValue = "${env:SIMPLEPUSH_REDIS_URI}",
            description = "With --store redis: redis://[:password@]host:port, or rediss:// for TLS; repeat it or "
                    + "separate with commas to name the seed nodes of a Redis Cluster; or one "
                    + "redis-sentinel://[:password@]host:port[,host:port...][/db]#master for a master watched by "
                    + "Redis Sentinel [SIMPLEPUSH_REDIS_URI]. Default: redis://127.0.0.1:6379.")
    List<String> redisUris;

    @Option(names = "--redis-prefix", paramLabel = "PREFIX", defaultValue = "${env:SIMPLEPUSH_REDIS_PREFIX:-sp:}",
            description = "With --store redis: prefix of every key and channel; the same on every node "
                    + "[SIMPLEPUSH_REDIS_PREFIX]. Default: ${DEFAULT-VALUE}.")
    String redisPrefix;

    @Option(names = "--node-id", paramLabel = "ID", defaultValue = "${env:SIMPLEPUSH_NODE_ID}",
            description = "With --store redis: this node's name, unique among the nodes, 1 to 64 of [A-Za-z0-9._-] "
                    + "[SIMPLEPUSH_NODE_ID]. Default: random.")
    String nodeId;

    @Option(names = "--redis-receipt-timeout", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_REDIS_RECEIPT_TIMEOUT:-1s}",
            description = "With --store redis: how long a PUT waits for the node holding the device to confirm it "
                    + "handed the update over (200); without it in time the answer is 202, as for an offline device "
                    + "[SIMPLEPUSH_REDIS_RECEIPT_TIMEOUT]. Default: ${DEFAULT-VALUE}.")
    Duration redisReceiptTimeout;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES",
            defaultValue = "${env:SIMPLEPUSH_MAX_FRAME_BYTES:-65536}",
            description = "Largest WebSocket message accepted from a device [SIMPLEPUSH_MAX_FRAME_BYTES]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxFrameBytes;

    @Option(names = "--demo-page", paramLabel = "true|false", arity = "1",
            defaultValue = "${env:SIMPLEPUSH_DEMO_PAGE:-true}",
            description = "Serve the demo page at /demo/ (it registers from the browser and plays the app server) "
                    + "[SIMPLEPUSH_DEMO_PAGE]. /simplepush.js is always served. Default: ${DEFAULT-VALUE}.")
    boolean demoPage;

    @Option(names = "--max-data-bytes", paramLabel = "BYTES", defaultValue = "${env:SIMPLEPUSH_MAX_DATA_BYTES:-4096}",
            description = "Largest data an app server may send with an update [SIMPLEPUSH_MAX_DATA_BYTES]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxDataBytes;

    @Option(names = "--max-queued-messages", paramLabel = "N",
            defaultValue = "${env:SIMPLEPUSH_MAX_QUEUED_MESSAGES:-100}",
            description = "Most Web Push messages one subscription keeps pending; more are answered 429 "
                    + "[SIMPLEPUSH_MAX_QUEUED_MESSAGES]. Default: ${DEFAULT-VALUE}.")
    int maxQueuedMessages;

    @Option(names = "--wakeup-network", paramLabel = "SPEC", split = "\\s+",
            defaultValue = "${env:SIMPLEPUSH_WAKEUP_NETWORK}",
            description = "A mobile network whose idle devices are closed with 4774 and woken by UDP (P8); repeat "
                    + "for several (in the variable, separate them with spaces). SPEC is key=value pairs separated "
                    + "by commas: mcc, mnc and/or netid; ranges (CIDR blocks separated by ';', default the private "
                    + "ranges); method (udp, the default: a datagram straight to the device, or the https URL of the "
                    + "operator's wake-up service); client-cert, client-cert-password, trust-store, "
                    + "trust-store-password (PKCS12 or JKS files for that service), e.g. "
                    + "mcc=214,mnc=07,ranges=10.0.0.0/8,method=udp [SIMPLEPUSH_WAKEUP_NETWORK]. Default: none, "
                    + "no UDP wake-up.")
    List<String> wakeupNetworks;

    @Option(names = "--wakeup-idle-timeout", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_WAKEUP_IDLE_TIMEOUT:-10s}",
            description = "With --wakeup-network: close a wakeable device's socket with 4774 after this time without "
                    + "messages [SIMPLEPUSH_WAKEUP_IDLE_TIMEOUT]. Default: ${DEFAULT-VALUE}.")
    Duration wakeupIdleTimeout;

    @Option(names = "--wakeup-retry", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_WAKEUP_RETRY:-30s}",
            description = "With --wakeup-network: wake a device that has not come back again after this time, "
                    + "doubling each time [SIMPLEPUSH_WAKEUP_RETRY]. Default: ${DEFAULT-VALUE}.")
    Duration wakeupRetry;

    @Option(names = "--wakeup-max-attempts", paramLabel = "N",
            defaultValue = "${env:SIMPLEPUSH_WAKEUP_MAX_ATTEMPTS:-5}",
            description = "With --wakeup-network: most wake-ups sent in a row to a device that does not come back "
                    + "[SIMPLEPUSH_WAKEUP_MAX_ATTEMPTS]. Default: ${DEFAULT-VALUE}.")
    int wakeupMaxAttempts;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private Object storeSummary = "memory";

    /** Runs the server until SIGTERM; exits with 2 on bad flags and 1 if it cannot start. */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        int code = cli.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Module> modules;
        try {
            modules = modules();
        } catch (IllegalArgumentException bad) {
            PrintWriter err = new PrintWriter(System.err, true);
            err.println("simplepush: " + bad.getMessage());
            err.println("Try 'simplepush --help' for the flags.");
            return 2;
        }
        Injector injector = Guice.createInjector(Stage.PRODUCTION, modules);
        PushServer server = injector.getInstance(PushServer.class);
        try {
            server.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception failure) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            System.err.println("simplepush: cannot start: " + cause.getMessage());
            LOG.debug("start failure", cause);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            try {
                // The grace, then time for the listener and the store to close.
                server.stop().toCompletableFuture().get(shutdownGrace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
                LOG.info("stopped");
            } catch (Exception e) {
                LOG.warn("stop did not complete cleanly: {}", e.toString());
            } finally {
                stopped.countDown();
            }
        }, "simplepush-shutdown"));
        WebSocketTransport transport = injector.getInstance(WebSocketTransport.class);
        InetSocketAddress address = transport.localAddress();
        LOG.info("started: store={}, endpoints at {}/update/..., {}", storeSummary, transport.baseUrl(),
                injector.getInstance(PushConfig.class));
        System.out.println("simplepush listening on http://" + hostForUrl(address) + ":" + address.getPort());
        System.out.flush();
        stopped.await();
        return 0;
    }

    List<Module> modules() {
        PushConfig.Builder core = PushConfig.builder()
                .helloTimeout(helloTimeout)
                .minPingInterval(minPingInterval)
                .maxChannelsPerDevice(maxChannels)
                .maxDataBytes(maxDataBytes)
                .maxQueuedMessages(maxQueuedMessages);
        core.tokenKeys(splitKeys(tokenKeys));
        List<Module> modules = new ArrayList<>();
        modules.add(new PushCoreModule(core.build()));
        modules.add(storeModule(store));
        modules.add(new WebSocketTransportModule(transportConfig()));
        wakeupConfig().ifPresent(wakeup -> modules.add(new UdpWakeupModule(wakeup)));
        return modules;
    }

    /** The WebSocket/HTTP transport's configuration. */
    WebSocketConfig transportConfig() {
        WebSocketConfig.Builder transport = WebSocketConfig.builder()
                .host(host)
                .port(port)
                .maxFrameBytes(maxFrameBytes)
                .httpIdleTimeout(httpIdleTimeout)
                .shutdownGrace(shutdownGrace)
                .allowedOrigins(parseAllowedOrigins(allowedOrigins))
                .deviceIdleTimeout(deviceIdleTimeout)
                .demoPage(demoPage);
        if (deviceIdleTimeout.compareTo(minPingInterval) <= 0) {
            // A device pinging as often as it may would be closed for idleness before its next ping.
            throw new IllegalArgumentException("--device-idle-timeout (" + deviceIdleTimeout
                    + ") must be longer than --min-ping-interval (" + minPingInterval + ")");
        }
        if (maxConnections != null) {
            transport.maxConnections(maxConnections);
        }
        parsePublicUrl(publicUrl).ifPresent(transport::publicUrl);
        return transport.build();
    }

    /** The UDP wake-up configuration, present only when at least one network is given. */
    Optional<UdpWakeupConfig> wakeupConfig() {
        UdpWakeupConfig.Builder wakeup = UdpWakeupConfig.builder();
        boolean any = false;
        for (String spec : wakeupNetworks == null ? List.<String>of() : wakeupNetworks) {
            if (spec.isBlank()) {
                continue;
            }
            try {
                wakeup.network(WakeupNetwork.parse(spec.trim()));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("--wakeup-network " + spec + ": " + bad.getMessage(), bad);
            }
            any = true;
        }
        if (!any) {
            return Optional.empty();
        }
        try {
            return Optional.of(wakeup.idleTimeout(wakeupIdleTimeout)
                    .retryInterval(wakeupRetry)
                    .maxAttempts(wakeupMaxAttempts)
                    .build());
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("--wakeup-*: " + bad.getMessage(), bad);
        }
    }

    private Module storeModule(String name) {
        String chosen = name.trim().toLowerCase(Locale.ROOT);
        if (chosen.equals("memory")) {
            InMemoryStoreConfig config = memoryConfig();
            storeSummary = config;
            return new InMemoryStoreModule(config);
        }
        if (chosen.equals("redis")) {
            // Built once: the node id defaults to a random one, and the log must name the one in use.
            RedisStoreConfig config = redisConfig();
            storeSummary = config;
            return new RedisStoreModule(config);
        }
        throw new IllegalArgumentException("unknown store '" + name + "'; available: memory, redis");
    }

    /** The in-memory store's configuration: {@code --device-ttl} and {@code --max-devices}. */
    InMemoryStoreConfig memoryConfig() {
        InMemoryStoreConfig.Builder memory = InMemoryStoreConfig.builder().deviceTtl(checkedDeviceTtl());
        if (maxDevices != null) {
            try {
                memory.maxDevices(maxDevices);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("--max-devices: " + bad.getMessage(), bad);
            }
        }
        return memory.build();
    }

    /** {@code --device-ttl}, which both stores take: at least 1 s. */
    private Duration checkedDeviceTtl() {
        if (deviceTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--device-ttl must be at least 1s: " + deviceTtl);
        }
        return deviceTtl;
    }

    RedisStoreConfig redisConfig() {
        RedisStoreConfig.Builder redis = RedisStoreConfig.builder().deviceTtl(checkedDeviceTtl());
        List<URI> uris = new ArrayList<>();
        for (String uri : redisUris == null ? List.<String>of() : redisUris) {
            if (!uri.isBlank()) {
                try {
                    uris.add(new URI(uri.trim()));
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("--redis-uri is not a URI: " + uri, e);
                }
            }
        }
        if (!uris.isEmpty()) {
            try {
                redis.uris(uris);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("--redis-uri: " + bad.getMessage(), bad);
            }
        }
        redis.keyPrefix(redisPrefix == null ? RedisStoreConfig.DEFAULT_KEY_PREFIX : redisPrefix);
        if (nodeId != null && !nodeId.isBlank()) {
            redis.nodeId(nodeId.trim());
        }
        redis.receiptTimeout(redisReceiptTimeout);
        return redis.build();
    }

    /** The comma-separated origins of {@code --allowed-origins}; empty for none given (any origin). */
    static List<String> parseAllowedOrigins(String text) {
        List<String> origins = splitKeys(text);
        try {
            return WebSocketConfig.builder().allowedOrigins(origins).build().allowedOrigins();
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("--allowed-origins: " + bad.getMessage(), bad);
        }
    }

    static List<String> splitKeys(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (String key : text.split(",")) {
            if (!key.isBlank()) {
                keys.add(key.trim());
            }
        }
        return keys;
    }

    static Optional<URI> parsePublicUrl(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.trim());
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("--public-url must be an absolute http(s) URL: " + text);
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--public-url is not a URL: " + text, e);
        }
    }

    private static String hostForUrl(InetSocketAddress address) {
        String host = address.getHostString();
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
