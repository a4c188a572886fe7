package dev.simplepush.transport.websocket;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.Router;
import dev.simplepush.store.memory.InMemoryStoreModule;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** A real push server on a free loopback port: the core, the in-memory store and this transport. */
public final class TestServer implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    public final PushServer server;
    public final PushService service;
    public final WebSocketTransport transport;
    public final DeviceStore store;

    private TestServer(Injector injector) {
        this.store = injector.getInstance(DeviceStore.class);
        this.server = injector.getInstance(PushServer.class);
        this.service = injector.getInstance(PushService.class);
        this.transport = injector.getInstance(WebSocketTransport.class);
    }

    public static TestServer start() {
        return start(PushConfig.defaults(), WebSocketConfig.builder().port(0).build());
    }

    public static TestServer start(PushConfig push) {
        return start(push, WebSocketConfig.builder().port(0).build());
    }

    public static TestServer start(PushConfig push, WebSocketConfig webSocket) {
        return start(push, new WebSocketTransportModule(webSocket));
    }

    /** A server with {@code transport}, a module that binds the {@link WebSocketTransport} in its place. */
    public static TestServer start(PushConfig push, Module transport) {
        Injector injector = Guice.createInjector(
                new PushCoreModule(push),
                new InMemoryStoreModule(),
                transport);
        TestServer test = new TestServer(injector);
        join(test.server.start().toCompletableFuture());
        return test;
    }

    /**
     * A server on {@code store} (the in-memory router beside it) and the default transport, with {@code extra}
     * modules (for example {@code PushCoreModule.meterRegistry}).
     */
    public static TestServer startOn(DeviceStore store, Module... extra) {
        List<Module> modules = new ArrayList<>(List.of(
                new PushCoreModule(PushConfig.defaults()),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(DeviceStore.class).toInstance(store);
                        bind(Router.class).toInstance(InMemoryStoreModule.newRouter());
                    }
                },
                new WebSocketTransportModule(WebSocketConfig.builder().port(0).build())));
        modules.addAll(List.of(extra));
        TestServer test = new TestServer(Guice.createInjector(modules));
        join(test.server.start().toCompletableFuture());
        return test;
    }

    public int port() {
        return transport.localAddress().getPort();
    }

    public URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + transport.localAddress().getPort() + "/");
    }

    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + transport.localAddress().getPort() + pathAndQuery);
    }

    /** Waits until no device socket is open on the server, so updates are stored rather than delivered. */
    public void awaitNoOpenSessions() {
        await(() -> service.openSessions() == 0, "all device sessions closed");
    }

    public static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    public static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
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
