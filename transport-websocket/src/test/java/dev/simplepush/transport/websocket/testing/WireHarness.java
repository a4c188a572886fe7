package dev.simplepush.transport.websocket.testing;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.testing.AppServer;
import dev.simplepush.core.testing.ProtocolClient;
import dev.simplepush.core.testing.ProtocolScenarios;
import dev.simplepush.transport.websocket.TlsConfig;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.WebSocketTransportModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A push server listening on {@code 127.0.0.1} with a free port, reached the way devices and app servers reach it:
 * the core, the store of the given module and the Undertow transport, composed as an embedder would. Devices are
 * {@link WireClient}s (JDK WebSocket), the app server a JDK {@link HttpClient} on HTTP/1.1. Raw frames and raw HTTP
 * are supported, so every scenario of {@link ProtocolScenarios} and {@code WebPushScenarios} runs.
 *
 * <p>Thread-safe. {@link #close()} closes every client it handed out, then stops the server.
 */
public final class WireHarness implements ProtocolScenarios.Harness, AppServer {

    /** How long any single I/O step may take before the scenario fails. */
    static final Duration IO_TIMEOUT = Duration.ofSeconds(5);
    /** How long starting or stopping the server may take: a first start warms up a JVM and connects to a store. */
    private static final Duration LIFECYCLE_TIMEOUT = Duration.ofSeconds(30);

    private final PushServer server;
    private final URI baseUrl;
    private final URI deviceUrl;
    private final HttpClient http;
    private final List<WireClient> clients = new CopyOnWriteArrayList<>();
    private final Optional<Path> certificateFolder;

    private WireHarness(PushConfig config, Module storeModule, boolean tls) {
        WebSocketConfig.Builder transport = WebSocketConfig.builder().host("127.0.0.1").port(0);
        HttpClient.Builder client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(IO_TIMEOUT);
        if (tls) {
            TestCertificates.Issued issued = TestCertificates.ec("simplepush test");
            Path folder = temporaryFolder();
            Path chain = folder.resolve("chain.pem");
            Path key = folder.resolve("key.pem");
            issued.writeTo(chain, key, TestCertificates.KeyFormat.PKCS8);
            transport.tls(TlsConfig.pemFiles(chain, key));
            client.sslContext(issued.clientContext());
            certificateFolder = Optional.of(folder);
        } else {
            certificateFolder = Optional.empty();
        }
        http = client.build();
        Injector injector = Guice.createInjector(Stage.PRODUCTION,
                new PushCoreModule(config),
                storeModule,
                new WebSocketTransportModule(transport.build()));
        server = injector.getInstance(PushServer.class);
        await(server.start(), LIFECYCLE_TIMEOUT);
        baseUrl = injector.getInstance(WebSocketTransport.class).baseUrl();
        deviceUrl = URI.create((tls ? "wss://" : "ws://") + baseUrl.getRawAuthority() + "/");
    }

    /**
     * Starts the core with {@code config}, the store and router of {@code storeModule}, and this transport on a free
     * loopback port; returns once the server is listening.
     *
     * @throws AssertionError if the server does not start within 30 seconds
     */
    public static WireHarness start(PushConfig config, Module storeModule) {
        return new WireHarness(config, storeModule, false);
    }

    /**
     * As {@link #start}, with TLS on the listener: a certificate made for the test, devices on {@code wss://} and
     * the app server on {@code https://}, both trusting it.
     *
     * @throws AssertionError if the server does not start within 30 seconds
     */
    public static WireHarness startTls(PushConfig config, Module storeModule) {
        return new WireHarness(config, storeModule, true);
    }

    /** The server's public base URL, {@code http://127.0.0.1:<port>} ({@code https} with TLS). */
    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public ProtocolClient connect(List<String> subprotocols) {
        WireClient client = WireClient.connect(http, deviceUrl, subprotocols);
        clients.add(client);
        return client;
    }

    @Override
    public AppServer appServer() {
        return this;
    }

    @Override
    public Response put(URI endpoint, Optional<String> version, Optional<String> data) {
        List<String> fields = new ArrayList<>();
        version.ifPresent(v -> fields.add("version=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        data.ifPresent(d -> fields.add("data=" + URLEncoder.encode(d, StandardCharsets.UTF_8)));
        return send("PUT", endpoint, Map.of("Content-Type", "application/x-www-form-urlencoded"),
                String.join("&", fields));
    }

    @Override
    public boolean supportsRawHttp() {
        return true;
    }

    @Override
    public Response send(String method, URI uri, Map<String, String> headers, String body) {
        return send(method, uri, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Response send(String method, URI uri, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(IO_TIMEOUT)
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response = await(http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        Map<String, String> first = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!values.isEmpty()) {
                first.put(name, values.get(0));
            }
        });
        return new Response(response.statusCode(), response.body(), first);
    }

    @Override
    public void close() {
        for (WireClient client : clients) {
            client.close();
        }
        await(server.stop(), LIFECYCLE_TIMEOUT);
        certificateFolder.ifPresent(WireHarness::deleteFolder);
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("simplepush-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteFolder(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stage's result, waiting at most {@link #IO_TIMEOUT}; any failure is an {@link AssertionError}. */
    static <T> T await(CompletionStage<T> stage) {
        return await(stage, IO_TIMEOUT);
    }

    private static <T> T await(CompletionStage<T> stage, Duration timeout) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the operation failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete within " + timeout, e);
        }
    }
}
