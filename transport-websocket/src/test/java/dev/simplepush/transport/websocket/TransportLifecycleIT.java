package dev.simplepush.transport.websocket;

import static dev.simplepush.transport.websocket.RawWebSocket.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.TransportException;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.store.memory.InMemoryStoreModule;
import dev.simplepush.transport.websocket.RawWebSocket.Close;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Binding, starting and stopping the transport through Guice and {@link PushServer}. */
class TransportLifecycleIT {

    private static Injector injector(WebSocketConfig config) {
        return Guice.createInjector(new PushCoreModule(PushConfig.defaults()), new InMemoryStoreModule(),
                new WebSocketTransportModule(config));
    }

    @Test
    void bindingOpensNothingAndAddressesAreKnownOnlyAfterStart() {
        Injector injector = injector(WebSocketConfig.builder().port(0).build());
        WebSocketTransport transport = injector.getInstance(WebSocketTransport.class);
        assertThatThrownBy(transport::localAddress).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(transport::baseUrl).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> injector.getInstance(EndpointUrls.class).endpointFor(new EndpointToken("abc")))
                .isInstanceOf(IllegalStateException.class);
        TestServer.join(transport.stop().toCompletableFuture());
    }

    @Test
    void startFailsWithTransportExceptionWhenThePortIsTaken() {
        try (TestServer first = TestServer.start()) {
            int taken = first.transport.localAddress().getPort();
            PushServer second = injector(WebSocketConfig.builder().port(taken).build()).getInstance(PushServer.class);
            assertThatThrownBy(() -> second.start().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TransportException.class)
                    .hasMessageContaining(Integer.toString(taken));
            TestServer.join(second.stop().toCompletableFuture());
        }
    }

    @Test
    void stoppedTransportDoesNotStartAgain() {
        Injector injector = injector(WebSocketConfig.builder().port(0).build());
        WebSocketTransport transport = injector.getInstance(WebSocketTransport.class);
        TestServer.join(transport.start().toCompletableFuture());
        int port = transport.localAddress().getPort();
        assertThat(port).isPositive();
        TestServer.join(transport.stop().toCompletableFuture());
        TestServer.join(transport.stop().toCompletableFuture());
        assertThat(transport.start().toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void stopDropsADeviceThatNeverAnswersTheCloseAfterTheConfiguredGrace() {
        // Shorter than a socket's own 3 s close timeout, so that the drop can only be the grace's doing; and not the
        // former fixed 2 s.
        Duration grace = Duration.ofSeconds(1);
        TestServer stopping = TestServer.start(PushConfig.defaults(),
                WebSocketConfig.builder().port(0).shutdownGrace(grace).build());
        try (RawWebSocket device = RawWebSocket.connect(stopping.webSocketUri())) {
            device.send(text("{\"messageType\":\"hello\"}"));
            device.readMessage();
            long start = System.nanoTime();
            CompletableFuture<Void> stopped = stopping.server.stop().toCompletableFuture();
            assertThat(device.readClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
            // The device never answers the close.
            device.awaitEof();
            Duration dropped = Duration.ofNanos(System.nanoTime() - start);
            TestServer.join(stopped);
            assertThat(dropped).as("time until the silent device was dropped")
                    .isGreaterThanOrEqualTo(grace.minusMillis(50))
                    .isLessThan(Duration.ofMillis(1_900));
        }
    }

    @Test
    void stopCompletesOnceEveryDeviceAnsweredWithoutWaitingForTheGrace() {
        TestServer stopping = TestServer.start(PushConfig.defaults(),
                WebSocketConfig.builder().port(0).shutdownGrace(Duration.ofMinutes(1)).build());
        try (RawWebSocket device = RawWebSocket.connect(stopping.webSocketUri())) {
            device.send(text("{\"messageType\":\"hello\"}"));
            device.readMessage();
            long start = System.nanoTime();
            CompletableFuture<Void> stopped = stopping.server.stop().toCompletableFuture();
            Close close = device.readClose();
            assertThat(close.code()).isEqualTo(CloseCodes.GOING_AWAY);
            device.answerClose(close);
            TestServer.join(stopped);
            // Well before a socket's own 3 s close timeout, let alone the grace.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time until the stop completed")
                    .isLessThan(Duration.ofMillis(2_500));
        }
    }

    @Test
    void stopWithoutDevicesCompletesAtOnceWithoutAStopThread() {
        Injector injector = injector(WebSocketConfig.builder().port(0).shutdownGrace(Duration.ofMinutes(1)).build());
        PushServer server = injector.getInstance(PushServer.class);
        TestServer.join(server.start().toCompletableFuture());
        long start = System.nanoTime();
        TestServer.join(server.stop().toCompletableFuture());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time until the stop completed")
                .isLessThan(Duration.ofMillis(2_500));
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("simplepush-websocket-stop"));
    }
}
