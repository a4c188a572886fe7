package dev.simplepush.transport.websocket.internal;

import dev.simplepush.transport.websocket.TestDevice;
import dev.simplepush.transport.websocket.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listener's pooled buffers over real sockets: taken only while bytes are read or written. */
class PooledBuffersIT {

    @Test
    void idleSocketsHoldNoPooledBuffer() {
        try (TestServer own = TestServer.start()) {
            PushListener transport = (PushListener) own.transport;
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
                TestServer.await(() -> transport.buffersInUse() == 0, "no pooled buffer in use by idle sockets");
            } finally {
                devices.forEach(TestDevice::close);
            }
        }
    }
}
