package dev.simplepush.transport.websocket.internal.tls;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Devices in a process of their own, so that their client objects stay off the server's heap while it is measured:
 * {@code java IdleDevicesProcess URL COUNT [CERTIFICATE.pem]} connects COUNT devices to URL ({@code ws://} or
 * {@code wss://}, trusting the certificate), each says hello and registers a channel, then prints {@code ready} and
 * keeps them open until its standard input ends.
 */
public final class IdleDevicesProcess {

    private IdleDevicesProcess() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int count = Integer.parseInt(args[1]);
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (args.length > 2) {
            builder.sslContext(trusting(Path.of(args[2])));
        }
        HttpClient client = builder.build();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Replies replies = new Replies();
            WebSocket socket = client.newWebSocketBuilder().buildAsync(url, replies).get(10, TimeUnit.SECONDS);
            socket.sendText("{\"messageType\":\"hello\"}", true).get(10, TimeUnit.SECONDS);
            replies.next();
            socket.sendText("{\"messageType\":\"register\",\"channelID\":\"" + java.util.UUID.randomUUID() + "\"}",
                    true).get(10, TimeUnit.SECONDS);
            replies.next();
            sockets.add(socket);
        }
        System.out.println("ready " + sockets.size());
        System.out.flush();
        InputStream in = System.in;
        while (in.read() != -1) {
            // until the parent closes our input
        }
        for (WebSocket socket : sockets) {
            socket.abort();
        }
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** One reply at a time. */
    private static final class Replies implements WebSocket.Listener {
        private volatile CompletableFuture<Void> reply = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            if (last) {
                reply.complete(null);
            }
            socket.request(1);
            return null;
        }

        void next() throws Exception {
            reply.get(10, TimeUnit.SECONDS);
            reply = new CompletableFuture<>();
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            reply.completeExceptionally(error);
        }
    }
}
