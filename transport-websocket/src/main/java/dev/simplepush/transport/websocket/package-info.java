/**
 * The Undertow transport of a SimplePush server: install {@link dev.simplepush.transport.websocket.WebSocketTransportModule}
 * with a {@link dev.simplepush.transport.websocket.WebSocketConfig}; read the bound address from
 * {@link dev.simplepush.transport.websocket.WebSocketTransport}.
 *
 * <p>One listener serves:
 * <ul>
 *   <li>{@code /}: the device WebSocket (P1), text frames of one JSON object each, sub-protocol
 *       {@code push-notification} echoed when offered. A binary frame closes the socket with 1003, a frame that is
 *       not one JSON object with 1007, an unknown or non-string {@code messageType} with 1008, a message over
 *       {@code maxFrameBytes} with 1009, a breach of RFC 6455 framing with 1002. Server shutdown closes every
 *       socket with 1001. A plain HTTP request to {@code /} is answered 426, and so is an upgrade to a WebSocket
 *       version other than 13 (drafts 7 and 8 included), with {@code Sec-WebSocket-Version: 13} (RFC 6455 §4.4).
 *       An upgrade is answered before Undertow sees the connection when it is the connection's first request, and
 *       by Undertow's route for {@code /} when it follows other requests on a keep-alive connection (as proxies
 *       send it), with the same check and answer; the frames are read and written by the transport's own RFC 6455
 *       layer, not Undertow's WebSocket channel.</li>
 *   <li>{@code PUT /update/{token}}: the app-server endpoint (P4). Fields {@code version} and {@code data}, form
 *       encoded in the body (with or without a form Content-Type), or in the query string when the body is empty.
 *       Answers 200/202 with {@code {}}, else
 *       {@code {"code":<status>,"errno":<n>,"error":"<reason>","message":"<text>"}}; every answer carries
 *       {@code Access-Control-Allow-Origin}. {@code OPTIONS} answers the CORS preflight (204); other methods 405
 *       with {@code Allow: PUT, OPTIONS}.</li>
 *   <li>{@code GET /health}: what the core's readiness ({@code PushHealth.ready()}) says, each component's status
 *       without details: 200 {@code {"status":"UP","components":{"server":{"status":"UP"},"store":{...}}}}, or 503
 *       with the same shape and {@code "DOWN"} (starting, stopping, draining, or a component down).</li>
 *   <li>{@code GET /simplepush.js}: the Simple Push API for browsers ({@code navigator.push},
 *       {@code navigator.mozSetMessageHandler}), talking to the server it was loaded from;
 *       {@code Cache-Control: public, max-age=3600} and an ETag. {@code GET /demo/}: a page that uses it, and plays
 *       the app server too. Both from classpath resources; other methods 405.</li>
 * </ul>
 *
 * <p>Request heads are limited to 16 KiB (400); a connection that sends no request, or stalls in one, for
 * {@code httpIdleTimeout} is closed.
 *
 * <p>Every error answer carries a stable error number ({@code errno}); the table of statuses and numbers is
 * {@code internal.http.HttpError}, and the README's endpoint section lists it.
 *
 * <p>{@link dev.simplepush.transport.websocket.AdminModule} adds a second, small listener for the operator
 * ({@code /metrics}, {@code /health/live}, {@code /health/ready}, the token-guarded {@code /admin/} API), configured
 * by {@link dev.simplepush.transport.websocket.AdminConfig}.
 *
 * <p>This package is the API; everything under {@code dev.simplepush.transport.websocket.internal} is the
 * implementation, public only where its packages need one another, and may change in any release.
 */
@NullMarked
package dev.simplepush.transport.websocket;

import org.jspecify.annotations.NullMarked;
