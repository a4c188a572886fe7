package dev.simplepush.transport.udp;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import dev.simplepush.core.Push;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.WebSocketTransportModule;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A real composed push server on a free loopback port: the core, the in-memory store, the WebSocket transport
 * and the UDP wake-up module.
 */
final class WakeupServer implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final PushServer server;
    final PushService service;
    final WebSocketTransport transport;
    final MeterRegistry meters;

    private WakeupServer(Injector injector) {
        server = injector.getInstance(PushServer.class);
        service = injector.getInstance(PushService.class);
        transport = injector.getInstance(WebSocketTransport.class);
        meters = injector.getInstance(Key.get(MeterRegistry.class, Push.class));
    }

    static WakeupServer start(UdpWakeupConfig wakeup) {
        Injector injector = Guice.createInjector(
                new PushCoreModule(PushConfig.defaults()),
                new InMemoryStoreModule(),
                new WebSocketTransportModule(WebSocketConfig.builder().host("127.0.0.1").port(0).build()),
                new UdpWakeupModule(wakeup));
        WakeupServer test = new WakeupServer(injector);
        join(test.server.start().toCompletableFuture());
        return test;
    }

    URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + transport.localAddress().getPort() + "/");
    }

    /** {@code PUT version=N} to an endpoint; returns the HTTP status. */
    int put(URI endpoint, long version) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("version=" + version))
                .build();
        return join(HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding())).statusCode();
    }

    double counter(String name) {
        return meters.counter(name).count();
    }

    void awaitNoOpenSessions() {
        await(() -> service.openSessions() == 0, "all device sessions closed");
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("did not complete within " + TIMEOUT, e);
        }
    }

    @Override
    public void close() {
        join(server.stop().toCompletableFuture());
    }
}
