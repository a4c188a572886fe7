package dev.simplepush.transport.websocket.internal.http;

import dev.simplepush.core.NotifyOutcome;
import dev.simplepush.core.PushTimers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpServerExchange;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one dialect's endpoints: {@code simplepush.endpoint.requests} counted by {@code dialect},
 * {@code outcome} (a fixed word: {@link HttpError#outcome()} for a refusal, the accepted {@link NotifyOutcome},
 * {@code deleted}) and {@code status}, and {@code simplepush.endpoint.duration} by {@code dialect}, from the request's
 * start (its head read, {@code UndertowOptions.RECORD_REQUEST_START_TIME}) to its answer. Every meter is made here,
 * up front; nothing is looked up per request, and no tag carries anything of the request. Thread-safe.
 */
final class EndpointMeters {

    static final String REQUESTS = "simplepush.endpoint.requests";
    static final String DURATION = "simplepush.endpoint.duration";

    private final Counter[] refused = new Counter[HttpError.values().length];
    private final Counter[] accepted = new Counter[NotifyOutcome.values().length];
    private final Counter @Nullable [] created;
    private final @Nullable Counter deleted;
    private final Timer duration;

    private EndpointMeters(MeterRegistry meters, String dialect, boolean webPush) {
        for (HttpError error : HttpError.values()) {
            refused[error.ordinal()] = counter(meters, dialect, error.outcome(), error.status());
        }
        created = webPush ? new Counter[NotifyOutcome.values().length] : null;
        for (NotifyOutcome outcome : NotifyOutcome.values()) {
            if (outcome.accepted()) {
                String name = outcome.name().toLowerCase(Locale.ROOT);
                accepted[outcome.ordinal()] = counter(meters, dialect, name, HttpError.status(outcome));
                if (created != null) {
                    created[outcome.ordinal()] = counter(meters, dialect, name, 201);
                }
            }
        }
        deleted = webPush ? counter(meters, dialect, "deleted", 204) : null;
        duration = PushTimers.builder(DURATION, "app server requests to the endpoints, from the request's start to "
                + "its answer").tag("dialect", dialect).register(meters);
    }

    /** The meters of {@code /update/<token>}, tagged {@code dialect=simplepush}. */
    static EndpointMeters simplePush(MeterRegistry meters) {
        return new EndpointMeters(meters, "simplepush", false);
    }

    /** The meters of {@code /wpush/...} and {@code /m/<id>}, tagged {@code dialect=webpush}. */
    static EndpointMeters webPush(MeterRegistry meters) {
        return new EndpointMeters(meters, "webpush", true);
    }

    private static Counter counter(MeterRegistry meters, String dialect, String outcome, int status) {
        return Counter.builder(REQUESTS).tag("dialect", dialect).tag("outcome", outcome)
                .tag("status", Integer.toString(status))
                .description("app server requests to the endpoints by dialect, outcome and status").register(meters);
    }

    /** A request answered with {@code error}. */
    void refused(HttpServerExchange exchange, HttpError error) {
        answered(exchange, refused[error.ordinal()]);
    }

    /** A request accepted with {@code outcome}, answered with its SimplePush status (P4.3, W6.10). */
    void accepted(HttpServerExchange exchange, NotifyOutcome outcome) {
        answered(exchange, counterOf(accepted, outcome));
    }

    /** A Web Push message accepted with {@code outcome}, answered 201 (W6.7). */
    void created(HttpServerExchange exchange, NotifyOutcome outcome) {
        if (created == null) {
            throw new IllegalStateException("no 201 on this dialect");
        }
        answered(exchange, counterOf(created, outcome));
    }

    /** A message deleted, answered 204 (W6.8). */
    void deleted(HttpServerExchange exchange) {
        if (deleted == null) {
            throw new IllegalStateException("no deletion on this dialect");
        }
        answered(exchange, deleted);
    }

    private static Counter counterOf(Counter[] counters, NotifyOutcome outcome) {
        Counter counter = counters[outcome.ordinal()];
        if (counter == null) {
            throw new IllegalArgumentException(outcome + " is not accepted");
        }
        return counter;
    }

    private void answered(HttpServerExchange exchange, Counter counter) {
        counter.increment();
        long start = exchange.getRequestStartTime();
        if (start != -1) {
            duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
