package dev.simplepush.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An application server that sends Web Push messages with the npm package {@code web-push} (RFC 8291 encryption,
 * RFC 8292 VAPID), through {@code src/test/firefox/send.mjs} and {@code vapid-keys.mjs} under Node: one process per
 * call.
 *
 * <p>Needs {@code node} and {@code web-push} (runs {@code npm ci} in {@code src/test/firefox} when
 * {@code node_modules} is missing); without them the test is skipped on a developer machine and fails when
 * {@code CI=true}.
 */
final class WebPushSender {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CALL_TIMEOUT_SECONDS = 30;

    /** A VAPID key pair, base64url: the public key an uncompressed P-256 point (the page's applicationServerKey). */
    record VapidKeys(String publicKey, String privateKey) {
    }

    /**
     * The push service's answer: its status, headers (names in lower case) and body; or, when there was no answer
     * at all, {@code status} 0 and why in {@code error}.
     */
    record Answer(int status, JsonNode headers, String body, @Nullable String error) {

        /** A header's value, if the answer had it. */
        Optional<String> header(String name) {
            JsonNode value = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return value == null ? Optional.empty() : Optional.of(value.asText());
        }

        @Override
        public String toString() {
            return error != null ? "no answer: " + error : status + " " + headers + " " + body;
        }
    }

    private final Path dir;

    private WebPushSender(Path dir) {
        this.dir = dir;
    }

    /** The sender, once Node and {@code web-push} are there; skips, or fails on CI, when they are not. */
    static WebPushSender locate() {
        Path dir = firefoxDir();
        BrowserPage.requireTool(BrowserPage.run(dir, "node", "--version"), "node (Node.js 18+) on PATH");
        if (!Files.isDirectory(dir.resolve("node_modules/web-push"))) {
            BrowserPage.requireTool(BrowserPage.run(dir, "npm", "ci", "--no-audit", "--no-fund"),
                    "web-push (npm ci in " + dir + ")");
        }
        return new WebPushSender(dir);
    }

    /** {@code src/test/firefox} of this module: the page, its service worker and the Node scripts. */
    static Path firefoxDir() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(basedir, "src", "test", "firefox").toAbsolutePath();
    }

    /** A fresh key pair from {@code webPush.generateVAPIDKeys()}. */
    VapidKeys generateVapidKeys() {
        JsonNode keys = node("vapid-keys.mjs", null);
        return new VapidKeys(keys.path("publicKey").asText(), keys.path("privateKey").asText());
    }

    /**
     * {@code webPush.sendNotification(subscription, payload, {TTL, vapidDetails, contentEncoding: 'aes128gcm'})}:
     * {@code payload} encrypted for the subscription's keys, signed with {@code vapid} for {@code subject} (no
     * {@code Authorization} when {@code vapid} is null).
     */
    Answer send(JsonNode subscription, String payload, int ttl, @Nullable VapidKeys vapid, String subject) {
        ObjectNode request = JSON.createObjectNode();
        request.set("subscription", subscription);
        request.put("payload", payload);
        request.put("ttl", ttl);
        if (vapid != null) {
            request.putObject("vapid")
                    .put("subject", subject)
                    .put("publicKey", vapid.publicKey())
                    .put("privateKey", vapid.privateKey());
        }
        JsonNode answer = node("send.mjs", request);
        if (answer.hasNonNull("error")) {
            return new Answer(0, JSON.createObjectNode(), "", answer.get("error").asText());
        }
        return new Answer(answer.path("statusCode").asInt(), answer.path("headers"), answer.path("body").asText(),
                null);
    }

    /** Runs {@code script} with {@code input} on its stdin; the JSON line it printed. */
    private JsonNode node(String script, @Nullable JsonNode input) {
        try {
            Process process = new ProcessBuilder("node", script).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (OutputStream stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(JSON.writeValueAsBytes(input));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("node " + script + " did not finish within " + CALL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0 || output.isBlank()) {
                throw new AssertionError("node " + script + " exited with " + process.exitValue() + ": " + output);
            }
            return JSON.readTree(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run node " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
