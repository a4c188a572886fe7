package dev.simplepush.transport.websocket.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simplepush.core.PushConfig;
import dev.simplepush.transport.websocket.HeapHistogram;
import dev.simplepush.transport.websocket.TestServer;
import dev.simplepush.transport.websocket.TlsConfig;
import dev.simplepush.transport.websocket.WebSocketConfig;
import dev.simplepush.transport.websocket.testing.TestCertificates;
import dev.simplepush.transport.websocket.testing.TestCertificates.Issued;
import dev.simplepush.transport.websocket.testing.TestCertificates.KeyFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an idle TLS device connection costs the server: direct memory (none may stay per connection: Undertow's TLS
 * connection takes its record buffers from a pool only while bytes move) and heap, against a plain one. The devices
 * run in a process of their own ({@link IdleDevicesProcess}), so everything on this JVM's heap is the server's.
 */
class TlsFootprintIT {

    private static final int DEVICES = 400;
    /** Direct bytes an idle TLS connection may keep: none by design; the slack is the JVM's own noise. */
    private static final long MAX_DIRECT_BYTES_PER_SOCKET = 256;
    /**
     * Heap an idle TLS connection may keep, all of it: what a plain one keeps (measured 2.8 KB here, with 400 devices)
     * and the JDK's TLS engine, session and two AES-GCM ciphers with Undertow's TLS connection (measured 8.9 KB more).
     */
    private static final long MAX_HEAP_BYTES_PER_TLS_SOCKET = 16_000;

    @TempDir
    Path folder;

    @Test
    void anIdleTlsDeviceKeepsNoDirectMemoryAndABoundedHeap() throws Exception {
        Footprint plain;
        try (TestServer server = TestServer.start(PushConfig.defaults(), WebSocketConfig.builder().port(0).build())) {
            plain = measure(server, URI.create("ws://127.0.0.1:" + server.port() + "/"), Optional.empty());
        }
        Issued issued = TestCertificates.ec("footprint");
        Path chain = folder.resolve("chain.pem");
        issued.writeTo(chain, folder.resolve("key.pem"), KeyFormat.PKCS8);
        Footprint tls;
        try (TestServer server = TestServer.start(PushConfig.defaults(), WebSocketConfig.builder().port(0)
                .tls(TlsConfig.pemFiles(chain, folder.resolve("key.pem"))).build())) {
            tls = measure(server, URI.create("wss://127.0.0.1:" + server.port() + "/"), Optional.of(chain));
        }
        System.out.printf("idle device, per connection: plain %d B heap, %d B direct; TLS %d B heap, %d B direct%n",
                plain.heapPerSocket(), plain.directPerSocket(), tls.heapPerSocket(), tls.directPerSocket());

        assertThat(tls.directPerSocket()).as("direct bytes per idle TLS connection")
                .isLessThanOrEqualTo(MAX_DIRECT_BYTES_PER_SOCKET);
        assertThat(tls.heapPerSocket()).as("heap bytes per idle TLS connection")
                .isLessThanOrEqualTo(MAX_HEAP_BYTES_PER_TLS_SOCKET);
    }

    /** Heap and direct bytes per device once {@link #DEVICES} sit idle, against the server warmed by a few. */
    private static Footprint measure(TestServer server, URI url, Optional<Path> certificate) throws Exception {
        // Warming: classes loaded, pools and caches filled, as on a server that has served before.
        try (Devices warm = Devices.start(url, 20, certificate)) {
            warm.awaitReady();
        }
        server.awaitNoOpenSessions();
        HeapHistogram before = HeapHistogram.take();
        long directBefore = direct();
        try (Devices devices = Devices.start(url, DEVICES, certificate)) {
            devices.awaitReady();
            TestServer.await(() -> server.service.openSessions() == DEVICES, DEVICES + " sessions open");
            HeapHistogram idle = HeapHistogram.take();
            long directIdle = direct();
            return new Footprint((idle.bytes(name -> true) - before.bytes(name -> true)) / DEVICES,
                    (directIdle - directBefore) / DEVICES);
        }
    }

    private static long direct() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool bean");
    }

    private record Footprint(long heapPerSocket, long directPerSocket) {
    }

    /** The devices' process. */
    private static final class Devices implements AutoCloseable {
        private final Process process;
        private final int count;

        private Devices(Process process, int count) {
            this.process = process;
            this.count = count;
        }

        static Devices start(URI url, int count, Optional<Path> certificate) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), IdleDevicesProcess.class.getName(),
                    url.toString(), Integer.toString(count)));
            certificate.ifPresent(file -> command.add(file.toString()));
            return new Devices(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start(),
                    count);
        }

        /** Blocks until the process says its devices are connected; its output is read on this thread. */
        void awaitReady() throws IOException {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII));
            String line = out.readLine();
            assertThat(line).as("the devices' process").isEqualTo("ready " + count);
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(TestServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
