package dev.simplepush.core;

import dev.simplepush.core.spi.DeviceStore;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * P2.4: which UAID a hello gets. A well-formed, known UAID whose listed channels the store has is resumed; an
 * unknown or mismatched one is reset (its data dropped, so its endpoints answer 410) and a new UAID minted; no
 * UAID, or a malformed one, gets a new UAID. A store that is full ({@link DeviceStore.Create#FULL}) leaves the hello
 * with no UAID at all.
 */
final class UaidResolver {

    /** Stands for a list with an entry that is not a UUID, which no stored channel can match. */
    private static final Set<ChannelId> INVALID = Set.of();

    private UaidResolver() {
    }

    /** The hello's UAID; empty if a new one was needed and the store holds as many devices as it may. */
    static CompletionStage<Optional<Uaid>> resolve(DeviceStore store, Optional<Uaid> sent,
            Optional<List<String>> channelIds) {
        if (sent.isEmpty()) {
            return fresh(store, Optional.empty());
        }
        Uaid known = sent.get();
        Optional<Set<ChannelId>> listed = parseListed(channelIds);
        if (listed.isPresent() && listed.get() == INVALID) {
            return fresh(store, Optional.of(known));
        }
        return store.resume(known, listed).thenCompose(resume -> switch (resume) {
            case RESUMED -> CompletableFuture.completedFuture(Optional.of(known));
            case MISMATCH -> fresh(store, Optional.of(known));
            case UNKNOWN -> fresh(store, Optional.empty());
        });
    }

    /** The listed channels; {@link #INVALID} if one entry is not a UUID. */
    private static Optional<Set<ChannelId>> parseListed(Optional<List<String>> texts) {
        if (texts.isEmpty()) {
            return Optional.empty();
        }
        Set<ChannelId> listed = new LinkedHashSet<>();
        for (String text : texts.get()) {
            Optional<ChannelId> id = ChannelId.parse(text);
            if (id.isEmpty()) {
                return Optional.of(INVALID);
            }
            listed.add(id.get());
        }
        return Optional.of(listed);
    }

    /** Mints a new UAID, empty if the store is full; the old one's data, if any, is dropped first. */
    private static CompletionStage<Optional<Uaid>> fresh(DeviceStore store, Optional<Uaid> dropped) {
        Uaid minted = Uaid.random();
        CompletionStage<Void> before = dropped.isPresent() ? store.drop(dropped.get()) : Session.DONE;
        return before.thenCompose(v -> store.create(minted))
                .thenApply(created -> created == DeviceStore.Create.CREATED ? Optional.of(minted) : Optional.empty());
    }
}
