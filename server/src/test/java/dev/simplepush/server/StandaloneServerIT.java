package dev.simplepush.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplepush.transport.websocket.testing.TestCertificates;
import dev.simplepush.transport.websocket.testing.TestCertificates.Issued;
import dev.simplepush.transport.websocket.testing.TestCertificates.KeyFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar as an operator would: a real process, real flags, a real WebSocket client and PUTs. */
class StandaloneServerIT {

    private static final Pattern LISTENING = Pattern.compile("simplepush listening on (https?://127\\.0\\.0\\.1:(\\d+))");
    private static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final Pattern ADMIN = Pattern.compile("simplepush admin on (http://127\\.0\\.0\\.1:(\\d+))");

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void printsOneListeningLineThenServesTheWholeFlowAndStopsOnSigterm() throws Exception {
        Running server = start(Map.of("SIMPLEPUSH_TOKEN_KEYS", KEY), "--port", "0", "--drain-time", "2s");
        Device device = Device.connect(server.base);

        device.send("{\"messageType\":\"hello\",\"channelIDs\":[]}");
        String hello = device.next();
        assertThat(field(hello, "messageType")).isEqualTo("hello");
        assertThat(field(hello, "status")).isEqualTo("200");
        assertThat(field(hello, "uaid")).matches("[0-9a-f]{32}");

        String channel = UUID.randomUUID().toString();
        device.send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
        String registered = device.next();
        assertThat(field(registered, "status")).isEqualTo("200");
        String endpoint = field(registered, "pushEndpoint");
        assertThat(endpoint).startsWith(server.base + "/update/");

        HttpResponse<String> put = put(endpoint, "version=5");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("{}");
        String notification = device.next();
        assertThat(notification).contains("\"messageType\":\"notification\"").contains(channel)
                .contains("\"version\":5");
        device.send("{\"messageType\":\"ack\",\"updates\":[{\"channelID\":\"" + channel + "\",\"version\":5}]}");

        String uaid = field(hello, "uaid");
        device.close();
        // The server may still be closing the socket: a PUT then is 200 (handed over, never acked, so still
        // pending) and later ones are 202. Either way the device gets the version after its next hello.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int version = 6;
        while (put(endpoint, "version=" + version).statusCode() != 202) {
            assertThat(System.nanoTime()).as("202 once the device is gone").isLessThan(deadline);
            version++;
        }
        Device again = Device.connect(server.base);
        again.send("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[\"" + channel + "\"]}");
        assertThat(field(again.next(), "uaid")).isEqualTo(uaid);
        assertThat(again.next()).contains(channel).contains("\"version\":" + version);

        server.process.destroy(); // SIGTERM
        assertThat(server.process.waitFor(15, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
        assertThat(server.process.exitValue()).as("exit status").isZero();
        assertThat(again.closed.get(5, TimeUnit.SECONDS)).as("close code").isEqualTo(1001);
        assertThat(Files.readString(server.stderr)).contains("stopped");
        assertThat(server.otherStdoutLines()).isEmpty();
    }

    @Test
    void anAdminPortPrintsASecondLineAndServesMetricsWithJvmMetersHealthAndTheTokenApi() throws Exception {
        String token = "admin-token-" + UUID.randomUUID();
        Running server = start(Map.of("SIMPLEPUSH_TOKEN_KEYS", KEY, "SIMPLEPUSH_ADMIN_TOKEN", token), "--port", "0",
                "--admin-port", "0");
        String second = CompletableFuture.supplyAsync(() -> {
            try {
                return server.stdout.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).get(10, TimeUnit.SECONDS);
        Matcher admin = ADMIN.matcher(String.valueOf(second));
        assertThat(admin.matches()).as("second line: %s", second).isTrue();
        assertThat(admin.group(2)).isNotEqualTo(server.base.substring(server.base.lastIndexOf(':') + 1));
        Device device = Device.connect(server.base);
        String uaid = device.hello();

        HttpResponse<String> metrics = get(admin.group(1) + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body()).contains("simplepush_connections 1.0", "jvm_memory_used_bytes{",
                "jvm_gc_", "jvm_threads_live_threads ", "jvm_classes_loaded_classes ", "system_cpu_count ",
                "process_uptime_seconds ", "process_files_open_files ");

        assertThat(get(admin.group(1) + "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(server.base + "/health").body()).startsWith("{\"status\":\"UP\"");
        assertThat(get(admin.group(1) + "/admin/devices/" + uaid).statusCode()).isEqualTo(401);
        HttpResponse<String> lookUp = http.send(HttpRequest.newBuilder(URI.create(admin.group(1) + "/admin/devices/"
                + uaid)).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(lookUp.statusCode()).isEqualTo(200);
        assertThat(lookUp.body()).contains("\"connected\":true");
        device.close();

        server.process.destroy();
        assertThat(server.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(server.stderr)).contains("admin listener").doesNotContain(token);
    }

    @Test
    void adminSettingsWithoutAnAdminPortAreRefused() throws Exception {
        Process process = launch(Map.of("SIMPLEPUSH_ADMIN_TOKEN", "0123456789abcdef"), "--port", "0");
        String err = errorsOnExit(process);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(err).contains("SIMPLEPUSH_ADMIN_TOKEN (--admin-token) is only read with --admin-port")
                .doesNotContain("0123456789abcdef");
    }

    private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void packagedJarServesTheBrowserClientAndTheDemo() throws Exception {
        Running server = start(Map.of("SIMPLEPUSH_TOKEN_KEYS", KEY), "--port", "0");

        HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(server.base + "/simplepush.js"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).contains("application/javascript; charset=utf-8");
        assertThat(script.body()).contains("mozSetMessageHandler");

        HttpResponse<String> demo = http.send(HttpRequest.newBuilder(URI.create(server.base + "/demo/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(demo.statusCode()).isEqualTo(200);
        assertThat(demo.body()).contains("<script src=\"/simplepush.js\"></script>");

        server.process.destroy();
        assertThat(server.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void warnsThatEndpointsDoNotSurviveARestartWithoutTokenKeys() throws Exception {
        Running server = start(Map.of(), "--port", "0");
        assertThat(Files.readString(server.stderr)).contains("random key");
        server.process.destroy();
        assertThat(server.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void environmentVariablesConfigureTheServer() throws Exception {
        Running server = start(Map.of("SIMPLEPUSH_PORT", "0", "SIMPLEPUSH_PUBLIC_URL", "https://push.example.com",
                "SIMPLEPUSH_TOKEN_KEYS", KEY));
        Device device = Device.connect(server.base);
        device.hello();
        assertThat(device.register(UUID.randomUUID().toString())).startsWith("https://push.example.com/update/");
        device.close();
    }

    @Test
    void wakeupNetworkFromTheEnvironmentClosesIdleDevicesWith4774AndWakesThemByUdp() throws Exception {
        try (DatagramChannel phone = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int udpPort = ((InetSocketAddress) phone.getLocalAddress()).getPort();
            Running server = start(Map.of("SIMPLEPUSH_TOKEN_KEYS", KEY,
                    "SIMPLEPUSH_WAKEUP_NETWORK", "mcc=214,mnc=07,ranges=127.0.0.0/8,method=udp"),
                    "--port", "0", "--wakeup-idle-timeout", "2s");
            Device device = Device.connect(server.base);
            device.send("{\"messageType\":\"hello\",\"channelIDs\":[],\"wakeup_hostport\":{\"ip\":\"127.0.0.1\","
                    + "\"port\":" + udpPort + "},\"mobilenetwork\":{\"mcc\":\"214\",\"mnc\":\"07\"}}");
            // Register at once, not after reading the hello reply, and an idle timeout of 2 s rather than less: on a
            // busy machine the gap between two frames alone outlasted 300 ms, closing the socket with 4774 before the
            // register arrived.
            device.send("{\"messageType\":\"register\",\"channelID\":\"" + UUID.randomUUID() + "\"}");
            assertThat(field(device.next(), "status")).isEqualTo("201");
            String endpoint = field(device.next(), "pushEndpoint");

            assertThat(device.closed.get(10, TimeUnit.SECONDS)).as("P8.2 close code").isEqualTo(4774);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int version = 1;
            while (put(endpoint, "version=" + version).statusCode() != 202) {
                assertThat(System.nanoTime()).as("202 once the device is gone").isLessThan(deadline);
                version++;
            }
            ByteBuffer datagram = ByteBuffer.allocate(128);
            CompletableFuture<Void> received = CompletableFuture.runAsync(() -> {
                try {
                    phone.receive(datagram);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            received.get(10, TimeUnit.SECONDS);
            datagram.flip();
            assertThat(StandardCharsets.US_ASCII.decode(datagram).toString())
                    .isEqualTo("NOTIFY 127.0.0.1:" + udpPort);
            server.process.destroy();
            assertThat(server.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void helpListsEveryFlagWithItsEnvironmentVariable() throws Exception {
        Process process = launch(Map.of(), "--help");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        for (String flag : List.of("--host", "--port", "--public-url", "--hello-timeout", "--min-ping-interval",
                "--max-channels", "--token-keys", "--store", "--wakeup-network", "--wakeup-idle-timeout",
                "--wakeup-retry", "--wakeup-max-attempts", "--redis-command-timeout", "--io-threads", "--log-level",
                "--log-format", "--config", "--tls-cert", "--tls-key")) {
            assertThat(out).contains(flag);
        }
        assertThat(out).contains("SIMPLEPUSH_PORT").contains("SIMPLEPUSH_HELLO_TIMEOUT").contains("30s")
                .contains("SIMPLEPUSH_WAKEUP_NETWORK").contains("SIMPLEPUSH_WAKEUP_MAX_ATTEMPTS")
                .contains("SIMPLEPUSH_LOG_LEVEL").contains("SIMPLEPUSH_CONFIG");
        assertThat(out.replaceAll("\\s+", " ")).contains("90% of the open-files limit")
                .contains("A flag wins over its variable, a variable over the file, the file over the default.");
    }

    @Test
    void withTlsFlagsItListensOnHttpsAndADeviceOnWssGetsItsNotification(@TempDir Path folder) throws Exception {
        Issued issued = TestCertificates.rsa("standalone");
        TestCertificates.Written files = issued.writeInto(folder, KeyFormat.TRADITIONAL);
        Path chain = files.chain();
        Path key = files.key();
        Running server = start(Map.of("SIMPLEPUSH_TOKEN_KEYS", KEY, "SIMPLEPUSH_TLS_KEY", key.toString()),
                "--port", "0", "--tls-cert", chain.toString());
        assertThat(server.base).startsWith("https://127.0.0.1:");
        HttpClient trusting = HttpClient.newBuilder().sslContext(issued.clientContext()).build();

        Device device = Device.connect(server.base, trusting);
        device.hello();
        String channel = UUID.randomUUID().toString();
        String endpoint = device.register(channel);
        assertThat(endpoint).startsWith(server.base + "/update/");
        HttpResponse<String> put = trusting.send(HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("version=9")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(device.next()).contains(channel).contains("\"version\":9");
        device.close();
    }

    @Test
    void tlsFlagsThatDoNotMakeAPairExitWithAClearError(@TempDir Path folder) throws Exception {
        TestCertificates.Written files = TestCertificates.ec("standalone").writeInto(folder, KeyFormat.PKCS8);
        Path chain = files.chain();
        Path key = files.key();

        Process alone = launch(Map.of(), "--port", "0", "--tls-cert", chain.toString());
        assertThat(errorsOnExit(alone)).contains("--tls-cert and --tls-key go together: --tls-key is missing");
        assertThat(alone.exitValue()).isEqualTo(2);

        Process missing = launch(Map.of(), "--port", "0", "--tls-cert", chain.toString(), "--tls-key",
                folder.resolve("nothing.pem").toString());
        assertThat(errorsOnExit(missing)).contains("--tls-key " + folder.resolve("nothing.pem") + ": not a readable");
        assertThat(missing.exitValue()).isEqualTo(2);

        TestCertificates.ec("other").writeTo(folder.resolve("other.pem"), key, KeyFormat.PKCS8);
        Process mismatched = launch(Map.of(), "--port", "0", "--tls-cert", chain.toString(), "--tls-key",
                key.toString());
        assertThat(errorsOnExit(mismatched)).contains("cannot start").contains(key.toString())
                .contains("not the key of the first certificate");
        assertThat(mismatched.exitValue()).isEqualTo(1);
    }

    @Test
    void badFlagValuesExitWithAClearError() throws Exception {
        Process duration = launch(Map.of(), "--hello-timeout", "5 parsecs");
        String err = new String(duration.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(duration.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(duration.exitValue()).isEqualTo(2);
        assertThat(err).contains("5 parsecs").contains("10s");

        Process store = launch(Map.of(), "--store", "cassandra");
        String storeErr = new String(store.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(store.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(store.exitValue()).isEqualTo(2);
        assertThat(storeErr).contains("unknown store 'cassandra'");
    }

    @Test
    void aTakenPortFailsToStartWithAClearMessage() throws Exception {
        Running first = start(Map.of(), "--port", "0");
        Process second = launch(Map.of(), "--port", first.base.substring(first.base.lastIndexOf(':') + 1));
        String err = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isEqualTo(1);
        assertThat(err).contains("cannot start");
    }

    @Test
    void anUnknownLogLevelIsAnErrorListingTheValidOnesAndNamingItsVariable() throws Exception {
        Process process = launch(Map.of("SIMPLEPUSH_LOG_LEVEL", "bogus"), "--port", "0");
        String err = errorsOnExit(process);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(err).contains("bogus").contains("TRACE, DEBUG, INFO, WARN, ERROR, OFF")
                .contains("SIMPLEPUSH_LOG_LEVEL");
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aRedisFlagWithTheMemoryStoreIsRefusedInsteadOfIgnored() throws Exception {
        Process process = launch(Map.of(), "--port", "0", "--redis-uri", "redis://127.0.0.1:1");
        String err = errorsOnExit(process);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(err).contains("--redis-uri is only read with --store redis (the store is memory)");
    }

    @Test
    void aConfigurationFileConfiguresTheServerBelowVariablesAndFlags() throws Exception {
        Path file = Files.createTempFile("simplepush", ".properties");
        Files.writeString(file, "public-url = https://file.example\nport = 1\nhello-timeout = 5s\n");
        try {
            Running server = start(Map.of("SIMPLEPUSH_CONFIG", file.toString(), "SIMPLEPUSH_PORT", "0"));
            Device device = Device.connect(server.base);
            device.hello();
            assertThat(device.register(UUID.randomUUID().toString())).startsWith("https://file.example/update/");
            device.close();

            Files.writeString(file, "public-url = https://file.example\npublic-ulr = https://typo.example\n");
            Process typo = launch(Map.of(), "--config", file.toString(), "--port", "0");
            String err = errorsOnExit(typo);
            assertThat(typo.exitValue()).isEqualTo(2);
            assertThat(err).contains("unknown setting 'public-ulr' in " + file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void jsonLogLinesParseAndEachCarriesTheNodeId() throws Exception {
        Running server = start(Map.of("SIMPLEPUSH_LOG_FORMAT", "json", "SIMPLEPUSH_TOKEN_KEYS", KEY), "--port", "0");
        server.process.destroy();
        assertThat(server.process.waitFor(15, TimeUnit.SECONDS)).isTrue();

        List<JsonNode> lines = jsonLines(server.stderr);
        assertThat(lines).extracting(line -> line.path("formattedMessage").asText())
                .anyMatch(message -> message.startsWith("started: store="))
                .anyMatch(message -> message.startsWith("endpoint keys from SIMPLEPUSH_TOKEN_KEYS ("))
                .contains("stopped");
        String node = lines.get(0).path("context").path("properties").path("node").asText();
        assertThat(node).matches("memory-[0-9a-f]{8}");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.path("context").path("properties").path("node").asText()).isEqualTo(node);
            assertThat(line.path("level").asText()).isIn("INFO", "WARN", "ERROR");
        });
    }

    @Test
    void twoNodesOnOneRedisWithoutTokenKeysShareTheirKeysThroughIt() throws Exception {
        try (RedisServer redis = RedisServer.start("--save", "", "--appendonly", "no")) {
            String prefix = "it" + UUID.randomUUID() + ":";
            Running nodeA = start(Map.of(), "--store", "redis", "--redis-uri", redis.uri(), "--redis-prefix", prefix,
                    "--port", "0", "--node-id", "node-a");
            Running nodeB = start(Map.of("SIMPLEPUSH_STORE", "redis", "SIMPLEPUSH_REDIS_URI", redis.uri(),
                    "SIMPLEPUSH_REDIS_PREFIX", prefix), "--port", "0");

            Device device = Device.connect(nodeA.base);
            device.hello();
            String channel = UUID.randomUUID().toString();
            String endpoint = device.register(channel);

            // Minted by node A, accepted by node B (not 404), and delivered to the device on A.
            HttpResponse<String> put = put(endpoint.replace(nodeA.base, nodeB.base), "version=3");
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(device.next()).contains(channel).contains("\"version\":3");

            Pattern keys = Pattern.compile("endpoint keys from Redis \\(([0-9a-f]{8})\\)");
            Matcher onA = keys.matcher(Files.readString(nodeA.stderr));
            Matcher onB = keys.matcher(Files.readString(nodeB.stderr));
            assertThat(onA.find()).as("node A's log").isTrue();
            assertThat(onB.find()).as("node B's log").isTrue();
            assertThat(onB.group(1)).isEqualTo(onA.group(1));
            // Neither node logs the key itself.
            String key = redis.cli("GET", prefix + "endpoint-keys");
            assertThat(key).as("the ring in Redis").matches("[A-Za-z0-9+/=]{44}");
            assertThat(Files.readString(nodeA.stderr)).doesNotContain(key);
            assertThat(Files.readString(nodeB.stderr)).doesNotContain(key);

            // This Redis keeps nothing over a restart: each node says so, once.
            awaitLine(nodeA.stderr, "persists nothing");
            assertThat(Files.readString(nodeA.stderr).split("persists nothing", -1)).hasSize(2);
            device.close();
        }
    }

    @Test
    void sigtermDrainsDevicesToTheOtherNodeInWavesLosesNothingAcceptedAndExitsZero() throws Exception {
        try (RedisServer redis = RedisServer.start("--save", "", "--appendonly", "no")) {
            String prefix = "it" + UUID.randomUUID() + ":";
            List<String> common = List.of("--store", "redis", "--redis-uri", redis.uri(), "--redis-prefix", prefix,
                    "--port", "0", "--token-keys", KEY);
            Running nodeA = start(Map.of(), concat(common, "--drain-time", "3s"));
            Running nodeB = start(Map.of(), concat(common));
            int count = 12;
            List<Device> onA = new ArrayList<>();
            List<String> uaids = new ArrayList<>();
            List<String> channels = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Device device = Device.connect(nodeA.base);
                uaids.add(device.hello());
                String channel = UUID.randomUUID().toString();
                channels.add(channel);
                paths.add(URI.create(device.register(channel)).getRawPath());
                onA.add(device);
            }

            long sigterm = System.nanoTime();
            nodeA.process.destroy(); // SIGTERM
            // Each device, once closed by A, says hello to B with its UAID and channel, as a device would.
            List<CompletableFuture<Device>> onB = new ArrayList<>();
            List<Long> closedAfterMillis = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                onB.add(onA.get(i).closed.thenApply(code -> {
                    assertThat(code).as("close code from the draining node").isEqualTo(1001);
                    synchronized (closedAfterMillis) {
                        closedAfterMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm));
                    }
                    try {
                        Device moved = Device.connect(nodeB.base);
                        moved.send("{\"messageType\":\"hello\",\"uaid\":\"" + uaids.get(index)
                                + "\",\"channelIDs\":[\"" + channels.get(index) + "\"]}");
                        return moved;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            // An app server sends to node A while it drains, then to B once A answers no more.
            long[] accepted = new long[count];
            String base = nodeA.base;
            int version = 1;
            boolean refusedUpgrade = false;
            while (nodeA.process.isAlive() || version < 400) {
                int index = version % count;
                int status;
                try {
                    status = put(base + paths.get(index), "version=" + version).statusCode();
                } catch (IOException gone) {
                    status = -1;
                }
                if (status == 200 || status == 202) {
                    accepted[index] = version;
                } else {
                    assertThat(status).as("refusal from the draining node").isIn(-1, 503);
                    base = nodeB.base;
                }
                if (!refusedUpgrade && base.equals(nodeA.base) && version > 20) {
                    // A new device is sent elsewhere while the node drains.
                    URI a = URI.create(nodeA.base);
                    try (Socket upgrade = new Socket(a.getHost(), a.getPort())) {
                        upgrade.setSoTimeout(10_000);
                        upgrade.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        String statusLine = new BufferedReader(new InputStreamReader(upgrade.getInputStream(),
                                StandardCharsets.US_ASCII)).readLine();
                        assertThat(statusLine).as("answer to a device upgrade on the draining node")
                                .startsWith("HTTP/1.1 503");
                    }
                    // Not ready from the SIGTERM on: load balancers stop sending devices here.
                    assertThat(http.send(HttpRequest.newBuilder(URI.create(nodeA.base + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode()).as("public /health").isEqualTo(503);
                    refusedUpgrade = true;
                }
                version++;
                assertThat(System.nanoTime() - sigterm).as("node A ends").isLessThan(TimeUnit.SECONDS.toNanos(30));
            }
            assertThat(nodeA.process.exitValue()).as("exit status after a clean drain").isZero();
            String logA = Files.readString(nodeA.stderr);
            assertThat(logA).contains("draining for PT3S").contains("stopped");
            assertThat(refusedUpgrade).as("a device upgrade was tried during the drain").isTrue();

            // Three quarters of 3 s: closes from 0 to 2.25 s, in waves, not all at once.
            List<Long> times;
            synchronized (closedAfterMillis) {
                times = new ArrayList<>(closedAfterMillis);
            }
            assertThat(times).hasSize(count);
            assertThat(times.stream().mapToLong(t -> t).max().getAsLong()
                    - times.stream().mapToLong(t -> t).min().getAsLong()).as("spread of the closes %s", times)
                    .isGreaterThan(700);
            // Every accepted version reaches its device, on B.
            for (int i = 0; i < count; i++) {
                Device moved = onB.get(i).get(10, TimeUnit.SECONDS);
                assertThat(field(moved.next(), "uaid")).isEqualTo(uaids.get(i));
                moved.awaitVersion(channels.get(i), accepted[i]);
                moved.close();
            }
        }
    }

    private static String[] concat(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void aRedisWithAofIsNotWarnedOf() throws Exception {
        try (RedisServer redis = RedisServer.start("--appendonly", "yes")) {
            Running node = start(Map.of("SIMPLEPUSH_LOG_LEVEL", "debug"), "--store", "redis", "--redis-uri",
                    redis.uri(), "--redis-prefix", "it" + UUID.randomUUID() + ":", "--port", "0");
            awaitLine(node.stderr, "persists its data: appendonly yes");
            assertThat(Files.readString(node.stderr)).doesNotContain("persists nothing");
        }
    }

    @Test
    void noLogLineNamesAUaidATokenOrAnEndpointDuringAStorageOutage() throws Exception {
        RedisServer redis = RedisServer.start();
        Running node;
        String uaid;
        String endpoint;
        Device device;
        try {
            node = start(Map.of("SIMPLEPUSH_LOG_FORMAT", "json"), "--store", "redis", "--redis-uri", redis.uri(),
                    "--redis-prefix", "it" + UUID.randomUUID() + ":", "--node-id", "node-a", "--port", "0");
            device = Device.connect(node.base);
            uaid = device.hello();
            endpoint = device.register(UUID.randomUUID().toString());
            assertThat(put(endpoint, "version=1").statusCode()).isEqualTo(200);
            device.next();
        } finally {
            redis.close();
        }
        // Redis is gone: every path that touches the store fails and logs.
        assertThat(put(endpoint, "version=2").statusCode()).isEqualTo(503);
        device.send("{\"messageType\":\"register\",\"channelID\":\"" + UUID.randomUUID() + "\"}");
        assertThat(field(device.next(), "status")).isEqualTo("500");
        Device again = Device.connect(node.base);
        again.send("{\"messageType\":\"hello\",\"uaid\":\"" + uaid + "\",\"channelIDs\":[]}");
        assertThat(field(again.next(), "status")).isEqualTo("503");
        awaitLine(node.stderr, "hello failed");
        node.process.destroy();
        assertThat(node.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        String log = Files.readString(node.stderr);
        String token = endpoint.substring(endpoint.lastIndexOf('/') + 1);
        assertThat(log).contains("not accepted, storage failed").contains("register failed")
                .doesNotContain(uaid).doesNotContain(token).doesNotContain(endpoint);
        List<JsonNode> lines = jsonLines(node.stderr);
        assertThat(lines).allSatisfy(line ->
                assertThat(line.path("context").path("properties").path("node").asText()).isEqualTo("node-a"));
        assertThat(lines).filteredOn(line -> line.path("formattedMessage").asText().startsWith("register failed"))
                .singleElement().satisfies(line ->
                        assertThat(line.path("kvpList").get(0).path("connection").asText()).matches("\\d+"));
    }

    /**
     * What {@code process} wrote to standard error, once it has exited; fails if it is still running after 15 s (a
     * server that started instead of refusing its flags).
     */
    private static String errorsOnExit(Process process) throws Exception {
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("exits").isTrue();
        return new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    /** The JSON objects of a log, one per line; fails on a line that is not one. */
    private static List<JsonNode> jsonLines(Path log) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode parsed = json.readTree(line);
                assertThat(parsed.isObject()).as(line).isTrue();
                lines.add(parsed);
            }
        }
        assertThat(lines).isNotEmpty();
        return lines;
    }

    /** Waits until {@code log} holds {@code text}. */
    private static void awaitLine(Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.readString(log).contains(text)) {
            assertThat(System.nanoTime()).as("'%s' in %s", text, Files.readString(log)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> put(String endpoint, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Running start(Map<String, String> env, String... args) throws Exception {
        Path stderr = Files.createTempFile("simplepush-stderr", ".log");
        Process process = launch(env, stderr, args);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String line = first.get(30, TimeUnit.SECONDS);
        assertThat(line).as("first stdout line; stderr: %s", Files.readString(stderr)).isNotNull();
        Matcher m = LISTENING.matcher(line);
        assertThat(m.matches()).as("listening line: %s", line).isTrue();
        return new Running(process, m.group(1), stderr, out);
    }

    private Process launch(Map<String, String> env, String... args) throws IOException {
        return launch(env, null, args);
    }

    private Process launch(Map<String, String> env, Path stderr, String... args) throws IOException {
        Path jar = Paths.get("target", "simplepush-server.jar");
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("SIMPLEPUSH_"));
        builder.environment().putAll(env);
        if (stderr != null) {
            builder.redirectError(stderr.toFile());
        }
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Extracts a top-level string or number field from a flat JSON object. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|(-?\\d+))").matcher(json);
        assertThat(m.find()).as("field %s in %s", name, json).isTrue();
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    private record Running(Process process, String base, Path stderr, BufferedReader stdout) {
        List<String> otherStdoutLines() throws IOException {
            List<String> lines = new ArrayList<>();
            while (stdout.ready()) {
                lines.add(stdout.readLine());
            }
            return lines;
        }
    }

    /** A device over the JDK's WebSocket client. */
    private static final class Device implements WebSocket.Listener {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private WebSocket socket;

        static Device connect(String base) throws Exception {
            return connect(base, HttpClient.newHttpClient());
        }

        /** A device through {@code client}, on {@code wss://} when {@code base} is {@code https://}. */
        static Device connect(String base, HttpClient client) throws Exception {
            Device device = new Device();
            device.socket = client.newWebSocketBuilder()
                    .subprotocols("push-notification")
                    .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/"), device)
                    .get(10, TimeUnit.SECONDS);
            return device;
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        /** Says hello as a new device; its UAID. */
        String hello() throws InterruptedException {
            send("{\"messageType\":\"hello\",\"channelIDs\":[]}");
            return field(next(), "uaid");
        }

        /** Registers {@code channel}; its endpoint. */
        String register(String channel) throws InterruptedException {
            send("{\"messageType\":\"register\",\"channelID\":\"" + channel + "\"}");
            return field(next(), "pushEndpoint");
        }

        String next() throws InterruptedException {
            String message = messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10 s").isNotNull();
            return message;
        }

        /** Reads until a notification of {@code channel} with at least {@code version}. */
        void awaitVersion(String channel, long version) throws InterruptedException {
            Pattern update = Pattern.compile("\\{\"channelID\":\"" + channel + "\",\"version\":(\\d+)");
            long seen = 0;
            while (seen < version) {
                String message = next();
                Matcher m = update.matcher(message);
                while (m.find()) {
                    seen = Math.max(seen, Long.parseLong(m.group(1)));
                }
            }
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }


}
