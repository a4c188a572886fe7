/**
 * The ports of the core: what a store, a router, a transport and a wake-up adapter implement. Each port has an
 * abstract contract suite in core's test-jar that every adapter runs.
 *
 * <p>I/O-bound methods return {@link java.util.concurrent.CompletionStage}: argument errors throw at once, I/O
 * failures complete the stage exceptionally with {@link dev.simplepush.core.StoreException}. Stages may
 * complete on the adapter's threads; callers must not block in their continuations.
 */
@NullMarked
package dev.simplepush.core.spi;

import org.jspecify.annotations.NullMarked;
