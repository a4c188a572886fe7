package dev.simplepush.transport.websocket;

import dev.simplepush.core.spi.PushTransport;
import java.net.InetSocketAddress;

/**
 * The admin listener ({@link AdminModule}): metrics, health and the admin API on a port of its own. Started and
 * stopped by {@code PushServer} with the other transports.
 */
public interface AdminTransport extends PushTransport {

    /**
     * The address the admin listener is bound to, with the actual port.
     *
     * @throws IllegalStateException before {@link #start()} completed
     */
    InetSocketAddress localAddress();
}
