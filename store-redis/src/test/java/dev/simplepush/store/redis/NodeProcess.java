package dev.simplepush.store.redis;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.WebSocketTransport;
import dev.simplepush.transport.websocket.WebSocketTransportModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Node} in a child JVM of its own, so a test can freeze the whole node (SIGSTOP) as a stalled host or a
 * long GC pause would: its Redis connections and sockets stay open, and it does nothing at all. The child runs
 * {@link #main} on this JVM's class path and stops when its standard input closes or it is killed.
 */
final class NodeProcess implements AutoCloseable {

    private static final String READY = "node ready at ";
    private static final Duration STARTUP = Node.STARTUP;

    private final Process process;
    private final Path log;
    private final URI webSocket;

    private NodeProcess(Process process, Path log, URI webSocket) {
        this.process = process;
        this.log = log;
        this.webSocket = webSocket;
    }

    /** Starts a node on {@code config}'s Redis (its URI, key prefix and node id; the other settings default). */
    static NodeProcess start(RedisStoreConfig config) {
        Path log;
        Process process;
        try {
            log = Files.createTempFile("simplepush-node-", ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // Under Maven the class path may be one jar whose manifest lists the rest; java reads that too.
            process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), NodeProcess.class.getName(),
                    config.uris().get(0).toString(), config.keyPrefix(), config.nodeId())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<URI> ready = readyAt(log);
            if (ready.isPresent()) {
                return new NodeProcess(process, log, ready.get());
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the node exited with " + process.exitValue() + "; see " + log);
            }
            pause();
        }
        process.destroyForcibly();
        throw new IllegalStateException("the node did not start within " + STARTUP + "; see " + log);
    }

    private static Optional<URI> readyAt(Path log) {
        try {
            // Leniently decoded: the child may be halfway through writing a line.
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .filter(line -> line.startsWith(READY)).findFirst()
                    .map(line -> URI.create(line.substring(READY.length()).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The device WebSocket URI of the node. */
    URI webSocket() {
        return webSocket;
    }

    /** The node's log (its standard output and error), kept until {@link #close()}. */
    Path log() {
        return log;
    }

    /**
     * Kills the node at once (SIGKILL, which also ends a frozen one), as a crash does: nothing of it runs any more,
     * its sockets close and its Redis presence stays behind. Unlike {@link #close()} it keeps the log, to read later.
     */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the node did not die within 10 s of SIGKILL; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes the whole node (SIGSTOP) and returns once the kernel says it is stopped. */
    void freeze() {
        signal("-STOP");
        awaitState('T');
    }

    /** Thaws a frozen node (SIGCONT). */
    void thaw() {
        signal("-CONT");
    }

    /** Kills the node (SIGKILL, which also ends a frozen one) and removes its log. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }

    private void signal(String signal) {
        try {
            new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitState(char wanted) {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                String text = Files.readString(stat);
                // The state follows the command name in parentheses, which may itself contain spaces.
                if (text.charAt(text.lastIndexOf(')') + 2) == wanted) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("the node did not reach state " + wanted);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the node", e);
        }
    }

    /**
     * The child: {@code <redis uri> <key prefix> <node id>}. Composed as {@link Node} does, but with a longer wait
     * for the start, which a cold JVM on a busy machine needs.
     */
    public static void main(String[] args) throws Exception {
        RedisStoreConfig config = RedisStoreConfig.builder().uri(args[0]).keyPrefix(args[1]).nodeId(args[2]).build();
        Injector injector = Guice.createInjector(Stage.PRODUCTION,
                new PushCoreModule(PushConfig.builder().tokenKeys(List.of(Node.TOKEN_KEY)).build()),
                new RedisStoreModule(config),
                new WebSocketTransportModule(WebSocketConfig.builder().host("127.0.0.1").port(0).build()));
        PushServer server = injector.getInstance(PushServer.class);
        server.start().toCompletableFuture().get(STARTUP.toSeconds(), TimeUnit.SECONDS);
        int port = injector.getInstance(WebSocketTransport.class).localAddress().getPort();
        System.out.println(READY + "ws://127.0.0.1:" + port + "/");
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the parent closes our input or kills us
        }
        server.stop().toCompletableFuture().get(STARTUP.toSeconds(), TimeUnit.SECONDS);
    }
}
