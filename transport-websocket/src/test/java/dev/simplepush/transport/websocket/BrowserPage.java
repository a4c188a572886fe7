package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real headless Chromium, driven through Playwright by {@code src/test/browser/bridge.mjs} (Node): one page at a
 * time, each {@link #open} in a fresh browser context (empty localStorage).
 *
 * <p>Needs {@code node}, Chromium ({@code SIMPLEPUSH_CHROMIUM}, else {@code /usr/bin/chromium} or {@code chromium}
 * on {@code PATH}) and {@code playwright-core} (runs {@code npm ci} when {@code node_modules} is missing). Without
 * them the browser tests are skipped on a developer machine and fail when {@code CI=true}.
 */
final class BrowserPage implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process node;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private int nextId = 1;

    private BrowserPage(Process node) {
        this.node = node;
        this.commands = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    answers.add(line);
                }
            } catch (IOException ignored) {
                // The process ended; waiting callers time out with its exit status.
            }
        }, "browser-bridge-reader");
        reader.setDaemon(true);
        reader.start();
        answer(0); // the bridge's first line, once Chromium runs
    }

    /** Starts Chromium, or skips (fails on CI) when the tools are missing. */
    static BrowserPage launch() {
        Path dir = browserDir();
        Path chromium = chromium().orElse(null);
        requireTool(chromium != null, "Chromium (apt-get install chromium, or set SIMPLEPUSH_CHROMIUM)");
        requireTool(run(dir, "node", "--version"), "node (Node.js 18+) on PATH");
        if (!Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
            requireTool(run(dir, "npm", "ci", "--no-audit", "--no-fund"), "playwright-core (npm ci in " + dir + ")");
        }
        ProcessBuilder builder = new ProcessBuilder("node", "bridge.mjs")
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SIMPLEPUSH_CHROMIUM", chromium.toString());
        try {
            return new BrowserPage(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node", e);
        }
    }

    /** Opens {@code url} in a fresh context: nothing stored from earlier pages. */
    void open(String url) {
        call(command("open").put("url", url));
    }

    /** Opens {@code url} in a fresh context with a viewport of that size. */
    void open(String url, int width, int height) {
        ObjectNode command = command("open").put("url", url);
        command.putObject("viewport").put("width", width).put("height", height);
        call(command);
    }

    /** Navigates the current page, keeping the context (and so localStorage). */
    void navigate(String url) {
        call(command("goto").put("url", url));
    }

    /** Opens {@code url} in another tab of the same context (same localStorage) and makes it current; its index. */
    int openTab(String url) {
        return call(command("openTab").put("url", url)).asInt();
    }

    /** Makes tab {@code index} (in opening order) the current page. */
    void useTab(int index) {
        call(command("useTab").put("index", index));
    }

    /** Closes the current tab; the first remaining one becomes current. */
    void closeTab() {
        call(command("closeTab"));
    }

    void reload() {
        call(command("reload"));
    }

    /** Evaluates a JavaScript expression in the page (a promise is awaited) and returns its JSON value. */
    JsonNode eval(String js) {
        return call(command("eval").put("js", js));
    }

    /** Waits until the expression is truthy and returns its value; fails after {@link #WAIT}. */
    JsonNode waitFor(String js) {
        return waitFor(js, WAIT);
    }

    JsonNode waitFor(String js, Duration timeout) {
        return call(command("wait").put("js", js).put("timeoutMs", timeout.toMillis()));
    }

    /** Everything the page logged ({@code console.log: ...}) and threw ({@code pageerror: ...}) since it opened. */
    List<String> console() {
        List<String> lines = new ArrayList<>();
        call(command("console")).forEach(line -> lines.add(line.asText()));
        return lines;
    }

    /** Waits until the page logged a line containing {@code text}. */
    void awaitConsole(String text) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (console().stream().noneMatch(line -> line.contains(text))) {
            if (System.nanoTime() > deadline) {
                fail("the page did not log \"" + text + "\"; it logged:\n" + String.join("\n", console()));
            }
            sleepBriefly();
        }
    }

    void screenshot(Path file) {
        call(command("screenshot").put("path", file.toAbsolutePath().toString()));
    }

    private ObjectNode command(String op) {
        return JSON.createObjectNode().put("id", nextId++).put("op", op);
    }

    private JsonNode call(ObjectNode command) {
        try {
            commands.write(JSON.writeValueAsString(command) + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the browser bridge is gone", e);
        }
        return answer(command.get("id").asInt());
    }

    private JsonNode answer(int id) {
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        while (true) {
            String line;
            try {
                line = answers.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (line == null) {
                throw new AssertionError("no answer from the browser bridge to command " + id
                        + (node.isAlive() ? "" : " (node exited with " + node.exitValue() + ")"));
            }
            JsonNode answer;
            try {
                answer = JSON.readTree(line);
            } catch (IOException e) {
                continue; // not one of ours (a stray log line)
            }
            if (answer.path("id").asInt(-2) != id) {
                continue;
            }
            if (!answer.path("ok").asBoolean()) {
                throw new AssertionError("browser: " + answer.path("error").asText());
            }
            return answer.get("value");
        }
    }

    @Override
    public void close() {
        try {
            commands.close();
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            node.destroyForcibly();
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Path browserDir() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(basedir, "src", "test", "browser").toAbsolutePath();
    }

    private static Optional<Path> chromium() {
        String configured = System.getenv("SIMPLEPUSH_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        Path debian = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(debian)) {
            return Optional.of(debian);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .flatMap(dir -> Stream.of("chromium", "chromium-browser").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Runs {@code command} in {@code dir} (its output discarded, its errors shown); whether it ran and succeeded. */
    static boolean run(Path dir, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Skips the calling test when a tool is missing ({@code present} false), or fails it when {@code CI=true}. */
    static void requireTool(boolean present, String what) {
        if (present) {
            return;
        }
        String message = "the browser tests need " + what;
        if ("true".equals(System.getenv("CI"))) {
            fail(message + " (CI=true: missing tools fail the build)");
        }
        Assumptions.abort(message + "; skipped (on CI they fail)");
    }
}
