/**
 * The browser files served from the classpath, {@code /simplepush.js} and the demo page {@code /demo/}, with their
 * cache headers ({@link dev.simplepush.transport.websocket.internal.assets.WebAssets}); the files themselves are
 * resources of this package, under {@code web/}. Not API.
 */
@NullMarked
package dev.simplepush.transport.websocket.internal.assets;

import org.jspecify.annotations.NullMarked;
