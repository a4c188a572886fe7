package dev.simplepush.core.spi;

/**
 * A way in for devices or app servers (the WebSocket/HTTP transport, a UDP listener). Transports are collected
 * with a Guice multibinder and started after the store and router, and stopped before them.
 */
public interface PushTransport extends Lifecycle {
}
