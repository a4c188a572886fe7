package dev.simplepush.transport.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.simplepush.core.Push;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushHealth;
import dev.simplepush.core.PushService;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.core.spi.PushTransport;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.transport.websocket.TestDevice;
import dev.simplepush.transport.websocket.TestServer;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The listener's pooled buffers over real sockets: taken only while bytes are read or written. The listener is built
 * with a {@link CountingBufferPool} around its own pool, which the production listener does without.
 */
class PooledBuffersIT {

    @Test
    void idleSocketsHoldNoPooledBuffer() {
        CountingBufferPool buffers = new CountingBufferPool(PushListener.directBuffers());
        try (TestServer own = TestServer.start(PushConfig.defaults(), countingTransport(buffers))) {
            List<TestDevice> devices = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    TestDevice device = TestDevice.connect(own.webSocketUri());
                    devices.add(device);
                    device.hello();
                    device.register();
                }
                // One more stops in the middle of a message: its bytes wait on the heap, not in a pooled buffer.
                TestDevice halfway = TestDevice.connect(own.webSocketUri());
                devices.add(halfway);
                TestServer.join(halfway.socket().sendText("{\"messageType\":\"he", false));
                TestServer.await(() -> buffers.inUse() == 0, "no pooled buffer in use by idle sockets");
                assertThat(buffers.allocated()).as("buffers taken from the counted pool").isPositive();
            } finally {
                devices.forEach(TestDevice::close);
            }
        }
    }

    /** The transport as {@code WebSocketTransportModule} binds it, on a free port, its buffers from {@code pool}. */
    private static Module countingTransport(CountingBufferPool pool) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(ListenerAddress.class).in(Singleton.class);
                bind(EndpointUrls.class).to(ListenerAddress.class);
                Multibinder.newSetBinder(binder(), PushTransport.class).addBinding().to(WebSocketTransport.class);
            }

            @Provides
            @Singleton
            WebSocketTransport transport(PushService service, PushHealth health, ListenerAddress address,
                    @Push MeterRegistry meters, @Push Scheduler scheduler) {
                return new PushListener(WebSocketConfig.builder().port(0).build(), service, health, address, meters,
                        scheduler, () -> pool);
            }
        };
    }
}
