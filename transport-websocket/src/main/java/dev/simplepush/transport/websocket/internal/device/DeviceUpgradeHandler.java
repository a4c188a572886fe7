package dev.simplepush.transport.websocket.internal.device;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.HttpUpgradeListener;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Undertow's route for {@code /}: the device upgrades that {@link DeviceOpenListener} leaves to Undertow, chiefly
 * an upgrade after an earlier request on the same keep-alive connection (reverse proxies such as nginx reuse their
 * upstream connections for upgrades). Checked and answered by the same {@link Handshake}, and the upgraded
 * connection becomes a {@link DeviceSocket} as on the first-request path. Anything else is handed to
 * {@code refuse} (426); an upgrade to another WebSocket version also gets {@code Sec-WebSocket-Version: 13}
 * (RFC 6455 §4.4). An upgrade from a web page whose origin is not allowed is handed to {@code forbid} (403).
 *
 * <p>Runs on I/O threads and never blocks.
 */
final class DeviceUpgradeHandler implements HttpHandler {

    private final HttpHandler refuse;
    private final HttpHandler forbid;
    private final DeviceSockets devices;
    /**
     * One listener for every upgrade, rather than one per request: the HTTP connection object stays reachable for
     * the socket's whole life and keeps its upgrade listener, so a per-request listener would pin the upgrade
     * request's exchange and all its headers (about 2 KiB) to every idle device.
     */
    private final HttpUpgradeListener upgraded;

    DeviceUpgradeHandler(DeviceSockets devices, HttpHandler refuse, HttpHandler forbid) {
        this.refuse = refuse;
        this.forbid = forbid;
        this.devices = devices;
        this.upgraded = (connection, exchange) -> devices.upgraded(connection, null, null);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            refuse.handleRequest(exchange);
            return;
        }
        HeaderMap request = exchange.getRequestHeaders();
        String version = request.getFirst(Headers.SEC_WEB_SOCKET_VERSION);
        Optional<Handshake> handshake = Handshake.of(joined(request, Headers.UPGRADE),
                joined(request, Headers.CONNECTION), request.getFirst(Headers.SEC_WEB_SOCKET_KEY), version,
                joined(request, Headers.SEC_WEB_SOCKET_PROTOCOL));
        if (handshake.isEmpty()) {
            if (Handshake.isOtherVersion(version)) {
                exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, Handshake.VERSION);
            }
            refuse.handleRequest(exchange);
            return;
        }
        HeaderValues origins = request.get(Headers.ORIGIN);
        String origin = origins == null || origins.isEmpty() ? null : origins.size() == 1 ? origins.getFirst() : "";
        if (!Handshake.allowsOrigin(devices.allowedOrigins(), origin)) {
            forbid.handleRequest(exchange);
            return;
        }
        if (devices.draining()) {
            // The device is to connect to another node: this one is going away.
            exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, DeviceOpenListener.RETRY_AFTER_SECONDS);
            exchange.endExchange();
            return;
        }
        exchange.upgradeChannel(upgraded);
        HeaderMap response = exchange.getResponseHeaders();
        handshake.get().forEachHeader((name, value) -> response.put(HttpString.tryFromString(name), value));
        exchange.endExchange();
    }

    /** The values of every line of header {@code name}, comma-separated as one list (RFC 7230 §3.2.2). */
    private static @Nullable String joined(HeaderMap headers, HttpString name) {
        HeaderValues values = headers.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.getFirst() : String.join(",", values);
    }
}
