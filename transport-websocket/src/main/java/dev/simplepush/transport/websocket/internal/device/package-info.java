/**
 * The device side of the listener: the opening handshake (RFC 6455 §4,
 * {@link dev.simplepush.transport.websocket.internal.device.Handshake}), answered on a connection's first request
 * before Undertow sees it or, for a later request on a keep-alive connection, in Undertow's route for {@code /};
 * and the device sockets that follow, each reading and writing its frames itself and feeding its session
 * ({@link dev.simplepush.transport.websocket.internal.device.DeviceSockets}). Not API.
 */
@NullMarked
package dev.simplepush.transport.websocket.internal.device;

import org.jspecify.annotations.NullMarked;
