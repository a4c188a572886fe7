package dev.simplepush.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.simplepush.core.EndpointTokens;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.StoreException;
import dev.simplepush.store.memory.InMemoryStoreConfig;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.store.redis.RedisEndpointKeys;
import dev.simplepush.store.redis.RedisStoreConfig;
import dev.simplepush.store.redis.RedisStoreModule;
import dev.simplepush.transport.udp.UdpWakeupConfig;
import dev.simplepush.transport.udp.UdpWakeupModule;
import dev.simplepush.transport.udp.WakeupNetwork;
import dev.simplepush.transport.websocket.AdminConfig;
import dev.simplepush.transport.websocket.AdminModule;
import dev.simplepush.transport.websocket.AdminTransport;
import dev.simplepush.transport.websocket.TlsConfig;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.WebSocketTransportModule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The standalone server. Every flag has an environment variable ({@code --port} ↔ {@code SIMPLEPUSH_PORT}) and a key
 * in the optional {@code --config} file ({@code port}); a flag wins over its variable, which wins over the file, which
 * wins over the default ({@link SettingSources}). A setting given where it has no effect (a Redis flag with the
 * memory store, say) is an error. On start it prints one line to standard output,
 * {@code simplepush listening on http://HOST:PORT} ({@code https} with TLS), and with {@code --admin-port} a second,
 * {@code simplepush admin on http://HOST:PORT}; logs go to standard error. SIGTERM drains the server for
 * {@code --drain-time}, stops it and exits 0.
 */
@Command(name = "simplepush", mixinStandardHelpOptions = true, version = "simplepush 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "A SimplePush server: devices connect by WebSocket to /, app servers PUT version=N to their "
                + "endpoints at /update/{token}.%n",
        footer = {"%nEvery flag can also be set by its environment variable (shown in brackets) or in the --config "
                + "file (its name without '--': port=8080). A flag wins over its variable, a variable over the file, "
                + "the file over the default.",
            "Durations: 500ms, 10s, 2m, 1h, 60d."})
public final class Main implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Settings read only by one store, or only with a wake-up network: given otherwise, they are refused. */
    private static final List<String> REDIS_ONLY = List.of("--redis-uri", "--redis-prefix", "--node-id",
            "--redis-receipt-timeout", "--redis-cluster", "--redis-presence-ttl", "--redis-command-timeout");
    private static final List<String> MEMORY_ONLY = List.of("--max-devices");
    private static final List<String> WAKEUP_ONLY = List.of("--wakeup-idle-timeout", "--wakeup-retry",
            "--wakeup-max-attempts");
    private static final List<String> ADMIN_ONLY = List.of("--admin-host", "--admin-token");

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "${env:SIMPLEPUSH_HOST:-127.0.0.1}",
            description = "Address to listen on [SIMPLEPUSH_HOST]. Default: ${DEFAULT-VALUE}. Use 0.0.0.0 for all.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:SIMPLEPUSH_PORT:-8080}",
            description = "Port for the WebSocket and the endpoints [SIMPLEPUSH_PORT]; 0 picks a free port. "
                    + "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:SIMPLEPUSH_PUBLIC_URL}",
            description = "Base URL of endpoint URLs as app servers reach this server, e.g. https://push.example.com "
                    + "[SIMPLEPUSH_PUBLIC_URL]. Default: http://HOST:PORT (https with --tls-cert).")
    String publicUrl;

    @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "${env:SIMPLEPUSH_TLS_CERT}",
            description = "PEM certificate chain, the server's certificate first; with --tls-key the listener speaks "
                    + "only TLS (https://, wss://, which Firefox requires outside testing), and both files are read "
                    + "again when they change [SIMPLEPUSH_TLS_CERT]. Default: none, plain HTTP.")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "${env:SIMPLEPUSH_TLS_KEY}",
            description = "PEM private key of the --tls-cert certificate: PKCS#8 (BEGIN PRIVATE KEY) or traditional "
                    + "RSA or EC, not encrypted [SIMPLEPUSH_TLS_KEY]. Default: none.")
    String tlsKey;

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
            description = "After the drain, how long to wait for the devices left to answer the close (1001) and for "
                    + "the endpoint requests in flight to be answered, before dropping them "
                    + "[SIMPLEPUSH_SHUTDOWN_GRACE]. Default: ${DEFAULT-VALUE}.")
    Duration shutdownGrace;

    @Option(names = "--drain-time", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_DRAIN_TIME:-30s}",
            description = "On SIGTERM, first drain for this long: ready turns false at once, new devices are refused "
                    + "(503), the connected ones are closed (1001) in random waves spread over it so that they "
                    + "reconnect to other nodes a few at a time, and endpoint requests are still served; then the "
                    + "server stops and exits 0. 0s closes all devices at once [SIMPLEPUSH_DRAIN_TIME]. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration drainTime;

    @Option(names = "--min-ping-interval", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_MIN_PING_INTERVAL:-20s}",
            description = "Close sockets that ping more often than this [SIMPLEPUSH_MIN_PING_INTERVAL]. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration minPingInterval;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:SIMPLEPUSH_MAX_CONNECTIONS}",
            description = "Most connections kept at once, devices and app servers alike; more are answered 503 with "
                    + "Retry-After at once [SIMPLEPUSH_MAX_CONNECTIONS]. Default: 90%% of the open-files limit, less "
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
                    + "encrypts, all decrypt, so add a new key, then move it first, to rotate [SIMPLEPUSH_TOKEN_KEYS]. "
                    + "Default: with --store redis, the keys all nodes share in Redis (<prefix>endpoint-keys, made "
                    + "once by the first node); with --store memory, a random key, and endpoints stop working when "
                    + "the server restarts.")
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
            description = "With --store redis: this node's name, unique among the nodes, 1 to 64 of [A-Za-z0-9._-]; "
                    + "every log line carries it [SIMPLEPUSH_NODE_ID]. Default: random.")
    String nodeId;

    @Option(names = "--redis-receipt-timeout", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_REDIS_RECEIPT_TIMEOUT:-1s}",
            description = "With --store redis: how long a PUT waits for the node holding the device to confirm it "
                    + "handed the update over (200); without it in time the answer is 202, as for an offline device "
                    + "[SIMPLEPUSH_REDIS_RECEIPT_TIMEOUT]. Default: ${DEFAULT-VALUE}.")
    Duration redisReceiptTimeout;

    @Option(names = "--redis-cluster", paramLabel = "true|false", arity = "1",
            defaultValue = "${env:SIMPLEPUSH_REDIS_CLUSTER}",
            description = "With --store redis: whether --redis-uri names a Redis Cluster; needed only to reach a "
                    + "Cluster through a single seed URI [SIMPLEPUSH_REDIS_CLUSTER]. Default: true with several URIs.")
    @Nullable Boolean redisCluster;

    @Option(names = "--redis-presence-ttl", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_REDIS_PRESENCE_TTL:-30s}",
            description = "With --store redis: how long a node's claim on its connected devices outlives the node, "
                    + "refreshed every third of it; so how long a dead node seems to hold its devices, and how soon a "
                    + "Redis that lost its data is noticed; at least 1s [SIMPLEPUSH_REDIS_PRESENCE_TTL]. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration redisPresenceTtl;

    @Option(names = "--redis-command-timeout", paramLabel = "DURATION", converter = Durations.class,
            defaultValue = "${env:SIMPLEPUSH_REDIS_COMMAND_TIMEOUT:-2s}",
            description = "With --store redis: how long one Redis command may take before the request fails (503 "
                    + "for a PUT) [SIMPLEPUSH_REDIS_COMMAND_TIMEOUT]. Default: ${DEFAULT-VALUE}.")
    Duration redisCommandTimeout;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES",
            defaultValue = "${env:SIMPLEPUSH_MAX_FRAME_BYTES:-65536}",
            description = "Largest WebSocket message accepted from a device [SIMPLEPUSH_MAX_FRAME_BYTES]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxFrameBytes;

    @Option(names = "--max-body-bytes", paramLabel = "BYTES",
            defaultValue = "${env:SIMPLEPUSH_MAX_BODY_BYTES:-16384}",
            description = "Largest request body of PUT /update/{token}; larger is answered 413 "
                    + "[SIMPLEPUSH_MAX_BODY_BYTES]. Default: ${DEFAULT-VALUE}, room for the largest data even when "
                    + "percent-encoded.")
    int maxBodyBytes;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "${env:SIMPLEPUSH_IO_THREADS:-2}",
            description = "I/O threads of the listener, which read and write every socket and never wait "
                    + "[SIMPLEPUSH_IO_THREADS]. Default: ${DEFAULT-VALUE}.")
    int ioThreads;

    @Option(names = "--cors-allowed-origin", paramLabel = "ORIGIN",
            defaultValue = "${env:SIMPLEPUSH_CORS_ALLOWED_ORIGIN:-*}",
            description = "Access-Control-Allow-Origin of the endpoints' answers, for app servers that are web pages "
                    + "[SIMPLEPUSH_CORS_ALLOWED_ORIGIN]. Default: ${DEFAULT-VALUE}.")
    String corsAllowedOrigin;

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

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "${env:SIMPLEPUSH_ADMIN_PORT}",
            description = "Port of the admin listener: GET /metrics (Prometheus text, with JVM and process metrics), "
                    + "GET /health/live, GET /health/ready, and with --admin-token the /admin/ API; 0 picks a free "
                    + "port [SIMPLEPUSH_ADMIN_PORT]. Default: none, no admin listener.")
    @Nullable Integer adminPort;

    @Option(names = "--admin-host", paramLabel = "HOST", defaultValue = "${env:SIMPLEPUSH_ADMIN_HOST:-127.0.0.1}",
            description = "With --admin-port: address of the admin listener; keep it off the public network "
                    + "[SIMPLEPUSH_ADMIN_HOST]. Default: ${DEFAULT-VALUE}.")
    String adminHost;

    @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:SIMPLEPUSH_ADMIN_TOKEN}",
            description = "With --admin-port: the bearer token (at least 16 visible characters) that opens the admin "
                    + "API: GET /admin/devices/{uaid}, POST /admin/drain; never logged; prefer the variable or the "
                    + "file to the flag, which other users may see [SIMPLEPUSH_ADMIN_TOKEN]. Default: none, no "
                    + "/admin/ API.")
    @Nullable String adminToken;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:SIMPLEPUSH_LOG_LEVEL:-INFO}",
            description = "Least level of the lines logged: ${COMPLETION-CANDIDATES} [SIMPLEPUSH_LOG_LEVEL]. "
                    + "Default: ${DEFAULT-VALUE}.")
    Logging.Level logLevel;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${env:SIMPLEPUSH_LOG_FORMAT:-text}",
            description = "Format of the log lines on standard error: text, or json (one object per line, with the "
                    + "node id in context.properties.node) [SIMPLEPUSH_LOG_FORMAT]. Default: ${DEFAULT-VALUE}.")
    Logging.Format logFormat;

    // No default here: SettingSources supplies SIMPLEPUSH_CONFIG like every variable.
    @Option(names = SettingSources.CONFIG_FLAG, paramLabel = "FILE",
            description = "A Java properties file of settings, one per line, named like the flags without '--' "
                    + "(port = 8080, redis-uri = redis://10.0.0.5:6379); a flag or variable wins over it, and an "
                    + "unknown name is an error [SIMPLEPUSH_CONFIG]. Default: none.")
    @Nullable String configFile;

    /** The settings a flag did not give: variables, then the file ({@link #commandLine}). */
    private @Nullable SettingSources sources;
    @Spec
    private @Nullable CommandSpec spec;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private @Nullable RedisStoreConfig redis;
    /** The registry the admin listener serves, made by {@link #modules} with {@code --admin-port}. */
    private @Nullable PrometheusMeterRegistry metrics;

    /** Runs the server until SIGTERM; exits with 2 on bad flags and 1 if it cannot start. */
    public static void main(String[] args) {
        int code = commandLine(new Main(), System.getenv()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * The command line of {@code main}: flags, then the variables of {@code environment}, then the {@code --config}
     * file. A bad value is reported with where it came from, and exits with 2.
     */
    static CommandLine commandLine(Main main, Map<String, String> environment) {
        CommandLine cli = new CommandLine(main);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        SettingSources sources = new SettingSources(environment, cli.getCommandSpec());
        main.sources = sources;
        cli.setDefaultValueProvider(sources);
        cli.setParameterExceptionHandler((bad, args) -> {
            String from = "";
            if (bad.getArgSpec() instanceof CommandLine.Model.OptionSpec option) {
                from = sources.source(option.longestName()).filter(source -> !source.equals(option.longestName()))
                        .map(source -> " (from " + source + ")").orElse("");
            }
            return usageError(bad.getMessage() + from);
        });
        return cli;
    }

    private static int usageError(String message) {
        PrintWriter err = new PrintWriter(System.err, true);
        err.println("simplepush: " + message);
        err.println("Try 'simplepush --help' for the flags.");
        return 2;
    }

    @Override
    public Integer call() throws Exception {
        List<Module> modules;
        try {
            checkSettingsApply();
            Logging.configure(logLevel, logFormat, nodeIdForLogs());
            modules = modules(endpointKeys(RedisEndpointKeys::loadOrCreate));
        } catch (IllegalArgumentException bad) {
            return usageError(bad.getMessage());
        } catch (StoreException | IllegalStateException unusable) {
            System.err.println("simplepush: cannot start: " + unusable.getMessage());
            return 1;
        }
        AutoCloseable jvmMetrics = metrics != null ? bindJvmMetrics(metrics) : () -> { };
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drainThenStop(server, jvmMetrics),
                "simplepush-shutdown"));
        WebSocketTransport transport = injector.getInstance(WebSocketTransport.class);
        InetSocketAddress address = transport.localAddress();
        LOG.info("started: store={}, endpoints at {}/update/..., {}", storeConfig(), transport.baseUrl(),
                injector.getInstance(PushConfig.class));
        String scheme = transportConfig().tls().isPresent() ? "https" : "http";
        System.out.println("simplepush listening on " + scheme + "://" + hostForUrl(address) + ":"
                + address.getPort());
        if (metrics != null) {
            InetSocketAddress admin = injector.getInstance(AdminTransport.class).localAddress();
            LOG.info("admin listener: {}", adminConfig().orElseThrow());
            System.out.println("simplepush admin on http://" + hostForUrl(admin) + ":" + admin.getPort());
        }
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * What SIGTERM (or SIGINT) does, in the JVM's shutdown hook: drains for {@code --drain-time}, stops, and once the
     * stop completed ends the process with 0: a supervisor must not take a clean stop for a crash (143).
     */
    private void drainThenStop(PushServer server, AutoCloseable jvmMetrics) {
        boolean clean = false;
        try {
            if (!drainTime.isZero()) {
                LOG.info("draining for {}", drainTime);
                server.drain(drainTime).toCompletableFuture()
                        .get(drainTime.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            }
            LOG.info("stopping");
            // The grace, then time for the listener and the store to close.
            server.stop().toCompletableFuture().get(shutdownGrace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            LOG.info("stopped");
            jvmMetrics.close();
            clean = true;
        } catch (Exception e) {
            LOG.warn("stop did not complete cleanly: {}", e.toString());
        } finally {
            stopped.countDown();
        }
        if (clean) {
            // From a shutdown hook, the only way to set the exit status; every component is stopped by now.
            Runtime.getRuntime().halt(0);
        }
    }

    /** The modules of this server, with the endpoint keys {@code tokenKeys} (none: a random key). */
    List<Module> modules(List<String> tokenKeys) {
        PushConfig.Builder core = PushConfig.builder()
                .helloTimeout(helloTimeout)
                .minPingInterval(minPingInterval)
                .maxChannelsPerDevice(maxChannels)
                .maxDataBytes(maxDataBytes)
                .maxQueuedMessages(maxQueuedMessages);
        core.tokenKeys(tokenKeys);
        List<Module> modules = new ArrayList<>();
        modules.add(new PushCoreModule(core.build()));
        Object store = storeConfig();
        modules.add(store instanceof RedisStoreConfig onRedis
                ? new RedisStoreModule(onRedis)
                : new InMemoryStoreModule((InMemoryStoreConfig) store));
        modules.add(new WebSocketTransportModule(transportConfig()));
        wakeupConfig().ifPresent(wakeup -> modules.add(new UdpWakeupModule(wakeup)));
        adminConfig().ifPresent(admin -> {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            modules.add(PushCoreModule.meterRegistry(registry));
            modules.add(new AdminModule(admin, registry));
            metrics = registry;
        });
        return modules;
    }

    /** The admin listener's configuration, present only with {@code --admin-port}. */
    Optional<AdminConfig> adminConfig() {
        if (adminPort == null) {
            return Optional.empty();
        }
        AdminConfig.Builder admin = AdminConfig.builder();
        flagged("--admin-port", () -> admin.port(adminPort));
        flagged("--admin-host", () -> admin.host(adminHost));
        flagged("--drain-time", () -> admin.drainTime(drainTime));
        if (adminToken != null) {
            flagged("--admin-token", () -> admin.token(adminToken));
        }
        return Optional.of(admin.build());
    }

    /** Runs {@code set}; a value it refuses is an error naming {@code flag} and where it came from. */
    private void flagged(String flag, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(origin(flag).orElse(flag) + ": " + bad.getMessage(), bad);
        }
    }

    /**
     * The JVM's and the process's meters (memory, GC, threads, class loading, processor, uptime, file descriptors)
     * in {@code registry}; the GC meters listen until the returned handle is closed.
     */
    static AutoCloseable bindJvmMetrics(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return gc;
    }

    /**
     * The endpoint token keys, and says at INFO where they come from: {@code --token-keys} if given; otherwise, on
     * Redis, the key ring all nodes share there, read (or created) by {@code fromRedis}; otherwise none, and the core
     * warns that it draws a random key.
     *
     * @throws StoreException if the Redis cannot be reached
     * @throws IllegalStateException if the ring in Redis is not a list of keys
     */
    List<String> endpointKeys(Function<RedisStoreConfig, List<String>> fromRedis) {
        List<String> given = splitKeys(tokenKeys);
        List<String> keys;
        String from;
        if (!given.isEmpty()) {
            // Checked here, so that a bad key is a flag error naming where it came from.
            try {
                keys = PushConfig.builder().tokenKeys(given).build().tokenKeys();
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(origin("--token-keys").orElse("--token-keys") + ": "
                        + bad.getMessage(), bad);
            }
            from = source("--token-keys").orElse("--token-keys");
        } else if (storeConfig() instanceof RedisStoreConfig onRedis) {
            keys = fromRedis.apply(onRedis);
            from = "Redis";
        } else {
            return List.of();
        }
        LOG.info("endpoint keys from {} ({})", from,
                keys.stream().map(EndpointTokens::fingerprint).collect(Collectors.joining(", ")));
        return keys;
    }

    /**
     * Refuses a setting given (as flag, variable or in the file) where nothing reads it: ignoring it would leave the
     * operator believing it applies.
     *
     * @throws IllegalArgumentException naming the flag, where it came from and what it needs
     */
    void checkSettingsApply() {
        boolean redis = storeConfig() instanceof RedisStoreConfig;
        String store = redis ? "redis" : "memory";
        for (String flag : REDIS_ONLY) {
            refuseUnless(redis, flag, "--store redis (the store is " + store + ")");
        }
        for (String flag : MEMORY_ONLY) {
            refuseUnless(!redis, flag, "--store memory (the store is " + store + ")");
        }
        for (String flag : WAKEUP_ONLY) {
            refuseUnless(wakeupConfig().isPresent(), flag, "--wakeup-network (none is given)");
        }
        for (String flag : ADMIN_ONLY) {
            refuseUnless(adminPort != null, flag, "--admin-port (none is given)");
        }
    }

    private void refuseUnless(boolean applies, String flag, String needs) {
        Optional<String> given = origin(flag);
        if (!applies && given.isPresent()) {
            throw new IllegalArgumentException(given.get() + " is only read with " + needs);
        }
    }

    /** Where {@code flag} was given: the flag, its variable or its key in the file; empty if it has its default. */
    private Optional<String> source(String flag) {
        if (sources != null) {
            return sources.source(flag);
        }
        CommandLine.ParseResult parsed = spec == null ? null : spec.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption(flag) ? Optional.of(flag) : Optional.empty();
    }

    /** {@link #source}, with the flag after a variable or a file key: {@code SIMPLEPUSH_PORT (--port)}. */
    private Optional<String> origin(String flag) {
        return source(flag).map(source -> source.equals(flag) ? flag : source + " (" + flag + ")");
    }

    /**
     * The node id that every log line carries: the Redis store's ({@code --node-id}, or the random one it drew); with
     * the memory store, a random one for this run.
     */
    String nodeIdForLogs() {
        return storeConfig() instanceof RedisStoreConfig onRedis
                ? onRedis.nodeId()
                : "memory-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
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
                .demoPage(demoPage)
                .maxBodyBytes(maxBodyBytes)
                .ioThreads(ioThreads)
                .corsAllowedOrigin(corsAllowedOrigin);
        if (deviceIdleTimeout.compareTo(minPingInterval) <= 0) {
            // A device pinging as often as it may would be closed for idleness before its next ping.
            throw new IllegalArgumentException("--device-idle-timeout (" + deviceIdleTimeout
                    + ") must be longer than --min-ping-interval (" + minPingInterval + ")");
        }
        if (maxConnections != null) {
            transport.maxConnections(maxConnections);
        }
        parsePublicUrl(publicUrl).ifPresent(transport::publicUrl);
        tlsConfig().ifPresent(transport::tls);
        return transport.build();
    }

    /**
     * TLS from {@code --tls-cert} and {@code --tls-key}: both or neither, each a readable file. Whether they make a
     * pair is known at start, whose error names the file.
     */
    Optional<TlsConfig> tlsConfig() {
        boolean cert = tlsCert != null && !tlsCert.isBlank();
        boolean key = tlsKey != null && !tlsKey.isBlank();
        if (!cert && !key) {
            return Optional.empty();
        }
        if (cert != key) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: " + (cert ? "--tls-key"
                    : "--tls-cert") + " is missing");
        }
        return Optional.of(TlsConfig.pemFiles(readableFile("--tls-cert", tlsCert), readableFile("--tls-key",
                tlsKey)));
    }

    private static Path readableFile(String flag, String name) {
        Path file;
        try {
            file = Path.of(name.trim());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(flag + " is not a file name: " + name, e);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(flag + " " + file + ": not a readable file");
        }
        return file;
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

    /**
     * The store's configuration, by {@code --store}: an {@link InMemoryStoreConfig} or a {@link RedisStoreConfig}
     * (built once: its node id defaults to a random one, which the logs name).
     */
    Object storeConfig() {
        String chosen = store.trim().toLowerCase(Locale.ROOT);
        if (chosen.equals("memory")) {
            return memoryConfig();
        }
        if (chosen.equals("redis")) {
            return redisConfig();
        }
        throw new IllegalArgumentException("unknown store '" + store + "'; available: memory, redis");
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

    /** The Redis store's configuration, built once (see {@link #storeConfig()}). */
    RedisStoreConfig redisConfig() {
        if (redis == null) {
            redis = buildRedisConfig();
        }
        return redis;
    }

    private RedisStoreConfig buildRedisConfig() {
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
        if (redisCluster != null) {
            redis.cluster(redisCluster);
        }
        redis.receiptTimeout(redisReceiptTimeout)
                .presenceTtl(redisPresenceTtl)
                .commandTimeout(redisCommandTimeout);
        try {
            return redis.build();
        } catch (IllegalArgumentException bad) {
            // What the flags alone cannot rule out: several URIs without --redis-cluster, a Sentinel URI with it,
            // zero durations, a bad node id or prefix.
            throw new IllegalArgumentException("--redis-*: " + bad.getMessage(), bad);
        }
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
