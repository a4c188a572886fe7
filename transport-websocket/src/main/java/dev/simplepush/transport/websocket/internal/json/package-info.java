/**
 * The JSON of the transport, over Jackson's streaming API:
 * {@link dev.simplepush.transport.websocket.internal.json.ProtocolCodec} for the WebSocket messages (P1–P6) and
 * {@link dev.simplepush.transport.websocket.internal.json.HttpBodies} for the HTTP bodies (P4.3). No Undertow or XNIO.
 * Not API.
 */
@NullMarked
package dev.simplepush.transport.websocket.internal.json;

import org.jspecify.annotations.NullMarked;
