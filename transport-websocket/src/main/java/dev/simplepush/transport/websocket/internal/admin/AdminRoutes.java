package dev.simplepush.transport.websocket.internal.admin;

import dev.simplepush.core.DeviceReport;
import dev.simplepush.core.Health;
import dev.simplepush.core.PushHealth;
import dev.simplepush.core.PushService;
import dev.simplepush.core.Uaid;
import dev.simplepush.transport.websocket.internal.json.HttpBodies;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener's routes. Runs on the I/O thread and never blocks it: the metrics text is rendered on a worker
 * thread, health and device answers are written on the I/O thread when the core's stage completes.
 */
final class AdminRoutes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

    static final String METRICS_PATH = "/metrics";
    static final String LIVE_PATH = "/health/live";
    static final String READY_PATH = "/health/ready";
    static final String ADMIN_PREFIX = "/admin/";
    static final String DEVICES_PREFIX = ADMIN_PREFIX + "devices/";
    static final String DRAIN_PATH = ADMIN_PREFIX + "drain";
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final String JSON = "application/json";
    private static final String CHALLENGE = "Bearer realm=\"simplepush-admin\"";

    private final Optional<byte[]> authorization;
    private final PushService service;
    private final PushHealth health;
    private final Runnable drain;
    private final PrometheusMeterRegistry registry;

    AdminRoutes(Optional<String> token, PushService service, PushHealth health, Runnable drain,
            PrometheusMeterRegistry registry) {
        this.authorization = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.US_ASCII));
        this.service = service;
        this.health = health;
        this.drain = drain;
        this.registry = registry;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = exchange.getRelativePath();
        if (path.startsWith(ADMIN_PREFIX) && authorization.isPresent()) {
            admin(exchange, path);
        } else if (path.equals(METRICS_PATH)) {
            if (allowed(exchange, Methods.GET)) {
                // Rendering the text of every meter is work: a worker thread does it.
                exchange.dispatch(() -> {
                    exchange.setStatusCode(200);
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, PROMETHEUS_TEXT);
                    exchange.getResponseSender().send(registry.scrape(), StandardCharsets.UTF_8);
                });
            }
        } else if (path.equals(LIVE_PATH)) {
            health(exchange, PushHealth::live);
        } else if (path.equals(READY_PATH)) {
            health(exchange, PushHealth::ready);
        } else {
            respond(exchange, 404, HttpBodies.field("error", "no such resource"));
        }
    }

    private void health(HttpServerExchange exchange, Function<PushHealth, CompletionStage<Health>> report) {
        if (allowed(exchange, Methods.GET)) {
            answer(exchange, report.apply(health), state -> respond(exchange, state.isUp() ? 200 : 503,
                    HttpBodies.health(state, true)));
        }
    }

    private void admin(HttpServerExchange exchange, String path) {
        String given = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        // Constant time: how much of the token a request got right takes no longer to refuse.
        if (given == null || !MessageDigest.isEqual(authorization.orElseThrow(),
                given.getBytes(StandardCharsets.UTF_8))) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
            respond(exchange, 401, HttpBodies.field("error", "a bearer token is required"));
            return;
        }
        if (path.equals(DRAIN_PATH)) {
            if (allowed(exchange, Methods.POST)) {
                LOG.info("drain requested on the admin listener");
                drain.run();
                respond(exchange, 202, HttpBodies.field("status", "draining"));
            }
        } else if (path.startsWith(DEVICES_PREFIX)) {
            if (allowed(exchange, Methods.GET)) {
                device(exchange, path.substring(DEVICES_PREFIX.length()));
            }
        } else {
            respond(exchange, 404, HttpBodies.field("error", "no such resource"));
        }
    }

    private void device(HttpServerExchange exchange, String text) {
        Optional<Uaid> uaid = Uaid.parse(text);
        if (uaid.isEmpty()) {
            respond(exchange, 400, HttpBodies.field("error", "not a UAID: 32 hex digits, optionally with dashes"));
            return;
        }
        answer(exchange, service.inspect(uaid.get()), report -> {
            if (report.isPresent()) {
                respond(exchange, 200, HttpBodies.device(report.get()));
            } else {
                respond(exchange, 404, HttpBodies.field("error", "no such device"));
            }
        });
    }

    /** Answers with {@code then} on the I/O thread once {@code stage} completes; 503 if it fails. */
    private static <T> void answer(HttpServerExchange exchange, CompletionStage<T> stage, Consumer<T> then) {
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> stage.whenComplete((value, failure) ->
                exchange.getIoThread().execute(() -> {
                    if (failure != null) {
                        LOG.warn("admin request {} failed: {}", exchange.getRelativePath(), failure.toString());
                        respond(exchange, 503, HttpBodies.field("error", "the store did not answer"));
                    } else {
                        then.accept(value);
                    }
                })));
    }

    /** Whether the request's method is {@code method} (or HEAD for GET); otherwise answers 405. */
    private static boolean allowed(HttpServerExchange exchange, HttpString method) {
        HttpString given = exchange.getRequestMethod();
        if (given.equals(method) || (method.equals(Methods.GET) && given.equals(Methods.HEAD))) {
            return true;
        }
        exchange.getResponseHeaders().put(Headers.ALLOW, method.equals(Methods.GET) ? "GET, HEAD" : method.toString());
        respond(exchange, 405, HttpBodies.field("error", "method not allowed"));
        return false;
    }

    private static void respond(HttpServerExchange exchange, int status, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
}
