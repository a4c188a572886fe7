package dev.simplepush.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web app of the Firefox test, on its own loopback origin: serves {@code src/test/firefox/webpush.html} and its
 * service worker {@code sw.js}, and receives what they report: the data of every push event ({@link #nextPush},
 * {@link #pushes}) and log lines ({@link #log}). The page is driven only from here: it long-polls {@code /command}
 * for JavaScript to run ({@link #eval}, e.g. {@code subscribe(key)}), since the test has no remote control of stock
 * Firefox.
 */
final class WebPushApp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long one {@code /command} poll is held open before the page asks again. */
    private static final Duration POLL = Duration.ofSeconds(10);

    private final HttpServer http;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "webpush-app");
        thread.setDaemon(true);
        return thread;
    });
    private final byte[] page;
    private final byte[] serviceWorker;
    private final BlockingQueue<String> pushQueue = new LinkedBlockingQueue<>();
    private final List<String> pushes = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final BlockingDeque<ObjectNode> commands = new LinkedBlockingDeque<>();
    private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private volatile String currentPage = "";

    /** Serves the files of {@code dir} ({@code src/test/firefox}) on a free loopback port. */
    WebPushApp(Path dir) {
        try {
            this.page = Files.readAllBytes(dir.resolve("webpush.html"));
            this.serviceWorker = Files.readAllBytes(dir.resolve("sw.js"));
            this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.setExecutor(threads); // a /command poll waits; the other requests must not wait behind it
        http.createContext("/webpush.html", exchange -> send(exchange, "text/html; charset=utf-8", page));
        http.createContext("/sw.js", exchange -> send(exchange, "text/javascript; charset=utf-8", serviceWorker));
        http.createContext("/page", exchange -> {
            JsonNode page = read(exchange);
            boolean visible = page.path("visibility").asText().equals("visible");
            if (visible) {
                currentPage = page.path("page").asText(); // the page the test loaded last runs its commands
            }
            log("page: loaded " + page.path("page").asText() + " (" + page.path("navigation").asText() + ", "
                    + page.path("visibility").asText() + (visible ? ")" : "; a hidden page takes no commands)"));
            noContent(exchange);
        });
        http.createContext("/push", exchange -> {
            JsonNode data = read(exchange).path("data");
            String text = data.isNull() ? null : data.asText();
            pushes.add(String.valueOf(text));
            log("sw: push event, data " + (text == null ? "null" : "\"" + text + "\""));
            if (text != null) {
                pushQueue.add(text);
            }
            noContent(exchange);
        });
        http.createContext("/log", exchange -> {
            log(read(exchange).path("line").asText());
            noContent(exchange);
        });
        http.createContext("/command", this::command);
        http.createContext("/answer", exchange -> {
            JsonNode answer = read(exchange);
            log("page: answer " + answer);
            CompletableFuture<JsonNode> waiting = answers.remove(answer.path("id").asInt());
            if (waiting != null) {
                waiting.complete(answer);
            }
            noContent(exchange);
        });
        http.createContext("/favicon.ico", WebPushApp::noContent);
        http.start();
    }

    /** The page. */
    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/webpush.html";
    }

    /**
     * {@code pushManager.subscribe({userVisibleOnly: true, applicationServerKey})} in the page: the subscription's
     * {@code toJSON()}. Fails with the page's error, or when it did not settle within {@code timeout}.
     */
    JsonNode subscribe(String applicationServerKey, Duration timeout) {
        return eval("subscribe('" + applicationServerKey + "')", timeout);
    }

    /** The data (as text) of the next push event that had data; fails after {@code timeout}. */
    String nextPush(Duration timeout) {
        return poll(pushQueue, timeout, "no push event reached the service worker");
    }

    /** The data of every push event so far, in order ({@code "null"} for one without data). */
    List<String> pushes() {
        return List.copyOf(pushes);
    }

    /** What the page and its service worker reported: loads, push events, errors; in order. */
    List<String> log() {
        return List.copyOf(log);
    }

    /**
     * Runs a JavaScript expression in the page the test loaded last (a promise is awaited) and returns its JSON
     * value; fails with the page's error, or when no answer came within {@code timeout}.
     */
    JsonNode eval(String js, Duration timeout) {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        commands.add(JSON.createObjectNode().put("id", id).put("js", js));
        JsonNode result;
        try {
            result = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answers.remove(id);
            commands.removeIf(command -> command.path("id").asInt() == id);
            throw new AssertionError("the page did not answer " + js + " within " + timeout);
        } catch (Exception e) {
            throw new AssertionError("waiting for the page's answer to " + js, e);
        }
        if (!result.path("ok").asBoolean()) {
            throw new AssertionError("the page failed " + js + ": " + result.path("error").asText());
        }
        return result.get("value");
    }

    /**
     * A page's long poll: answers the next command, 204 when there was none for a while, 410 to any page but the
     * visible one that loaded last.
     */
    private void command(HttpExchange exchange) throws IOException {
        String query = String.valueOf(exchange.getRequestURI().getRawQuery());
        String asking = query.startsWith("page=") ? query.substring("page=".length()) : "";
        if (!asking.equals(currentPage)) {
            respond(exchange, 410, "text/plain", new byte[0]);
            return;
        }
        ObjectNode next;
        try {
            next = commands.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next = null;
        }
        if (next != null && !asking.equals(currentPage)) {
            commands.addFirst(next); // a newer page loaded meanwhile: it runs the command
            next = null;
        }
        if (next == null) {
            noContent(exchange);
            return;
        }
        log("test: command " + next.path("id").asInt() + " to page " + asking + ": " + next.path("js").asText());
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(next));
    }

    /** Keeps a line of {@link #log}, prefixed with the time of day. */
    private void log(String line) {
        log.add(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
    }

    private static <T> T poll(BlockingQueue<T> queue, Duration timeout, String failure) {
        try {
            T next = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (next == null) {
                throw new AssertionError(failure + " within " + timeout);
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static JsonNode read(HttpExchange exchange) throws IOException {
        return JSON.readTree(exchange.getRequestBody().readAllBytes());
    }

    private static void send(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        respond(exchange, 200, contentType, body);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private static void noContent(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }
}
