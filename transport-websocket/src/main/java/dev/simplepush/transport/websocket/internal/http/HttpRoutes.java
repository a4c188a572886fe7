package dev.simplepush.transport.websocket.internal.http;

import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.NotifyOutcome;
import dev.simplepush.core.PushHealth;
import dev.simplepush.core.PushService;
import dev.simplepush.core.Subscription;
import dev.simplepush.transport.websocket.internal.assets.WebAssets;
import dev.simplepush.transport.websocket.internal.json.HttpBodies;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * The HTTP side of the listener: {@code /} (the device WebSocket, handed to {@code webSocket}),
 * {@code /update/{token}} (P4), the Web Push endpoints {@code /wpush/v1|v2/{token}} and messages {@code /m/{id}}
 * ({@link WebPushRoutes}, W6), {@code /health}, the browser files of {@link WebAssets} ({@code /simplepush.js},
 * {@code /demo/}), and a JSON 404 for anything else.
 *
 * <p>Runs on I/O threads and never blocks: the body is read with non-blocking callbacks, and the answer is written
 * on the exchange's I/O thread when the core's stage completes. No request makes a handler throw: failures are
 * answered with a JSON error body. Every request body must have arrived within the body deadline ({@link Bodies});
 * an endpoint's token is checked before its body is read.
 */
