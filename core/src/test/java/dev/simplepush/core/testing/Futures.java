package dev.simplepush.core.testing;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for {@link CompletionStage}s in tests, with a bound, so a hung adapter fails the test instead of hanging
 * the build.
 *
 * <p>An adapter's test uses it like this:
 *
 * <pre>{@code
 * Advance outcome = Futures.await(store.advance(registration, Version.of(5)));
 * }</pre>
 *
 * <p>Failures are rethrown unwrapped: an unchecked cause (for example a {@code StoreException}) as itself, so a
 * test can assert on the adapter's own exception type; a checked cause wrapped in a {@link CompletionException}.
 */
public final class Futures {

    /** How long {@link #await(CompletionStage)} waits: 5 s. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Futures() {
    }

    /**
     * The stage's value, waiting at most {@link #TIMEOUT}.
     *
     * @throws AssertionError if the stage does not complete in time, or the waiting thread is interrupted
     * @throws RuntimeException the stage's failure, unwrapped from {@link CompletionException} and
     *     {@link ExecutionException}
     */
    public static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("stage did not complete within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a stage", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new CompletionException(cause);
    }
}
