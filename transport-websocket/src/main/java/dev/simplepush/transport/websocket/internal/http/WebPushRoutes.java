package dev.simplepush.transport.websocket.internal.http;

import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.NotifyOutcome;
import dev.simplepush.core.PostResult;
import dev.simplepush.core.PushService;
import dev.simplepush.core.Subscription;
import dev.simplepush.core.Version;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.transport.websocket.internal.json.HttpBodies;
import dev.simplepush.transport.websocket.internal.webpush.PushHeaders;
import dev.simplepush.transport.websocket.internal.webpush.VapidVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app-server API of the Web Push dialect (W6, W7): {@code POST}/{@code PUT} to {@code /wpush/v1/<token>} (open
 * subscriptions) and {@code /wpush/v2/<token>} (restricted ones), {@code DELETE /m/<id>}.
 *
 * <p>A request is judged in the profile's order (W6.9): token (404), subscription gone (410), VAPID (401/403),
 * size (413), headers (400), storage (503, 429). Whether the subscription is gone needs the store; a request that
 * passes every other check learns it from the store's own answer, and one refused for another reason asks the
 * store first, so both answer 410 for a gone subscription and the common path reads the store once.
 *
 * <p>Runs on I/O threads and never blocks; answers are written on the exchange's I/O thread.
 */
