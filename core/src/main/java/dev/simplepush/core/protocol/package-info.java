/**
 * The SimplePush WebSocket protocol as values: what a device sends ({@link dev.simplepush.core.protocol.ClientMessage}),
 * what the server sends ({@link dev.simplepush.core.protocol.ServerMessage}), close codes, and the connection a
 * transport hands to a session ({@link dev.simplepush.core.protocol.DeviceConnection}). The JSON codec that maps
 * frames to these lives in the transport.
 */
@NullMarked
package dev.simplepush.core.protocol;

import org.jspecify.annotations.NullMarked;
