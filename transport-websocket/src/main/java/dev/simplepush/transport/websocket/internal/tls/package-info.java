/**
 * TLS on the listener: {@link dev.simplepush.transport.websocket.internal.tls.PemContexts} makes an
 * {@code SSLContext} of PEM files (with Bouncy Castle's PEM reader), and
 * {@link dev.simplepush.transport.websocket.internal.tls.TlsContexts} holds the context of new connections, swaps it
 * when the certificate changes, and wraps each accepted connection in Undertow's TLS connection, whose buffers are
 * pooled and taken only while bytes move.
 */
@NullMarked
package dev.simplepush.transport.websocket.internal.tls;

import org.jspecify.annotations.NullMarked;
