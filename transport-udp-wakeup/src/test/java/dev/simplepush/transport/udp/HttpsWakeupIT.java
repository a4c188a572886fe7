package dev.simplepush.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * P8.3 wake-up through the operator's HTTPS wake-up service: a local {@link HttpsServer} with a self-signed
 * certificate made by {@code keytool} at test time, requiring a client certificate, stands in for Telefónica's
 * wake-up node and, like it, sends the datagram {@code NOTIFY ip:port} itself.
 */
class HttpsWakeupIT {

    private static final String PASSWORD = "changeit";
    private static final Duration IDLE = Duration.ofMillis(300);

    @TempDir
    static Path keys;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private HttpsServer operator;

    /** A request that reached the wake-up service. */
    record Request(String method, String contentType, Map<String, String> form, String clientSubject) {
    }

    @BeforeAll
    static void makeCertificates() throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", path("server.p12"),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=simplepush-test-client", "-keystore", path("client.p12"),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", path("server.p12"), "-storepass", PASSWORD,
                "-file", path("server.pem"));
        keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", path("client.p12"), "-storepass", PASSWORD,
                "-file", path("client.pem"));
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", path("server.pem"),
                "-keystore", path("push-trust.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "client", "-file", path("client.pem"),
                "-keystore", path("operator-trust.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    private static String path(String name) {
        return keys.resolve(name).toString();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool " + String.join(" ", args) + ": " + output).isZero();
    }

    private URI startOperator() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(KeyStore.getInstance(keys.resolve("server.p12").toFile(), PASSWORD.toCharArray()),
                PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(KeyStore.getInstance(keys.resolve("operator-trust.p12").toFile(), PASSWORD.toCharArray()));
        context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);

        operator = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        operator.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        operator.createContext("/wakeup", exchange -> {
            Map<String, String> form = new LinkedHashMap<>();
            try (InputStream body = exchange.getRequestBody()) {
                for (String pair : new String(body.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    int eq = pair.indexOf('=');
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            String subject = ((HttpsExchange) exchange).getSSLSession().getPeerPrincipal().getName();
            requests.add(new Request(exchange.getRequestMethod(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), form, subject));
            // What the operator's wake-up node does (protocol-survey §7.2): the datagram, from inside the network.
            String ip = form.get("ip");
            int port = Integer.parseInt(form.get("port"));
            try (DatagramChannel udp = DatagramChannel.open()) {
                udp.send(ByteBuffer.wrap(("NOTIFY " + ip + ":" + port).getBytes(StandardCharsets.US_ASCII)),
                        new InetSocketAddress(ip, port));
            }
            byte[] accepted = "Accepted".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, accepted.length);
            exchange.getResponseBody().write(accepted);
            exchange.close();
        });
        operator.start();
        return URI.create("https://127.0.0.1:" + operator.getAddress().getPort() + "/wakeup");
    }

    private WakeupServer server(WakeupMethod.Https method) {
        WakeupServer server = WakeupServer.start(UdpWakeupConfig.builder()
                .network(WakeupNetwork.parse("mcc=214,mnc=07,netid=lab-net,ranges=127.0.0.0/8").withMethod(method))
                .idleTimeout(IDLE)
                .retryInterval(Duration.ofSeconds(5))
                .maxAttempts(2)
                .build());
        resources.add(server);
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        if (operator != null) {
            operator.stop(0);
        }
    }

    @Test
    @DisplayName("P8.3 HTTPS method: verified TLS with a client certificate, form fields ip, port, protocol, mcc, mnc, netid")
    void wakesThroughTheOperatorsService() throws Exception {
        URI url = startOperator();
        WakeupServer server = server(new WakeupMethod.Https(url,
                Optional.of(new KeyStoreFile(keys.resolve("client.p12"), PASSWORD)),
                Optional.of(new KeyStoreFile(keys.resolve("push-trust.p12"), PASSWORD))));
        GeckoSimulator device = new GeckoSimulator(server.webSocketUri(),
                "{\"mcc\":\"214\",\"mnc\":\"07\",\"netid\":\"lab-net\"}");
        resources.add(0, device);

        assertThat(device.connectAndHello()).contains("\"status\":201");
        URI endpoint = device.register();
        assertThat(device.awaitClose().code()).isEqualTo(4774);
        server.awaitNoOpenSessions();

        assertThat(server.put(endpoint, 42)).isEqualTo(202);
        Request request = requests.poll(WakeupServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(request).as("a request at the wake-up service").isNotNull();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.form()).containsExactly(Map.entry("ip", "127.0.0.1"),
                Map.entry("port", Integer.toString(device.udpPort())), Map.entry("protocol", "udp"),
                Map.entry("mcc", "214"), Map.entry("mnc", "07"), Map.entry("netid", "lab-net"));
        assertThat(request.clientSubject()).isEqualTo("CN=simplepush-test-client");

        // P8.4: the operator's datagram wakes the device, which says hello and receives the update.
        assertThat(device.datagram(WakeupServer.TIMEOUT)).isEqualTo("NOTIFY 127.0.0.1:" + device.udpPort());
        assertThat(device.nextHelloReply()).contains(device.uaid().orElseThrow());
        assertThat(device.next()).contains("\"version\":42");
        WakeupServer.await(() -> server.counter("simplepush.wakeup.woken") == 1.0, "device counted as woken");
        assertThat(server.counter("simplepush.wakeup.failed")).isZero();
    }

    @Test
    @DisplayName("P8.3 HTTPS method: without a client certificate the service refuses and the wake-up counts as failed")
    void withoutClientCertificateTheWakeupFails() throws Exception {
        URI url = startOperator();
        WakeupServer server = server(new WakeupMethod.Https(url, Optional.empty(),
                Optional.of(new KeyStoreFile(keys.resolve("push-trust.p12"), PASSWORD))));
        GeckoSimulator device = new GeckoSimulator(server.webSocketUri(), "{\"mcc\":\"214\",\"mnc\":\"07\"}");
        resources.add(0, device);

        assertThat(device.connectAndHello()).contains("\"status\":201");
        URI endpoint = device.register();
        assertThat(device.awaitClose().code()).isEqualTo(4774);
        server.awaitNoOpenSessions();

        assertThat(server.put(endpoint, 1)).as("the 202 does not depend on the wake-up").isEqualTo(202);
        WakeupServer.await(() -> server.counter("simplepush.wakeup.failed") == 1.0, "the wake-up failed");
        assertThat(requests).isEmpty();
    }

    @Test
    @DisplayName("P8.3 HTTPS method: TLS is verified, so an untrusted service certificate fails the wake-up")
    void untrustedServiceFails() throws Exception {
        URI url = startOperator();
        WakeupServer server = server(new WakeupMethod.Https(url,
                Optional.of(new KeyStoreFile(keys.resolve("client.p12"), PASSWORD)), Optional.empty()));
        GeckoSimulator device = new GeckoSimulator(server.webSocketUri(), "{\"mcc\":\"214\",\"mnc\":\"07\"}");
        resources.add(0, device);

        assertThat(device.connectAndHello()).contains("\"status\":201");
        URI endpoint = device.register();
        assertThat(device.awaitClose().code()).isEqualTo(4774);
        server.awaitNoOpenSessions();

        assertThat(server.put(endpoint, 1)).isEqualTo(202);
        WakeupServer.await(() -> server.counter("simplepush.wakeup.failed") == 1.0, "the wake-up failed");
        assertThat(requests).isEmpty();
    }
}
