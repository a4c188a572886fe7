package dev.simplepush.store.redis;

import static dev.simplepush.core.testing.Futures.await;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.Router;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.WebSocketTransportModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * One full push server node in this JVM, composed as an embedder would: {@link PushCoreModule},
 * {@link RedisStoreModule} and {@link WebSocketTransportModule} on a free loopback port.
 */
final class Node implements AutoCloseable {

    /** One endpoint token key for every node of a test, as a real deployment must share it. */
    static final String TOKEN_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    /** How long a node may take to start. */
    static final Duration STARTUP = Duration.ofSeconds(60);


    // One client per node: a client shared by every test could hold a pooled connection to a port a later
    // node reuses.
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RedisStoreConfig redis;
    private final Injector injector;
    private final PushServer server;
    private final int port;

    private Node(RedisStoreConfig redis, RedisStoreModule store, com.google.inject.Module... extra) {
        this(redis, List.of(TOKEN_KEY), store, extra);
    }

    private Node(RedisStoreConfig redis, List<String> tokenKeys, RedisStoreModule store,
            com.google.inject.Module... extra) {
        this.redis = redis;
        List<com.google.inject.Module> modules = new java.util.ArrayList<>(List.of(
                new PushCoreModule(PushConfig.builder().tokenKeys(tokenKeys).build()),
                store,
                new WebSocketTransportModule(WebSocketConfig.builder().host("127.0.0.1").port(0).build())));
        modules.addAll(List.of(extra));
        injector = Guice.createInjector(Stage.PRODUCTION, modules);
        server = injector.getInstance(PushServer.class);
        // A cold JVM on a busy machine may take longer than an ordinary stage to start everything.
        try {
            server.start().toCompletableFuture().get(STARTUP.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the node did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        port = injector.getInstance(WebSocketTransport.class).localAddress().getPort();
    }

    /** Starts a node on {@code redis}; nodes of one test share the key prefix and differ in node id. */
    static Node start(RedisStoreConfig redis) {
        return new Node(redis, new RedisStoreModule(redis));
    }

    /** Starts a node on {@code redis} with more modules (a wake-up module, say). */
    static Node start(RedisStoreConfig redis, com.google.inject.Module... extra) {
        return new Node(redis, new RedisStoreModule(redis), extra);
    }

    /** Starts a node on {@code redis} with endpoint token keys {@code tokenKeys} instead of {@link #TOKEN_KEY}. */
    static Node startWithTokenKeys(RedisStoreConfig redis, List<String> tokenKeys) {
        return new Node(redis, tokenKeys, new RedisStoreModule(redis));
    }

    /** Starts a node whose store is {@code store}, a module made from {@code redis} (with the app's client, say). */
    static Node startWith(RedisStoreConfig redis, RedisStoreModule store) {
        return new Node(redis, store);
    }

    /** What the node's injector holds of {@code type} (its admin listener, say). */
    <T> T instance(Class<T> type) {
        return injector.getInstance(type);
    }

    /** GETs {@code uri} (any of this node's listeners). */
    HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** The device WebSocket URI of this node. */
    URI webSocket() {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    /** {@code endpoint} (minted by any node) as served by this node. */
    URI here(URI endpoint) {
        return URI.create("http://127.0.0.1:" + port + endpoint.getRawPath());
    }

    /** PUTs {@code body} to {@code endpoint} on this node. */
    HttpResponse<String> put(URI endpoint, String body) {
        return send(HttpRequest.newBuilder(here(endpoint))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** POSTs a Web Push message (W6.1) of {@code body} with {@code TTL: ttl} to {@code endpoint} on this node. */
    HttpResponse<String> post(URI endpoint, String body, int ttl) {
        return send(HttpRequest.newBuilder(here(endpoint))
                .timeout(Duration.ofSeconds(10))
                .header("TTL", Integer.toString(ttl))
                .header("Content-Encoding", "aes128gcm")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Kills the node as a crash would, as far as the others can tell: its Redis client goes away first, so its
     * presence keys stay behind and nobody listens on its channel any more; then its sockets close.
     */
    void crash() {
        await(injector.getInstance(Router.class).stop());
        await(injector.getInstance(DeviceStore.class).stop());
        // The client has closed its sockets; wait until Redis has noticed too, as it would for a dead process.
        String channel = new Keys(redis.keyPrefix()).nodeChannel(redis.nodeId());
        int port = redis.uris().get(0).getPort();
        if (!CrossNodeRouting.eventually(
                () -> RedisProcess.command(port, "PUBSUB SHARDNUMSUB " + channel).endsWith(":0\r\n"))) {
            throw new AssertionError("Redis still counts a subscriber on " + channel);
        }
        close();
    }

    @Override
    public void close() {
        await(server.stop());
    }
}
