package dev.simplepush.transport.websocket;

import dev.simplepush.core.spi.PushTransport;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The Undertow listener serving the device WebSocket at {@code /} and the app-server endpoint
 * {@code PUT /update/{token}}, as bound by {@link WebSocketTransportModule}. Started and stopped by
 * {@link dev.simplepush.core.PushServer}; embedders read the actual address from it, for example when the
 * configured port is 0.
 *
 * <p>Thread-safe. {@link #drain(java.time.Duration)} refuses new devices with 503 and closes the connected ones with
 * 1001 in random waves over the first three quarters of the drain time, while endpoints are still served.
 * {@link #stop()} sends every device socket left a close frame with code 1001, answers new HTTP requests 503, waits
 * up to {@link WebSocketConfig#shutdownGrace()} for the devices to answer and the requests in flight to be answered,
 * drops the devices left, then closes the listener; its stage completes once the listener's threads have ended. It blocks no thread, is idempotent, and a stopped transport
 * cannot start again.
 */
public interface WebSocketTransport extends PushTransport {

    /**
     * The address the listener is bound to, with the actual port.
     *
     * @throws IllegalStateException before {@link #start()} completed
     */
    InetSocketAddress localAddress();

    /**
     * The base of endpoint URLs: the configured public URL, else {@code http://<host>:<actual port>}; without a
     * trailing slash.
     *
     * @throws IllegalStateException before {@link #start()} completed
     */
    URI baseUrl();
}
