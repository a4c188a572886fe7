package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.simplepush.core.Notice;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.spi.DeviceStore;
import dev.simplepush.core.spi.LocalDevice;
import dev.simplepush.core.spi.Router;
import dev.simplepush.store.memory.InMemoryStoreModule;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint PUT whose body arrives after its headers, on a node whose router answers asynchronously (as the
 * Redis one does): the answer is the one notify decided, never an early empty 200.
 */
class SlowBodyEndpointIT {

    private PushServer server;
    private URI webSocket;

    @BeforeEach
    void start() {
        Router memory = InMemoryStoreModule.newRouter();
        Injector injector = Guice.createInjector(
                new PushCoreModule(PushConfig.defaults()),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(DeviceStore.class).toInstance(InMemoryStoreModule.newDeviceStore(Clock.systemUTC()));
                        bind(Router.class).toInstance(new LateRouter(memory));
                    }
                },
                new WebSocketTransportModule(WebSocketConfig.builder().port(0).build()));
        server = injector.getInstance(PushServer.class);
        TestServer.join(server.start().toCompletableFuture());
        webSocket = URI.create("ws://127.0.0.1:"
                + injector.getInstance(WebSocketTransport.class).localAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        TestServer.join(server.stop().toCompletableFuture());
    }

    @Test
    void bodyArrivingAfterTheHeadersGetsTheAnswerNotifyDecided() throws Exception {
        URI endpoint;
        try (TestDevice device = TestDevice.connect(webSocket)) {
            device.hello();
            endpoint = device.register().endpoint();
        }
        String body = "version=4";
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + endpoint.getRawPath() + " HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The server reads the headers, finds no body yet and waits for it.
            Thread.sleep(200);
            out.write(body.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            // The device is gone: stored, not delivered (P4.3).
            assertThat(response).startsWith("HTTP/1.1 202 ").endsWith("\r\n\r\n{}");
        }
    }

    /** A router whose answers to notify come a little later, on another thread. */
    private record LateRouter(Router delegate) implements Router {

        private static <T> CompletionStage<T> late(CompletionStage<T> stage) {
            return stage.thenApplyAsync(value -> value,
                    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        }

        @Override
        public CompletionStage<Void> start() {
            return delegate.start();
        }

        @Override
        public CompletionStage<Void> stop() {
            return delegate.stop();
        }

        @Override
        public CompletionStage<Void> claim(Uaid uaid, LocalDevice device) {
            return delegate.claim(uaid, device);
        }

        @Override
        public CompletionStage<Void> release(Uaid uaid, LocalDevice device) {
            return delegate.release(uaid, device);
        }

        @Override
        public CompletionStage<Boolean> deliver(Uaid uaid, Notice notice) {
            return late(delegate.deliver(uaid, notice));
        }

        @Override
        public CompletionStage<Boolean> isConnected(Uaid uaid) {
            return late(delegate.isConnected(uaid));
        }

        @Override
        public CompletionStage<Optional<String>> holderNode(Uaid uaid) {
            return late(delegate.holderNode(uaid));
        }
    }
}
