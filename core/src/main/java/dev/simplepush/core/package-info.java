/**
 * The SimplePush domain: identifiers and versions, the use cases ({@link dev.simplepush.core.PushService}),
 * endpoint tokens, configuration and the Guice core module.
 *
 * <p>Nothing here performs I/O itself: stores and transports are reached through the ports in
 * {@link dev.simplepush.core.spi}.
 */
@NullMarked
package dev.simplepush.core;

import org.jspecify.annotations.NullMarked;
