package dev.simplepush.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * P5.5: the highest version this connection sent per channel, so no connection ever sees a channel's version go
 * down or repeat (a live delivery and the flush after hello may race). Made with the first notification, bounded
 * by the channel limit. Not thread-safe: the session guards it.
 */
final class SentMemo {

    private final Map<ChannelId, Long> highest = new HashMap<>(4);

    /** The updates newer than what was sent for their channel, now counted as sent. */
    List<Update> fresh(List<Update> updates) {
        List<Update> fresh = new ArrayList<>(updates.size());
        for (Update update : updates) {
            Long already = highest.get(update.channelId());
            if (already != null && already >= update.version().value()) {
                continue;
            }
            highest.put(update.channelId(), update.version().value());
            fresh.add(update);
        }
        return fresh;
    }

    /** Forgets a channel that was unregistered: registered again, it starts from nothing (P3.3). */
    void forget(ChannelId channel) {
        highest.remove(channel);
    }
}
