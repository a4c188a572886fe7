/**
 * RFC 6455 framing, both ways: {@link dev.simplepush.transport.websocket.internal.frame.FrameReader} reads a
 * client's masked frames incrementally, {@link dev.simplepush.transport.websocket.internal.frame.FrameWriter}
 * encodes the server's frames. Plain Java over byte arrays and buffers: no Undertow, XNIO or Jackson, so it can be
 * tested and benchmarked alone. Not API.
 */
@NullMarked
package dev.simplepush.transport.websocket.internal.frame;

import org.jspecify.annotations.NullMarked;
