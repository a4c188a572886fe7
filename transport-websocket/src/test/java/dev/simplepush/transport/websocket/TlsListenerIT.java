package dev.simplepush.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.TransportException;
import dev.simplepush.transport.websocket.testing.TestCertificates;
import dev.simplepush.transport.websocket.testing.TestCertificates.Issued;
import dev.simplepush.transport.websocket.testing.TestCertificates.KeyFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The listener with TLS over real sockets: a certificate made in the test, devices on {@code wss://} and app servers
 * on {@code https://}; plain HTTP on the TLS port, a certificate renewed on disk, and files that do not make a pair.
 */
class TlsListenerIT {

    @TempDir
    Path folder;

    @Test
    void aDeviceOnWssGetsWhatAnAppServerPutsOverHttps() throws Exception {
        Issued issued = TestCertificates.ec("tls listener");
        try (TestServer server = start(issued, KeyFormat.PKCS8, TlsConfig.DEFAULT_RELOAD_INTERVAL)) {
            HttpClient client = client(issued.clientContext());
            assertThat(server.transport.baseUrl().getScheme()).isEqualTo("https");
            try (TestDevice device = TestDevice.connect(client, wss(server))) {
                device.hello();
                TestDevice.Registration registration = device.register();
                assertThat(registration.endpoint().getScheme()).as("the endpoint handed to the device").isEqualTo(
                        "https");

                HttpResponse<String> put = client.send(HttpRequest.newBuilder(registration.endpoint())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .PUT(HttpRequest.BodyPublishers.ofString("version=7")).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(put.statusCode()).isEqualTo(200);
                assertThat(device.next()).contains("\"messageType\":\"notification\"").contains("\"version\":7");
            }
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsClosedWithoutAnHttpAnswer() throws Exception {
        Issued issued = TestCertificates.ec("tls listener");
        try (TestServer server = start(issued, KeyFormat.PKCS8, TlsConfig.DEFAULT_RELOAD_INTERVAL);
                Socket plain = new Socket("127.0.0.1", server.port())) {
            plain.setSoTimeout((int) TestServer.TIMEOUT.toMillis());
            plain.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));

            String answer = readUntilClosed(plain.getInputStream());

            assertThat(answer).as("what the TLS port answers plain HTTP").doesNotContain("HTTP/1.1");
            // And the listener goes on serving TLS.
            HttpResponse<String> health = client(issued.clientContext()).send(
                    HttpRequest.newBuilder(server.transport.baseUrl().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aCertificateRenewedOnDiskIsServedToTheNextConnection() throws Exception {
        Issued first = TestCertificates.ec("first");
        Issued renewed = TestCertificates.rsa("renewed");
        try (TestServer server = start(first, KeyFormat.PKCS8, Duration.ofMillis(100))) {
            HttpClient trustsFirst = client(first.clientContext());
            try (TestDevice before = TestDevice.connect(trustsFirst, wss(server))) {
                before.hello();
                TestDevice.Registration registration = before.register();

                renewed.writeTo(folder.resolve("chain.pem"), folder.resolve("key.pem"), KeyFormat.TRADITIONAL);

                HttpClient trustsRenewed = client(renewed.clientContext());
                TestServer.await(() -> healthy(trustsRenewed, server), "the renewed certificate served");
                assertThatThrownBy(() -> trustsFirst.send(health(server), HttpResponse.BodyHandlers.ofString()))
                        .as("a new connection that trusts only the first certificate")
                        .isInstanceOf(IOException.class);
                // A connection made before the renewal keeps working.
                HttpResponse<String> put = trustsRenewed.send(HttpRequest.newBuilder(registration.endpoint())
                        .PUT(HttpRequest.BodyPublishers.ofString("version=3"))
                        .header("Content-Type", "application/x-www-form-urlencoded").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(put.statusCode()).isEqualTo(200);
                assertThat(before.next()).contains("\"version\":3");
            }
        }
    }

    @Test
    void aRenewedPairThatDoesNotMatchIsLoggedAndTheCertificateInUseKept() throws Exception {
        Issued first = TestCertificates.ec("first");
        Issued other = TestCertificates.ec("other");
        Logger logger = (Logger) LoggerFactory.getLogger("dev.simplepush.transport.websocket.internal.tls.TlsContexts");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (TestServer server = start(first, KeyFormat.PKCS8, Duration.ofMillis(100))) {
            Files.writeString(folder.resolve("key.pem"), other.keyPem(KeyFormat.PKCS8));

            TestServer.await(() -> logged.list.stream().anyMatch(event -> event.getLevel() == Level.WARN
                    && event.getFormattedMessage().contains("key.pem")), "a warning about the new key");
            assertThat(healthy(client(first.clientContext()), server)).as("the first certificate still served")
                    .isTrue();
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesFailsTheStartNamingTheFile() {
        Issued first = TestCertificates.ec("first");
        Path chain = folder.resolve("chain.pem");
        Path key = folder.resolve("key.pem");
        first.writeTo(chain, key, KeyFormat.PKCS8);
        writeKey(key, TestCertificates.ec("other").keyPem(KeyFormat.TRADITIONAL));

        assertThatThrownBy(() -> startOrThrow(chain, key)).isInstanceOf(TransportException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("not the key of the first certificate");

        writeKey(key, "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> startOrThrow(chain, key)).isInstanceOf(TransportException.class)
                .hasMessageContaining(key.toString());

        Path missing = folder.resolve("missing.pem");
        assertThatThrownBy(() -> startOrThrow(missing, key)).isInstanceOf(TransportException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    @Timeout(30) // a blocked channel read is not bound by the socket's timeout
    void aDeviceSocketClosedByTheServerEndsWithCloseNotify() throws Exception {
        Issued issued = TestCertificates.ec("tls listener");
        Path chain = folder.resolve("chain.pem");
        Path key = folder.resolve("key.pem");
        issued.writeTo(chain, key, KeyFormat.PKCS8);
        // A device that never says hello is closed by the server (P2.8) after this; as it never answers the close
        // frame either, the server ends the connection after its close grace.
        PushConfig quick = PushConfig.builder().helloTimeout(Duration.ofMillis(300)).build();
        try (TestServer server = TestServer.start(quick, tls(chain, key, TlsConfig.DEFAULT_RELOAD_INTERVAL))) {
            byte[] upgrade = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);

            assertThat(endsWithCloseNotify(issued.clientContext(), server.port(), upgrade))
                    .as("close_notify before the end of the connection").isTrue();
        }
    }

    /**
     * Sends {@code request} over TLS to {@code port}, reads until the server ends the connection, and says whether
     * it sent close_notify first. Through an {@link SSLEngine}: an {@code SSLSocket} reads the end the same either way,
     * while the engine refuses to close its inbound side without close_notify.
     */
    private static boolean endsWithCloseNotify(SSLContext context, int port, byte[] request) throws IOException {
        SSLEngine engine = context.createSSLEngine("127.0.0.1", port);
        engine.setUseClientMode(true);
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            int packet = engine.getSession().getPacketBufferSize();
            ByteBuffer netIn = ByteBuffer.allocate(packet * 4);
            ByteBuffer netOut = ByteBuffer.allocate(packet * 4);
            ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 4);
            ByteBuffer appOut = ByteBuffer.wrap(request);
            engine.beginHandshake();
            long deadline = System.nanoTime() + TestServer.TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
                if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP
                        || status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && appOut.hasRemaining()) {
                    netOut.clear();
                    engine.wrap(appOut, netOut);
                    netOut.flip();
                    while (netOut.hasRemaining()) {
                        channel.write(netOut);
                    }
                } else {
                    netIn.flip();
                    SSLEngineResult result = engine.unwrap(netIn, appIn);
                    netIn.compact();
                    appIn.clear();
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return true;
                    }
                    if ((result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || result.bytesConsumed() == 0 && result.bytesProduced() == 0)
                            && channel.read(netIn) == -1) {
                        try {
                            engine.closeInbound();
                            return true;
                        } catch (SSLException truncated) {
                            return false;
                        }
                    }
                }
            }
            throw new AssertionError("the server did not end the connection within " + TestServer.TIMEOUT);
        }
    }

    private TestServer start(Issued issued, KeyFormat format, Duration reload) {
        Path chain = folder.resolve("chain.pem");
        Path key = folder.resolve("key.pem");
        issued.writeTo(chain, key, format);
        return TestServer.start(PushConfig.defaults(), tls(chain, key, reload));
    }

    private static WebSocketConfig tls(Path chain, Path key, Duration reload) {
        return WebSocketConfig.builder().port(0).tls(TlsConfig.pemFiles(chain, key).withReloadInterval(reload))
                .build();
    }

    /** The start's failure itself, as an embedder sees it from {@code PushServer.start()}. */
    private static void startOrThrow(Path chain, Path key) throws Throwable {
        try {
            TestServer.start(PushConfig.defaults(), tls(chain, key, Duration.ofSeconds(1))).close();
        } catch (AssertionError failed) {
            Throwable cause = failed.getCause();
            while (cause != null && !(cause instanceof TransportException)) {
                cause = cause.getCause();
            }
            throw cause == null ? failed : cause;
        }
    }

    private static void writeKey(Path key, String pem) {
        try {
            Files.writeString(key, pem);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpClient client(SSLContext trusting) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting)
                .connectTimeout(TestServer.TIMEOUT).build();
    }

    private static URI wss(TestServer server) {
        return URI.create("wss://127.0.0.1:" + server.port() + "/");
    }

    private static HttpRequest health(TestServer server) {
        return HttpRequest.newBuilder(server.transport.baseUrl().resolve("/health")).timeout(TestServer.TIMEOUT)
                .build();
    }

    private static boolean healthy(HttpClient client, TestServer server) {
        try {
            return client.send(health(server), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String readUntilClosed(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        try {
            for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
                bytes.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the TLS port kept a plain HTTP connection open", e);
        } catch (IOException reset) {
            // A reset ends the connection as well as a close.
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
