package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.TransportException;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.store.memory.InMemoryStoreModule;
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
}
