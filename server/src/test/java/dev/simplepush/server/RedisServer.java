package dev.simplepush.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} child process on a free loopback port, for the packaged server's tests (store-redis has its
 * own helpers, but no test jar). Its data lives in a temporary directory; {@link #close()} kills it.
 */
final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts {@code redis-server} with {@code args} after the port, address and directory; waits for PONG. */
    static RedisServer start(String... args) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path dir = Files.createTempDirectory("simplepush-redis-");
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisServer redis = new RedisServer(process, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!redis.cli("PING").equals("PONG")) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                redis.close();
                throw new IllegalStateException("redis-server did not start; see " + dir.resolve("redis.log"));
            }
            Thread.sleep(20);
        }
        return redis;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Runs one command with {@code redis-cli}; its output, trimmed ("" if it could not run). */
    String cli(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        line.addAll(List.of(command));
        Process cli = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return cli.waitFor(10, TimeUnit.SECONDS) && cli.exitValue() == 0 ? out : "";
    }

    /** Kills the server, as a crash would. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
