/**
 * The HTTP side of the Web Push dialect, as pure functions of header values, without Undertow or XNIO:
 * {@link dev.simplepush.transport.websocket.internal.webpush.VapidKey} (a subscription's application server key,
 * W3.2, W4.2), {@link dev.simplepush.transport.websocket.internal.webpush.VapidVerifier} (the {@code Authorization}
 * header, W7) and {@link dev.simplepush.transport.websocket.internal.webpush.PushHeaders} (a push message's
 * {@code TTL}, {@code Topic}, {@code Urgency} and encryption headers, W6.2–W6.6). Not API.
 */
@NullMarked
package dev.simplepush.transport.websocket.internal.webpush;

import org.jspecify.annotations.NullMarked;
