package dev.simplepush.transport.websocket;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The web app's own server for the browser tests, on its own loopback origin: serves {@code src/test/browser/app.html}
 * (the documentation's app code) with the push server's script URL filled in, and receives the endpoints the app
 * POSTs to {@code /registerEndpoint} (the documentation's step 3).
 *
 * <p>{@code /app.html?harness=JSON} also adds a test probe after the script: {@code SimplePush.configure(JSON)} and
 * {@code window.states}, every connection state change with its time.
 */
final class AppServer implements AutoCloseable {

    private final HttpServer http;
    private final BlockingQueue<String> endpoints = new LinkedBlockingQueue<>();
    private final String page;

    AppServer(Path browserDir, int pushPort) {
        this(browserDir, "http://127.0.0.1:" + pushPort);
    }

    /** The app page loads {@code simplepush.js} from {@code scriptBase}, e.g. {@code http://127.0.0.1:8080}. */
    AppServer(Path browserDir, String scriptBase) {
        try {
            this.page = Files.readString(browserDir.resolve("app.html"))
                    .replace("PUSH_SERVER", scriptBase);
            this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.createContext("/app.html", this::app);
        http.createContext("/registerEndpoint", this::registerEndpoint);
        http.createContext("/favicon.ico", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/app.html";
    }

    /** The app page with the probe, configured with {@code settings} (a JavaScript object literal). */
    String urlWithHarness(String settings) {
        return url() + "?harness=" + java.net.URLEncoder.encode(settings, StandardCharsets.UTF_8);
    }

    /** The next endpoint the app sent to its server. */
    String nextEndpoint() {
        try {
            String endpoint = endpoints.poll(BrowserPage.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (endpoint == null) {
                throw new AssertionError("the app did not send an endpoint to its server");
            }
            return endpoint;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void app(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String html = page;
        if (query != null && query.startsWith("harness=")) {
            String settings = URLDecoder.decode(query.substring("harness=".length()), StandardCharsets.UTF_8);
            html = html.replace("<!-- HARNESS -->", "<script>\n"
                    + "window.states = [];\n"
                    + "SimplePush.addEventListener('statechange', (e) => "
                    + "states.push(Object.assign({ at: performance.now() }, e.detail)));\n"
                    + "SimplePush.configure(" + settings + ");\n"
                    + "</script>");
        }
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void registerEndpoint(HttpExchange exchange) throws IOException {
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        for (String field : form.split("&")) {
            if (field.startsWith("endpoint=")) {
                endpoints.add(URLDecoder.decode(field.substring("endpoint=".length()), StandardCharsets.UTF_8));
            }
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
