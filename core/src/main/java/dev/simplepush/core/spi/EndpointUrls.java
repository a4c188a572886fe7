package dev.simplepush.core.spi;

import dev.simplepush.core.EndpointToken;
import java.net.URI;

/**
 * Turns an endpoint token into the absolute URL an app server PUTs to (P3.1). Bound by the transport that
 * serves the endpoints, since only it knows its public address. Thread-safe; valid once the transport started.
 */
public interface EndpointUrls {

    /** The absolute endpoint URL for {@code token}, ending in the token. */
    URI endpointFor(EndpointToken token);
}
