package dev.simplepush.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} child process on a loopback port, for tests: a Redis, or a Redis Sentinel. It can be
 * paused (SIGSTOP), resumed, killed and started again on the same port with the same data directory.
 */
final class RedisProcess {

    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final int port;
    private final Path dir;
    private final List<String> args;
    private Process process;

    private RedisProcess(int port, Path dir, List<String> args) {
        this.port = port;
        this.dir = dir;
        this.args = List.copyOf(args);
    }

    /**
     * Starts {@code redis-server} on a free port with {@code extraArgs} after the defaults (no RDB snapshots, no
     * AOF unless the extra arguments turn it on).
     *
     * @throws IllegalStateException if it cannot be started or does not answer PING in time
     */
    static RedisProcess start(String... extraArgs) {
        return start(freePort(), extraArgs);
    }

    /** Like {@link #start(String...)}, on {@code port}. */
    static RedisProcess start(int port, String... extraArgs) {
        Path dir = tempDirectory();
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        args.addAll(List.of(extraArgs));
        RedisProcess redis = new RedisProcess(port, dir, args);
        redis.launch();
        return redis;
    }

    /**
     * Starts a Redis Sentinel ({@code redis-server <conf> --sentinel}) on a free port that monitors the master
     * {@code masterName} on 127.0.0.1:{@code masterPort}, authenticating with {@code masterPassword}, with a quorum
     * of 1. It rewrites its configuration file, so that lives in its own directory.
     */
    static RedisProcess startSentinel(String masterName, int masterPort, String masterPassword) {
        int port = freePort();
        Path dir = tempDirectory();
        Path conf = dir.resolve("sentinel.conf");
        try {
            Files.writeString(conf, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "dir " + dir,
                    "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
                    "sentinel auth-pass " + masterName + " " + masterPassword,
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisProcess sentinel = new RedisProcess(port, dir, List.of(conf.toString(), "--sentinel"));
        sentinel.launch();
        return sentinel;
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("simplepush-redis-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
        }
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server again on the same port and directory (after {@link #kill()}). */
    synchronized void launch() {
        if (isAlive()) {
            // A second redis-server could not bind the port and would leave this object holding a dead process.
            return;
        }
        List<String> command = new ArrayList<>(List.of("redis-server"));
        command.addAll(args);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server (is it installed and on PATH?): "
                    + e.getMessage(), e);
        }
        awaitPing();
    }

    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    void pause() {
        if (!isAlive()) {
            throw new IllegalStateException("cannot pause redis-server on port " + port + ": it is not running");
        }
        signal("-STOP");
        // kill returns once the signal is queued; wait until the process really is stopped ("T" in /proc), so the
        // next command a test sends can only meet a frozen server.
        awaitState('T');
    }

    private void awaitState(char wanted) {
        java.nio.file.Path stat = java.nio.file.Path.of("/proc", Long.toString(process.pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                String text = java.nio.file.Files.readString(stat);
                // The state follows the command name in parentheses, which may itself contain spaces.
                if (text.charAt(text.lastIndexOf(')') + 2) == wanted) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("redis-server on port " + port + " did not reach state " + wanted);
    }

    /** Whether the redis-server this object started last is still running. */
    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Thaws a paused server (SIGCONT). */
    void resume() {
        signal("-CONT");
    }

    /** Kills the server at once (SIGKILL), as a crash does. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the server and removes its directory. */
    synchronized void close() {
        if (process != null) {
            resume();
            kill();
            process = null;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    private synchronized void signal(String signal) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see "
                        + dir.resolve("redis.log"));
            }
            // A Redis with a password answers NOAUTH, which shows it is up just as well.
            String reply = command(port, "PING");
            if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH")) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for redis-server", e);
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within " + STARTUP);
    }

    /** Sends one inline command and returns the first reply line, or "" if nothing answered. */
    static String command(int port, String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int read = in.read(buffer);
            return read <= 0 ? "" : new String(buffer, 0, read, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
