package dev.simplepush.core;

import dev.simplepush.core.protocol.ClientMessage.BroadcastSubscribe;
import dev.simplepush.core.protocol.ServerMessage.Broadcast;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Broadcasts (W2, Megaphone). This server carries none, so it answers as W2.3 says: {@code "broadcasts":{}} in
 * the hello reply, and every id of a {@code broadcast_subscribe} under {@code errors}. Neither ever closes a socket.
 */
final class Broadcasts {

    /** The reason given for an id the server does not carry (W2.2). */
    static final String NOT_FOUND = "Broadcast not found";

    private Broadcasts() {
    }

    /** The {@code broadcasts} of a Web Push hello reply (W2.3). */
    static Map<String, String> helloReply() {
        return Map.of();
    }

    /** W2.2: unknown ids under {@code errors}; nothing is sent when the device named none. */
    static void subscribe(Session session, BroadcastSubscribe subscribe) {
        if (subscribe.broadcasts().isEmpty()) {
            return;
        }
        Map<String, String> errors = new LinkedHashMap<>();
        subscribe.broadcasts().keySet().forEach(id -> errors.put(id, NOT_FOUND));
        session.send(new Broadcast(Map.of(), errors));
    }
}
