package dev.simplepush.transport.websocket.internal.http;

import dev.simplepush.core.MessageId;

/** Where the listener is reachable, as the Web Push endpoints it issued say (W6.7, W7.2). */
public interface WebPushUrls {

    /** The origin, {@code scheme://host[:port]}, of the endpoints this listener issues: VAPID's {@code aud}. */
    String origin();

    /** The absolute URL of an accepted message, {@code <base>/m/<id>} (W6.7), as the text of a header. */
    String messageLocation(MessageId id);
}
