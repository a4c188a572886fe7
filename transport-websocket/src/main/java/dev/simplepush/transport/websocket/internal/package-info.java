/**
 * The implementation of the WebSocket transport, not API: its classes are public only where another package of this
 * artifact needs them, and change without notice.
 *
 * <p>Here the listener assembly: {@link dev.simplepush.transport.websocket.internal.PushListener}, the
 * {@code WebSocketTransport} that {@code WebSocketTransportModule} binds, and
 * {@link dev.simplepush.transport.websocket.internal.ListenerAddress}, the core's {@code EndpointUrls}. Each concern
 * has a package below: {@code frame} (RFC 6455 framing), {@code json} (the protocol's JSON), {@code http}
 * (Undertow's routes), {@code assets} (the browser files) and {@code device} (the handshake and the device sockets).
 */
@NullMarked
package dev.simplepush.transport.websocket.internal;

import org.jspecify.annotations.NullMarked;
