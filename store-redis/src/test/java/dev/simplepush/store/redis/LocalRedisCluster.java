package dev.simplepush.store.redis;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A 3-master Redis Cluster of {@code redis-server} child processes on free loopback ports, created with
 * {@code redis-cli --cluster create}, started once per test JVM (the first class that needs it starts it; it is
 * killed when the JVM's tests end). If it cannot be started the tests fail.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalRedisCluster CLUSTER = new LocalRedisCluster();
 * }</pre>
 */
final class LocalRedisCluster implements BeforeAllCallback {

    private static final Duration FORMATION = Duration.ofSeconds(20);
    private static final int MASTERS = 3;

    private Cluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Cluster.class, key -> Cluster.start(), Cluster.class);
    }

    /** The seed URIs, one per master. */
    List<URI> uris() {
        List<URI> uris = new ArrayList<>();
        for (RedisProcess node : cluster.nodes) {
            uris.add(URI.create(node.uri()));
        }
        return uris;
    }

    /** A Cluster configuration with a fresh key prefix. */
    RedisStoreConfig.Builder config() {
        return RedisStoreConfig.builder().uris(uris()).keyPrefix(LocalRedis.newPrefix())
                .receiptTimeout(Duration.ofSeconds(5));
    }

    /** The running processes; closed by JUnit when the root context closes. */
    private static final class Cluster implements AutoCloseable {

        private final List<RedisProcess> nodes = new ArrayList<>();

        static Cluster start() {
            Cluster cluster = new Cluster();
            try {
                for (int i = 0; i < MASTERS; i++) {
                    cluster.nodes.add(RedisProcess.start(freeClusterPort(), "--cluster-enabled", "yes",
                            "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
                }
                cluster.create();
                cluster.awaitOk();
                return cluster;
            } catch (RuntimeException failure) {
                cluster.close();
                throw failure;
            }
        }

        private void create() {
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisProcess node : nodes) {
                command.add("127.0.0.1:" + node.port());
            }
            command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(FORMATION.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot run redis-cli (is it installed and on PATH?): "
                        + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating the cluster", e);
            }
        }

        private void awaitOk() {
            long deadline = System.nanoTime() + FORMATION.toNanos();
            while (System.nanoTime() < deadline) {
                if (nodes.stream().allMatch(node ->
                        RedisProcess.command(node.port(), "CLUSTER INFO").contains("cluster_state:ok"))) {
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the cluster", e);
                }
            }
            throw new IllegalStateException("the cluster did not reach cluster_state:ok within " + FORMATION);
        }

        @Override
        public void close() {
            nodes.forEach(RedisProcess::close);
        }

        // The cluster bus listens on port + 10000, which must be a valid port too.
        private static int freeClusterPort() {
            for (int attempt = 0; attempt < 100; attempt++) {
                int port = RedisProcess.freePort();
                if (port + 10000 <= 65535) {
                    return port;
                }
            }
            throw new IllegalStateException("no free port below 55536 for a cluster node");
        }
    }
}
