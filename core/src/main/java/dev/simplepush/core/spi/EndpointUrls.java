package dev.simplepush.core.spi;

import dev.simplepush.core.EndpointToken;
import java.net.URI;

/**
 * Turns an endpoint token into the absolute URL an app server sends to (P3.1, W4.1). Bound by the transport that
 * serves the endpoints, since only it knows its public address. Thread-safe; valid once the transport started.
 */
public interface EndpointUrls {

    /** The absolute SimplePush endpoint URL for {@code token}, ending in the token (P3.1). */
    URI endpointFor(EndpointToken token);

    /**
     * The absolute Web Push endpoint URL for {@code token} (W4.1): one for open subscriptions, another for
     * restricted ones, each ending in the token. The default serves none: a transport that accepts Web Push
     * messages overrides it.
     *
     * @throws UnsupportedOperationException if the transport serves no Web Push endpoints
     */
    default URI webPushEndpointFor(EndpointToken token, boolean restricted) {
        throw new UnsupportedOperationException(getClass().getName() + " serves no Web Push endpoints");
    }
}
