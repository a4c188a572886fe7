package dev.simplepush.transport.websocket.internal.assets;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The browser files the transport serves from its classpath: {@code /simplepush.js} (the Simple Push API for
 * browsers) and the demo page at {@code /demo/}. Read once at construction; answers GET and HEAD with an ETag and a
 * cache header, and 304 to a matching {@code If-None-Match}. Never blocks.
 */
public final class WebAssets {

    /** Where the Simple Push API for browsers is served. */
    static final String SCRIPT_PATH = "/simplepush.js";
    /** Where the demo page is served, when enabled. */
    public static final String DEMO_PATH = "/demo/";
    /** Pages load the script on every visit; an hour keeps them fast and still picks up a new server soon. */
    static final String SCRIPT_CACHE = "public, max-age=3600";
    static final String DEMO_CACHE = "no-cache";

    private static final String RESOURCE_DIR = "web/";

    private final Map<String, Asset> assets;

    private WebAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /**
     * Loads the files, the demo page only if {@code demoPage}; a missing one is a packaging bug and fails here, at
     * start.
     */
    public static WebAssets load(boolean demoPage) {
        Asset script = Asset.of("simplepush.js", "application/javascript; charset=utf-8", SCRIPT_CACHE);
        if (!demoPage) {
            return new WebAssets(Map.of(SCRIPT_PATH, script));
        }
        return new WebAssets(Map.of(SCRIPT_PATH, script,
                DEMO_PATH, Asset.of("demo.html", "text/html; charset=utf-8", DEMO_CACHE)));
    }

    /** The file served at {@code path}, if any. */
    public Optional<Asset> find(String path) {
        return Optional.ofNullable(assets.get(path));
    }

    /**
     * One file and its headers.
     *
     * @param body the file's bytes, not to be modified
     * @param contentType its {@code Content-Type}
     * @param cacheControl its {@code Cache-Control}
     * @param etag its strong entity tag, quoted
     */
    public record Asset(byte[] body, String contentType, String cacheControl, String etag) {

        static Asset of(String name, String contentType, String cacheControl) {
            byte[] body;
            try (InputStream in = WebAssets.class.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing classpath resource " + RESOURCE_DIR + name);
                }
                body = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE_DIR + name, e);
            }
            return new Asset(body, contentType, cacheControl, etagOf(body));
        }

        /** Answers a GET or HEAD for this file, 304 to a matching {@code If-None-Match}. Never blocks. */
        public void serve(HttpServerExchange exchange) {
            exchange.getResponseHeaders()
                    .put(Headers.CACHE_CONTROL, cacheControl)
                    .put(Headers.ETAG, etag)
                    .put(new HttpString("X-Content-Type-Options"), "nosniff");
            String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
            if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
                exchange.setStatusCode(304);
                exchange.endExchange();
                return;
            }
            exchange.setStatusCode(200);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
            if (exchange.getRequestMethod().equals(Methods.HEAD)) {
                exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
                exchange.endExchange();
                return;
            }
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        }

        private static String etagOf(byte[] body) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
                return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }
}
