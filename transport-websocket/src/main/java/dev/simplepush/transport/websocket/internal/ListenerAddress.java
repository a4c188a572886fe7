package dev.simplepush.transport.websocket.internal;

import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.spi.EndpointUrls;
import dev.simplepush.transport.websocket.internal.http.HttpRoutes;
import dev.simplepush.transport.websocket.internal.http.WebPushUrls;
import java.net.InetSocketAddress;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Where the listener is reachable, known once it is bound; the {@link EndpointUrls} of the core. Kept apart from
 * the transport so the core can depend on it while the transport depends on the core.
 *
 * <p>Thread-safe: written once at start, read by sessions on any thread.
 */
public final class ListenerAddress implements EndpointUrls, WebPushUrls {

    private volatile @Nullable Bound bound;

    /** An address not yet bound. */
    public ListenerAddress() {
    }

    private record Bound(InetSocketAddress local, URI base, String endpointPrefix, String baseText) {
    }

    void bind(InetSocketAddress local, URI base) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        bound = new Bound(local, URI.create(text), text + HttpRoutes.UPDATE_PREFIX, text);
    }

    InetSocketAddress local() {
        return bound().local();
    }

    URI base() {
        return bound().base();
    }

    @Override
    public URI endpointFor(EndpointToken token) {
        return URI.create(bound().endpointPrefix() + token.value());
    }

    /** W4.1: {@code <base>/wpush/v1/<token>} for an open subscription, {@code <base>/wpush/v2/<token>} otherwise. */
    @Override
    public URI webPushEndpointFor(EndpointToken token, boolean restricted) {
        String prefix = restricted ? HttpRoutes.WEBPUSH_RESTRICTED_PREFIX : HttpRoutes.WEBPUSH_OPEN_PREFIX;
        return URI.create(bound().baseText() + prefix + token.value());
    }

    @Override
    public String origin() {
        URI base = bound().base();
        return base.getScheme() + "://" + base.getRawAuthority();
    }

    @Override
    public String messageLocation(MessageId id) {
        return bound().baseText() + HttpRoutes.MESSAGE_PREFIX + id.value();
    }

    private Bound bound() {
        Bound current = bound;
        if (current == null) {
            throw new IllegalStateException("the WebSocket transport has not started");
        }
        return current;
    }
}
