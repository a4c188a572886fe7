package dev.simplepush.transport.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Stock Firefox (Debian's {@code firefox-esr}), headless, as a process of its own: no remote control, only a profile
 * made for the test, the URL of the page to open, and its console on stdout, which the {@link #userPreferences}
 * make carry its push client's debug log. That log is where the test sees what Firefox sends and receives on its
 * push WebSocket ({@link #sent}, {@link #received}); everything Firefox prints is kept in memory and written to
 * {@code target/firefox-webpush/firefox.log}, each line prefixed with the time of day and the seconds since the start
 * of its run.
 *
 * <p>The page quits Firefox the way a user would, by closing its only window ({@code dom.allow_scripts_to_close_windows});
 * SIGTERM would not do: Firefox dies at once, without its shutdown. {@link #start} again with the same profile is a
 * restart, and the log of each run starts with a marker line.
 *
 * <p>Needs Firefox ({@code SIMPLEPUSH_FIREFOX}, else {@code /usr/bin/firefox-esr}, else {@code firefox-esr} or
 * {@code firefox} on {@code PATH}); without it the test is skipped on a developer machine and fails when
 * {@code CI=true}.
 */
final class Firefox implements AutoCloseable {

    /** How long a quitting Firefox may take to exit. */
    static final Duration PROCESS_WAIT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One message Firefox's push client logs as sent or received: the JSON text is its last, quoted argument. */
    private static final Pattern SENT = Pattern.compile("\"wsSendMessage: Sending message\" \"(.*)\"$");
    private static final Pattern RECEIVED = Pattern.compile("\"wsOnMessageAvailable\\(\\)\" \"(.*)\"$");

    private final Path executable;
    private final Path profile;
    private final Path logFile;
    private final List<String> log = new ArrayList<>();
    private final Writer logWriter;
    private int runStart;
    private int runs;
    private long startedAt;
    private Process process;

    private Firefox(Path executable, Path dir, URI pushServer) {
        this.executable = executable;
        this.profile = dir.resolve("profile");
        this.logFile = dir.resolve("firefox.log");
        try {
            deleteRecursively(profile);
            Files.createDirectories(profile);
            Files.writeString(profile.resolve("user.js"), userJs(pushServer));
            this.logWriter = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the Firefox profile in " + dir, e);
        }
    }

    /**
     * A fresh profile in {@code dir} (whatever was there is deleted) whose push client talks to {@code pushServer}
     * ({@code ws://host:port/}); Firefox is not started yet. Skips, or fails on CI, when Firefox is missing.
     */
    static Firefox withFreshProfile(Path dir, URI pushServer) {
        Path executable = executable().orElse(null);
        BrowserPage.requireTool(executable != null,
                "Firefox (apt-get install firefox-esr, or set SIMPLEPUSH_FIREFOX)");
        return new Firefox(executable, dir, pushServer);
    }

    /** {@code target/firefox-webpush} of this module: the profile and the log of the last run of the test. */
    static Path workDir() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(basedir, "target", "firefox-webpush").toAbsolutePath();
    }

    /**
     * The preferences of the test profile: the push client on {@code pushServer} with its debug log on stdout, push
     * and service workers allowed for the test's plain-http loopback origins, and every first-run page, update,
     * telemetry or other service that would call the internet turned off.
     */
    static Map<String, Object> userPreferences(URI pushServer) {
        Map<String, Object> prefs = new LinkedHashMap<>();
        prefs.put("dom.push.serverURL", pushServer.toString());
        prefs.put("dom.push.testing.allowInsecureServerURL", true);
        prefs.put("dom.push.testing.ignorePermission", true);
        prefs.put("dom.push.loglevel", "debug");
        prefs.put("dom.serviceWorkers.testing.enabled", true);
        prefs.put("devtools.console.stdout.chrome", true);
        prefs.put("devtools.console.stdout.content", true);
        prefs.put("dom.allow_scripts_to_close_windows", true);
        // First run, default browser, session restore and quit prompts.
        prefs.put("browser.shell.checkDefaultBrowser", false);
        prefs.put("browser.startup.homepage_override.mstone", "ignore");
        prefs.put("browser.aboutwelcome.enabled", false);
        prefs.put("browser.startup.page", 0);
        prefs.put("browser.sessionstore.resume_from_crash", false);
        prefs.put("toolkit.startup.max_resumed_crashes", -1);
        prefs.put("browser.warnOnQuit", false);
        prefs.put("browser.tabs.warnOnClose", false);
        prefs.put("browser.newtabpage.enabled", false);
        // The background thumbnailer loads visited pages again, hidden, in a container of its own: another page
        // that would poll for the test's commands, and whose clean-up unsubscribes in that container.
        prefs.put("browser.pagethumbnails.capturing_disabled", true);
        // Telemetry, studies, updates (datareporting.healthreport.uploadEnabled stays: turning it off makes Firefox
        // send a deletion-request ping).
        prefs.put("datareporting.policy.dataSubmissionEnabled", false);
        prefs.put("toolkit.telemetry.reportingpolicy.firstRun", false);
        prefs.put("app.normandy.enabled", false);
        prefs.put("app.shield.optoutstudies.enabled", false);
        prefs.put("app.update.enabled", false);
        prefs.put("app.update.auto", false);
        prefs.put("extensions.update.enabled", false);
        prefs.put("extensions.getAddons.cache.enabled", false);
        prefs.put("extensions.systemAddon.update.enabled", false);
        prefs.put("media.gmp-manager.updateEnabled", false);
        // Other calls out: connectivity and captive portal checks, region, safe browsing, remote settings, prefetch.
        prefs.put("network.connectivity-service.enabled", false);
        prefs.put("network.captive-portal-service.enabled", false);
        prefs.put("browser.region.update.enabled", false);
        prefs.put("browser.region.network.url", "");
        prefs.put("browser.safebrowsing.malware.enabled", false);
        prefs.put("browser.safebrowsing.phishing.enabled", false);
        prefs.put("browser.safebrowsing.downloads.enabled", false);
        prefs.put("browser.safebrowsing.blockedURIs.enabled", false);
        prefs.put("services.settings.server", "http://127.0.0.1:9/v1");
        prefs.put("network.dns.disablePrefetch", true);
        prefs.put("network.prefetch-next", false);
        prefs.put("network.http.speculative-parallel-limit", 0);
        return prefs;
    }

    private static String userJs(URI pushServer) {
        StringBuilder js = new StringBuilder("// Written by Firefox.java (FirefoxWebPushIT).\n");
        userPreferences(pushServer).forEach((name, value) -> js.append("user_pref(\"").append(name).append("\", ")
                .append(value instanceof String text ? "\"" + text + "\"" : value).append(");\n"));
        return js.toString();
    }

    /** Starts Firefox on the profile, opening {@code url}: the first start, or a restart after {@link #awaitExit}. */
    synchronized void start(String url) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Firefox is running");
        }
        runs++;
        runStart = log.size();
        startedAt = System.nanoTime();
        append("=== simplepush: Firefox run " + runs + " (" + executable + ", profile " + profile + ", " + url + ")");
        ProcessBuilder builder = new ProcessBuilder(executable.toString(),
                "--headless", "--no-remote", "--profile", profile.toString(), url)
                .redirectErrorStream(true);
        builder.environment().put("MOZ_CRASHREPORTER_DISABLE", "1");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        Process started = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    append(line);
                }
            } catch (IOException ignored) {
                // Firefox ended; its exit is logged below.
            }
            started.onExit().thenAccept(ended -> append("=== simplepush: Firefox exited with " + ended.exitValue()));
        }, "firefox-output-" + runs);
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until Firefox's process has exited; its exit status. Fails after {@link #PROCESS_WAIT}. */
    int awaitExit() {
        Process running;
        synchronized (this) {
            running = process;
        }
        try {
            if (!running.waitFor(PROCESS_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Firefox did not exit within " + PROCESS_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return running.exitValue();
    }

    boolean isRunning() {
        Process running;
        synchronized (this) {
            running = process;
        }
        return running != null && running.isAlive();
    }

    /** The frames Firefox's push client sent on its WebSocket in the current run, as logged, in order. */
    List<String> sent() {
        return frames(SENT);
    }

    /** The frames Firefox's push client received on its WebSocket in the current run, as logged, in order. */
    List<String> received() {
        return frames(RECEIVED);
    }

    /** The frames of {@link #sent()} whose {@code messageType} is {@code type}. */
    List<String> sent(String type) {
        return sent().stream().filter(frame -> isOfType(frame, type)).toList();
    }

    /** The frames of {@link #received()} whose {@code messageType} is {@code type}. */
    List<String> received(String type) {
        return received().stream().filter(frame -> isOfType(frame, type)).toList();
    }

    private static boolean isOfType(String frame, String type) {
        try {
            return JSON.readTree(frame).path("messageType").asText().equals(type);
        } catch (IOException e) {
            return false; // not JSON: no message at all
        }
    }

    /** The lines Firefox printed in the current run. */
    synchronized List<String> currentRun() {
        return List.copyOf(log.subList(runStart, log.size()));
    }

    /** Waits until Firefox printed, in the current run, a line that {@code line} accepts; that line. */
    String awaitLine(Predicate<String> line, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> found = currentRun().stream().filter(line).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Firefox did not log " + what + " within " + timeout
                        + (isRunning() ? "" : " (it is not running)"));
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** Waits until Firefox's push client sent a frame of {@code type} in the current run; that frame. */
    String awaitSent(String type, Duration timeout) {
        String line = awaitLine(l -> frameOf(SENT, l).filter(frame -> isOfType(frame, type)).isPresent(), timeout,
                "a sent " + type + " frame");
        return frameOf(SENT, line).orElseThrow();
    }

    /** How many lines Firefox printed, in all runs. */
    synchronized int lines() {
        return log.size();
    }

    /** The last {@code lines} lines Firefox printed (all runs), for a failure report. */
    synchronized String tail(int lines) {
        return String.join("\n", log.subList(Math.max(0, log.size() - lines), log.size()));
    }

    Path logFile() {
        return logFile;
    }

    private List<String> frames(Pattern pattern) {
        return currentRun().stream().map(line -> frameOf(pattern, line)).flatMap(Optional::stream)
                .toList();
    }

    /** The JSON text of a frame line: the console prints a string argument as a JSON string literal. */
    private static Optional<String> frameOf(Pattern pattern, String line) {
        if (!line.contains("PushServiceWebSocket")) {
            return Optional.empty();
        }
        Matcher matcher = pattern.matcher(line);
        if (!matcher.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue("\"" + matcher.group(1) + "\"", String.class));
        } catch (IOException e) {
            return Optional.of(matcher.group(1));
        }
    }

    /** Keeps a line, prefixed with the time of day and the seconds since the start of its run. */
    private synchronized void append(String text) {
        String line = String.format(Locale.ROOT, "[%s %7.3f] %s", LocalTime.now().truncatedTo(ChronoUnit.MILLIS),
                (System.nanoTime() - startedAt) / 1e9, text);
        log.add(line);
        try {
            logWriter.write(line);
            logWriter.write('\n');
            logWriter.flush();
        } catch (IOException ignored) {
            // The in-memory log is what the test reports from.
        }
    }

    /** Ends Firefox at once if it still runs (and its child processes), and keeps the profile and the log. */
    @Override
    public void close() {
        Process running;
        synchronized (this) {
            running = process;
        }
        if (running != null && running.isAlive()) {
            List<ProcessHandle> children = running.descendants().toList();
            running.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            try {
                running.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            try {
                logWriter.close();
            } catch (IOException ignored) {
                // Nothing more will be written.
            }
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Optional<Path> executable() {
        String configured = System.getenv("SIMPLEPUSH_FIREFOX");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        Path debian = Path.of("/usr/bin/firefox-esr");
        if (Files.isExecutable(debian)) {
            return Optional.of(debian);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .flatMap(dir -> Stream.of("firefox-esr", "firefox").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