public final class HttpRoutes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);

    /** The path prefix of the endpoints, {@code /update/<token>} (P3.1). */
    public static final String UPDATE_PREFIX = "/update/";
    /** The path prefix of open Web Push subscriptions, {@code /wpush/v1/<token>} (W4.1). */
    public static final String WEBPUSH_OPEN_PREFIX = "/wpush/v1/";
    /** The path prefix of restricted Web Push subscriptions, {@code /wpush/v2/<token>} (W4.1). */
    public static final String WEBPUSH_RESTRICTED_PREFIX = "/wpush/v2/";
    /** The path prefix of accepted Web Push messages, {@code /m/<id>} (W6.7). */
    public static final String MESSAGE_PREFIX = "/m/";
    static final String HEALTH_PATH = "/health";
    static final String RETRY_AFTER_SECONDS = "10";
    static final String PREFLIGHT_MAX_AGE_SECONDS = "86400";

    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final String ENDPOINT_METHODS = "PUT, OPTIONS";

    private final PushService service;
    private final PushHealth health;
    private final WebPushRoutes webPush;
    private final HttpHandler webSocket;
    private final int maxBodyBytes;
    private final Bodies bodies;
    private final String allowedOrigin;
    private final WebAssets assets;
    private final EndpointMeters meters;

    /**
     * Routes to {@code service}, handing {@code /} to {@code webSocket}; endpoint bodies over {@code maxBodyBytes}
     * are answered 413, a request body not arrived {@code bodyDeadlineMillis} after its head closes the connection,
     * endpoint answers carry {@code allowedOrigin}; counts and times endpoint requests in {@code meters}
     * ({@link EndpointMeters}); {@code /health} answers what {@code health}'s readiness says.
     */
    public HttpRoutes(PushService service, PushHealth health, HttpHandler webSocket, int maxBodyBytes,
            long bodyDeadlineMillis, String allowedOrigin, WebAssets assets, MeterRegistry meters,
            WebPushUrls webPushUrls) {
        this.webPush = new WebPushRoutes(service, webPushUrls, allowedOrigin, Clock.systemUTC(), meters);
        this.assets = assets;
        this.meters = EndpointMeters.simplePush(meters);
        this.service = service;
        this.health = health;
        this.webSocket = webSocket;
        this.maxBodyBytes = maxBodyBytes;
        this.bodies = new Bodies(bodyDeadlineMillis);
        this.allowedOrigin = allowedOrigin;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        try {
            bodies.deadline(exchange);
            String path = exchange.getRelativePath();
            if (path.equals("/")) {
                webSocket.handleRequest(exchange);
            } else if (path.startsWith(UPDATE_PREFIX)) {
                endpoint(exchange, path.substring(UPDATE_PREFIX.length()));
            } else if (path.startsWith(WEBPUSH_OPEN_PREFIX)) {
                webPush.endpoint(exchange, path.substring(WEBPUSH_OPEN_PREFIX.length()), false);
            } else if (path.startsWith(WEBPUSH_RESTRICTED_PREFIX)) {
                webPush.endpoint(exchange, path.substring(WEBPUSH_RESTRICTED_PREFIX.length()), true);
            } else if (path.startsWith(MESSAGE_PREFIX)) {
                webPush.message(exchange, path.substring(MESSAGE_PREFIX.length()));
            } else if (path.equals(HEALTH_PATH)) {
                health(exchange);
            } else {
                Optional<WebAssets.Asset> asset = assets.find(path);
                if (asset.isPresent()) {
                    asset(exchange, asset.get());
                } else if (path.equals("/demo") && assets.find(WebAssets.DEMO_PATH).isPresent()) {
                    exchange.getResponseHeaders().put(Headers.LOCATION, WebAssets.DEMO_PATH);
                    exchange.setStatusCode(301);
                    exchange.endExchange();
                } else {
                    error(exchange, HttpError.NO_SUCH_RESOURCE);
                }
            }
        } catch (Exception bug) {
            // The path is not logged: an endpoint's path carries its token.
            LOG.error("request {} {} failed", exchange.getRequestMethod(), routeOf(exchange.getRequestPath()), bug);
            if (!exchange.isResponseStarted()) {
                error(exchange, HttpError.INTERNAL);
            } else {
                exchange.endExchange();
            }
        }
    }

    /** A request path as logs may show it: an endpoint's or a message's prefix without the token or id after it. */
    static String routeOf(String path) {
        for (String prefix : new String[] {UPDATE_PREFIX, WEBPUSH_OPEN_PREFIX, WEBPUSH_RESTRICTED_PREFIX,
                MESSAGE_PREFIX}) {
            if (path.startsWith(prefix)) {
                return prefix + "...";
            }
        }
        return path.length() > 64 ? path.substring(0, 64) + "..." : path;
    }

    /** Answers a request to {@code /} that is not a WebSocket upgrade: 426 with {@code Upgrade: websocket}. */
    public static void upgradeRequired(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.UPGRADE, "websocket");
        error(exchange, HttpError.UPGRADE_REQUIRED);
    }

    /** Answers a device WebSocket upgrade from a web page whose origin is not allowed: 403. */
    public static void originForbidden(HttpServerExchange exchange) {
        error(exchange, HttpError.ORIGIN_FORBIDDEN);
    }

    /** What readiness says, statuses only (no details: this port is public): 200 if up, else 503. */
    private void health(HttpServerExchange exchange) {
        HttpString method = exchange.getRequestMethod();
        if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            error(exchange, HttpError.METHOD_NOT_ALLOWED);
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> health.ready().whenComplete((report, failure) ->
                WebPushRoutes.onIoThread(exchange, () -> {
                    if (failure != null) {
                        LOG.error("readiness failed unexpectedly", failure);
                        error(exchange, HttpError.INTERNAL);
                    } else {
                        respond(exchange, report.isUp() ? 200 : 503, HttpBodies.health(report, false));
                    }
                })));
    }

    private static void asset(HttpServerExchange exchange, WebAssets.Asset asset) {
        HttpString method = exchange.getRequestMethod();
        if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            error(exchange, HttpError.METHOD_NOT_ALLOWED);
            return;
        }
        asset.serve(exchange);
    }

    private void endpoint(HttpServerExchange exchange, String token) {
        exchange.getResponseHeaders().put(ALLOW_ORIGIN, allowedOrigin);
        HttpString method = exchange.getRequestMethod();
        if (method.equals(Methods.OPTIONS)) {
            exchange.getResponseHeaders()
                    .put(ALLOW_METHODS, ENDPOINT_METHODS)
                    .put(ALLOW_HEADERS, "Content-Type")
                    .put(MAX_AGE, PREFLIGHT_MAX_AGE_SECONDS);
            exchange.setStatusCode(204);
            exchange.endExchange();
            return;
        }
        if (!method.equals(Methods.PUT)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, ENDPOINT_METHODS);
            refuse(exchange, HttpError.METHOD_NOT_ALLOWED);
            return;
        }
        // Before the body: an unknown token is answered at once, whatever (if anything) follows.
        Optional<Subscription> endpoint = EndpointToken.parse(token).flatMap(service::endpoint);
        if (endpoint.isEmpty()) {
            Bodies.answerUnread(exchange, ex -> outcome(ex, NotifyOutcome.NOT_FOUND));
            return;
        }
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType != null && !isForm(contentType)) {
            refuse(exchange, HttpError.UNSUPPORTED_MEDIA_TYPE);
            return;
        }
        Bodies.read(exchange, maxBodyBytes, (ex, body) -> notify(ex, endpoint.get(), body),
                ex -> refuse(ex, HttpError.TOO_LARGE));
    }

    private void notify(HttpServerExchange exchange, Subscription endpoint, byte[] body) {
        FormFields fields;
        try {
            // P4.1: the fields may come in the query string when the body is empty.
            String form = body.length > 0 ? new String(body, StandardCharsets.UTF_8) : exchange.getQueryString();
            fields = form.isEmpty() ? FormFields.NONE : FormFields.parse(form);
        } catch (IllegalArgumentException malformed) {
            refuse(exchange, HttpError.MALFORMED_FORM);
            return;
        }
        service.notify(endpoint, fields.version(), fields.data()).whenComplete((outcome, failure) -> {
            NotifyOutcome answer = outcome;
            if (failure != null) {
                LOG.error("notify failed unexpectedly", failure);
                answer = NotifyOutcome.UNAVAILABLE;
            }
            NotifyOutcome result = answer;
            if (exchange.isInIoThread()) {
                outcome(exchange, result);
            } else {
                exchange.getIoThread().execute(() -> outcome(exchange, result));
            }
        });
    }

    private void outcome(HttpServerExchange exchange, NotifyOutcome outcome) {
        try {
            if (outcome.accepted()) {
                meters.accepted(exchange, outcome);
                respond(exchange, HttpError.status(outcome), HttpBodies.emptyObject());
                return;
            }
            HttpError error = HttpError.of(outcome);
            if (error == HttpError.UNAVAILABLE) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            }
            refuse(exchange, error);
        } catch (RuntimeException bug) {
            LOG.error("answering an endpoint request failed", bug);
            exchange.endExchange();
        }
    }

    /** Answers an endpoint request with {@code error}, counted. */
    private void refuse(HttpServerExchange exchange, HttpError error) {
        meters.refused(exchange, error);
        error(exchange, error);
    }

    static void error(HttpServerExchange exchange, HttpError error) {
        error(exchange, error, error.message());
    }

    /** Answers {@code error} with its own {@code message} text. */
    static void error(HttpServerExchange exchange, HttpError error, String message) {
        respond(exchange, error.status(), HttpBodies.errorBody(error.status(), error.errno(), error.reason(),
                message));
    }

    static void respond(HttpServerExchange exchange, int status, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static boolean isForm(String contentType) {
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        return mediaType.toLowerCase(Locale.ROOT).equals(FORM);
    }
}
