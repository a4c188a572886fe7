package com.example.push;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.NotifyOutcome;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.WebSocketTransportModule;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An application's push node: simplepush embedded beside the application's own bindings (its clock and its meter
 * registry), which the push modules never claim. Devices connect to {@link #deviceUrl()}; the application notifies
 * them over HTTP (their endpoint URLs) or from Java ({@link #notify}).
 */
public final class PushNode implements AutoCloseable {

    private final Injector injector;
    private final PushServer server;

    /**
     * A node on {@code port} (0: a free one) whose endpoint tokens use {@code tokenKey} (base64 AES key) and whose
     * meters go to the application's {@code meters}.
     */
    public PushNode(MeterRegistry meters, String tokenKey, int port) {
        injector = Guice.createInjector(
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        // What the application binds for itself.
                        bind(Clock.class).toInstance(Clock.systemUTC());
                        bind(MeterRegistry.class).toInstance(meters);
                    }
                },
                new PushCoreModule(PushConfig.builder().tokenKeys(List.of(tokenKey)).build()),
                PushCoreModule.meterRegistry(meters),
                new InMemoryStoreModule(),
                new WebSocketTransportModule(WebSocketConfig.builder().host("127.0.0.1").port(port).build()));
        server = injector.getInstance(PushServer.class);
    }

    /** Opens the listener; returns when devices can connect. */
    public void start() {
        server.start().toCompletableFuture().join();
    }

    /** Where devices connect, e.g. {@code ws://127.0.0.1:8080/}. */
    public URI deviceUrl() {
        InetSocketAddress address = injector.getInstance(WebSocketTransport.class).localAddress();
        return URI.create("ws://127.0.0.1:" + address.getPort() + "/");
    }

    /** Sends version {@code version} to the channel behind {@code endpoint}, without HTTP. */
    public CompletionStage<NotifyOutcome> notify(URI endpoint, long version) {
        String path = endpoint.getPath();
        Optional<EndpointToken> token = EndpointToken.parse(path.substring(path.lastIndexOf('/') + 1));
        if (token.isEmpty()) {
            return CompletableFuture.completedFuture(NotifyOutcome.NOT_FOUND);
        }
        return injector.getInstance(PushService.class).notify(token.get(), Optional.of(Long.toString(version)),
                Optional.empty());
    }

    /** Closes every device socket and the listener. */
    @Override
    public void close() {
        server.stop().toCompletableFuture().join();
    }
}
