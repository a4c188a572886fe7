package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of an app server's Web Push message (W6.7).
 *
 * @param outcome {@link NotifyOutcome#DELIVERED}, {@link NotifyOutcome#STORED} or {@link NotifyOutcome#DISCARDED}
 *     when accepted, otherwise why not
 * @param messageId the accepted message's id, for its {@code Location}; present exactly when accepted
 */
public record PostResult(NotifyOutcome outcome, Optional<MessageId> messageId) {

    /** Validates that no component is null and that an id comes exactly with an accepted outcome. */
    public PostResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(messageId, "messageId");
        if (outcome.accepted() != messageId.isPresent()) {
            throw new IllegalArgumentException("a message id comes exactly with an accepted message: " + outcome);
        }
    }

    static PostResult refused(NotifyOutcome outcome) {
        return new PostResult(outcome, Optional.empty());
    }
}