final class WebPushRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WebPushRoutes.class);

    /** W6.4: the largest body accepted, RFC 8030's minimum. */
    static final int MAX_BODY_BYTES = 4096;

    private static final HttpString TTL = new HttpString("TTL");
    private static final HttpString TOPIC = new HttpString("Topic");
    private static final HttpString URGENCY = new HttpString("Urgency");
    private static final HttpString ENCRYPTION = new HttpString("Encryption");
    private static final HttpString CRYPTO_KEY = new HttpString("Crypto-Key");
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final String ENDPOINT_METHODS = "POST, PUT, OPTIONS";
    private static final String MESSAGE_METHODS = "DELETE, OPTIONS";
    private static final String REQUEST_HEADERS =
            "Authorization, Content-Type, Content-Encoding, Crypto-Key, Encryption, TTL, Topic, Urgency";

    private final PushService service;
    private final WebPushUrls urls;
    private final String allowedOrigin;
    private final Clock clock;
    private final EndpointMeters meters;

    WebPushRoutes(PushService service, WebPushUrls urls, String allowedOrigin, Clock clock, MeterRegistry meters) {
        this.service = service;
        this.urls = urls;
        this.allowedOrigin = allowedOrigin;
        this.clock = clock;
        this.meters = EndpointMeters.webPush(meters);
    }

    /** {@code /wpush/v1/<token>} ({@code restricted} false) or {@code /wpush/v2/<token>}. */
    void endpoint(HttpServerExchange exchange, String token, boolean restricted) {
        exchange.getResponseHeaders().put(ALLOW_ORIGIN, allowedOrigin);
        HttpString method = exchange.getRequestMethod();
        if (method.equals(Methods.OPTIONS)) {
            preflight(exchange, ENDPOINT_METHODS);
            return;
        }
        if (!method.equals(Methods.POST) && !method.equals(Methods.PUT)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, ENDPOINT_METHODS);
            answer(exchange, HttpError.METHOD_NOT_ALLOWED, null);
            return;
        }
        Optional<Subscription> subscription = EndpointToken.parse(token)
                .flatMap(parsed -> service.subscription(parsed, restricted));
        if (subscription.isEmpty()) {
            Bodies.answerUnread(exchange, ex -> answer(ex, HttpError.NO_SUCH_ENDPOINT, null));
            return;
        }
        Bodies.read(exchange, MAX_BODY_BYTES,
                (ex, body) -> judge(ex, subscription.get(), body, false),
                ex -> judge(ex, subscription.get(), new byte[0], true));
    }

    /** {@code DELETE /m/<id>} (W6.8). */
    void message(HttpServerExchange exchange, String id) {
        exchange.getResponseHeaders().put(ALLOW_ORIGIN, allowedOrigin);
        HttpString method = exchange.getRequestMethod();
        if (method.equals(Methods.OPTIONS)) {
            preflight(exchange, MESSAGE_METHODS);
            return;
        }
        if (!method.equals(Methods.DELETE)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, MESSAGE_METHODS);
            answer(exchange, HttpError.METHOD_NOT_ALLOWED, null);
            return;
        }
        Optional<MessageId> parsed = MessageId.parse(id);
        if (parsed.isEmpty()) {
            answer(exchange, HttpError.NO_SUCH_MESSAGE, null);
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> service.cancel(parsed.get()).whenComplete((known, failure) -> onIoThread(exchange,
                () -> {
                    if (failure != null) {
                        LOG.warn("deleting a message failed: {}", failure.toString());
                        unavailable(exchange);
                    } else if (!known) {
                        answer(exchange, HttpError.NO_SUCH_MESSAGE, null);
                    } else {
                        meters.deleted(exchange);
                        exchange.setStatusCode(204);
                        exchange.endExchange();
                    }
                })));
    }

    private void preflight(HttpServerExchange exchange, String methods) {
        exchange.getResponseHeaders()
                .put(ALLOW_METHODS, methods)
                .put(ALLOW_HEADERS, REQUEST_HEADERS)
                .put(MAX_AGE, HttpRoutes.PREFLIGHT_MAX_AGE_SECONDS);
        exchange.setStatusCode(204);
        exchange.endExchange();
    }

    private void judge(HttpServerExchange exchange, Subscription subscription, byte[] body, boolean tooLarge) {
        HeaderMap headers = exchange.getRequestHeaders();
        Optional<Optional<String>> simplePushVersion = tooLarge ? Optional.empty() : simplePushForm(exchange, body);
        // W7: VAPID, before anything else is read into a message.
        VapidVerifier.Result vapid = VapidVerifier.verify(headers.getFirst(Headers.AUTHORIZATION),
                headers.getFirst(CRYPTO_KEY), urls.origin(), clock.instant());
        Refusal refusal = vapidRefusal(subscription, vapid);
        if (refusal == null && tooLarge) {
            refusal = new Refusal(HttpError.TOO_LARGE, null);
        }
        if (refusal != null) {
            refuse(exchange, subscription, refusal);
            return;
        }
        if (simplePushVersion.isPresent()) {
            simplePush(exchange, subscription, simplePushVersion.get(), headers.getFirst(TTL));
            return;
        }
        PushHeaders.Result judged = PushHeaders.parse(headers.getFirst(TTL), headers.getFirst(TOPIC),
                headers.getFirst(URGENCY), headers.getFirst(Headers.CONTENT_ENCODING), headers.getFirst(ENCRYPTION),
                headers.getFirst(CRYPTO_KEY), body.length);
        if (judged instanceof PushHeaders.Refused refused) {
            refuse(exchange, subscription, new Refusal(headerError(refused.errno()), refused.message()));
            return;
        }
        PushHeaders.Accepted accepted = (PushHeaders.Accepted) judged;
        Optional<WebPushMessage.Payload> payload = accepted.encoding().map(encoding -> WebPushMessage.Payload.ofBody(
                body, encoding.name(), encoding.encryption(), encoding.cryptoKey()));
        int ttl = accepted.ttlSeconds();
        post(exchange, service.post(subscription, ttl, accepted.topic(), payload), result -> {
            if (!result.outcome().accepted()) {
                refused(exchange, result.outcome());
                return;
            }
            // W6.7: 201 whether delivered or stored, with where the message is and the TTL applied.
            meters.created(exchange, result.outcome());
            exchange.setStatusCode(201);
            exchange.getResponseHeaders()
                    .put(Headers.LOCATION, urls.messageLocation(result.messageId().orElseThrow()))
                    .put(TTL, Integer.toString(ttl))
                    .put(EXPOSE_HEADERS, "Location, TTL");
            exchange.endExchange();
        });
    }

    /**
     * W6.10: a {@code PUT} with the SimplePush form ({@code version=N}, no {@code Content-Encoding}) makes a message
     * without data, answered as P4.3. Empty if the request is not that form; otherwise the version text.
     */
    private static Optional<Optional<String>> simplePushForm(HttpServerExchange exchange, byte[] body) {
        if (!exchange.getRequestMethod().equals(Methods.PUT)
                || exchange.getRequestHeaders().contains(Headers.CONTENT_ENCODING)) {
            return Optional.empty();
        }
        String form = body.length > 0 ? new String(body, StandardCharsets.UTF_8) : exchange.getQueryString();
        if (form.isEmpty()) {
            return Optional.empty();
        }
        try {
            FormFields fields = FormFields.parse(form);
            return fields.version().isPresent() ? Optional.of(fields.version()) : Optional.empty();
        } catch (IllegalArgumentException notAForm) {
            return Optional.empty();
        }
    }

    private void simplePush(HttpServerExchange exchange, Subscription subscription, Optional<String> version,
            @Nullable String ttlHeader) {
        // P4.2: the version must be well-formed, though the device never sees it (the message id stands for it).
        if (version.isPresent() && !version.get().isEmpty() && Version.parse(version.get()).isEmpty()) {
            refuse(exchange, subscription, new Refusal(HttpError.BAD_VERSION, null));
            return;
        }
        long ttl = WebPushMessage.MAX_TTL_SECONDS;
        if (ttlHeader != null) {
            PushHeaders.Result judged = PushHeaders.parse(ttlHeader, null, null, null, null, null, 0);
            if (judged instanceof PushHeaders.Refused refused) {
                refuse(exchange, subscription, new Refusal(headerError(refused.errno()), refused.message()));
                return;
            }
            ttl = ((PushHeaders.Accepted) judged).ttlSeconds();
        }
        post(exchange, service.post(subscription, ttl, Optional.empty(), Optional.empty()), result -> {
            if (!result.outcome().accepted()) {
                refused(exchange, result.outcome());
                return;
            }
            meters.accepted(exchange, result.outcome());
            HttpRoutes.respond(exchange, HttpError.status(result.outcome()), HttpBodies.emptyObject());
        });
    }

    /** W7.3, W7.4. Null when the request may go on. */
    private static @Nullable Refusal vapidRefusal(Subscription subscription, VapidVerifier.Result vapid) {
        if (vapid instanceof VapidVerifier.Invalid invalid) {
            return new Refusal(HttpError.VAPID_INVALID, invalid.reason());
        }
        if (!subscription.restricted()) {
            return null;
        }
        if (vapid instanceof VapidVerifier.Valid valid) {
            return subscription.keyHash().get().equals(valid.key().hash())
                    ? null
                    : new Refusal(HttpError.VAPID_KEY_MISMATCH, null);
        }
        return new Refusal(HttpError.VAPID_REQUIRED, null);
    }

    private static HttpError headerError(int errno) {
        return switch (errno) {
            case PushHeaders.ERRNO_MISSING_TTL -> HttpError.TTL_MISSING;
            case PushHeaders.ERRNO_BAD_TTL -> HttpError.TTL_INVALID;
            case PushHeaders.ERRNO_BAD_TOPIC -> HttpError.TOPIC_INVALID;
            default -> HttpError.BAD_ENCODING;
        };
    }

    /** A refusal for anything but storage: 410 first if the subscription is gone (W6.9). */
    private void refuse(HttpServerExchange exchange, Subscription subscription, Refusal refusal) {
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> service.subscribed(subscription).whenComplete((subscribed, failure) ->
                onIoThread(exchange, () -> {
                    if (failure == null && !subscribed) {
                        answer(exchange, HttpError.SUBSCRIPTION_GONE, null);
                    } else {
                        answer(exchange, refusal.error(), refusal.message());
                    }
                })));
    }

    private void refused(HttpServerExchange exchange, NotifyOutcome outcome) {
        switch (outcome) {
            case GONE -> answer(exchange, HttpError.SUBSCRIPTION_GONE, null);
            case QUEUE_FULL -> {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, HttpRoutes.RETRY_AFTER_SECONDS);
                answer(exchange, HttpError.QUEUE_FULL, null);
            }
            default -> unavailable(exchange);
        }
    }

    private void unavailable(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, HttpRoutes.RETRY_AFTER_SECONDS);
        answer(exchange, HttpError.UNAVAILABLE, null);
    }

    private void post(HttpServerExchange exchange, CompletionStage<PostResult> posted,
            Consumer<PostResult> answer) {
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> posted.whenComplete((result, failure) -> onIoThread(exchange, () -> {
            if (failure != null) {
                LOG.error("posting a message failed unexpectedly", failure);
                unavailable(exchange);
                return;
            }
            try {
                answer.accept(result);
            } catch (RuntimeException bug) {
                LOG.error("answering a Web Push request failed", bug);
                exchange.endExchange();
            }
        })));
    }

    private void answer(HttpServerExchange exchange, HttpError error, @Nullable String message) {
        meters.refused(exchange, error);
        HttpRoutes.error(exchange, error, message == null ? error.message() : message);
    }

    /** Runs {@code task} on the exchange's I/O thread: now if this is it. */
    static void onIoThread(HttpServerExchange exchange, Runnable task) {
        if (exchange.isInIoThread()) {
            task.run();
        } else {
            exchange.getIoThread().execute(task);
        }
    }

    /** Why a request is refused, with the text to give if not the error's own. */
    private record Refusal(HttpError error, @Nullable String message) {
    }
}
