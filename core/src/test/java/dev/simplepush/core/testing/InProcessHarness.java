package dev.simplepush.core.testing;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.simplepush.core.DeviceSession;
import dev.simplepush.core.EndpointToken;
import dev.simplepush.core.NotifyOutcome;
import dev.simplepush.core.PushConfig;
import dev.simplepush.core.PushCoreModule;
import dev.simplepush.core.PushServer;
import dev.simplepush.core.PushService;
import dev.simplepush.core.protocol.ClientMessage;
import dev.simplepush.core.protocol.CloseCodes;
import dev.simplepush.core.protocol.DeviceConnection;
import dev.simplepush.core.protocol.ServerMessage;
import dev.simplepush.core.spi.EndpointUrls;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ProtocolScenarios} harness without a network: the core composed with a store module, devices as
 * sessions on an in-memory {@link DeviceConnection}, the app server calling {@link PushService#notify} directly.
 * Raw frames and raw HTTP do not exist here, so the scenarios that need them are skipped. Store adapters run the
 * scenarios through it:
 *
 * <pre>{@code
 * class InProcessProtocolScenariosTest extends ProtocolScenarios {
 *     protected Harness start(PushConfig config) {
 *         return InProcessHarness.start(config, new InMemoryStoreModule());
 *     }
 * }
 * }</pre>
 */
public final class InProcessHarness {

    private InProcessHarness() {
    }

    /** Starts the core with {@code config} and the store of {@code storeModule}; closing the harness stops it. */
    public static ProtocolScenarios.Harness start(PushConfig config, Module storeModule) {
        return new Composed(config, storeModule);
    }

    private static final Duration STAGE_TIMEOUT = Duration.ofSeconds(5);
    private static final String ENDPOINT_BASE = "http://push.test/update/";
    /**
     * The status each outcome is answered with (P4.3). There is no HTTP here: the error body has the profile's
     * shape, with errno 0, and the transport's own table is tested by its own scenarios.
     */
    private static final Map<NotifyOutcome, Integer> STATUS = Map.of(
            NotifyOutcome.DELIVERED, 200,
            NotifyOutcome.STORED, 202,
            NotifyOutcome.BAD_VERSION, 400,
            NotifyOutcome.NOT_FOUND, 404,
            NotifyOutcome.GONE, 410,
            NotifyOutcome.DATA_TOO_LARGE, 413,
            NotifyOutcome.UNAVAILABLE, 503);

    /** The core composed with the store and a test {@link EndpointUrls}, as an embedder would. */
    private static final class Composed implements ProtocolScenarios.Harness, AppServer {

        private final PushServer server;
        private final PushService service;
        private final List<InProcessClient> clients = new CopyOnWriteArrayList<>();

        Composed(PushConfig config, Module storeModule) {
            Injector injector = Guice.createInjector(Stage.PRODUCTION,
                    new PushCoreModule(config),
                    storeModule,
                    binder -> binder.bind(EndpointUrls.class).toInstance(token -> URI.create(ENDPOINT_BASE + token.value())));
            server = injector.getInstance(PushServer.class);
            service = injector.getInstance(PushService.class);
            await(server.start());
        }

        @Override
        public ProtocolClient connect(List<String> subprotocols) {
            InProcessClient client = new InProcessClient(service);
            clients.add(client);
            return client;
        }

        @Override
        public AppServer appServer() {
            return this;
        }

        @Override
        public Response put(URI endpoint, Optional<String> version, Optional<String> data) {
            String path = endpoint.getRawPath();
            Optional<EndpointToken> token = EndpointToken.parse(path.substring(path.lastIndexOf('/') + 1));
            NotifyOutcome outcome = token.isEmpty() ? NotifyOutcome.NOT_FOUND
                    : await(service.notify(token.get(), version, data));
            int status = STATUS.get(outcome);
            String body = outcome.accepted() ? "{}"
                    : "{\"code\":" + status + ",\"errno\":0,\"error\":\"" + outcome + "\",\"message\":\"\"}";
            return new Response(status, body, Map.of("Content-Type", "application/json"));
        }

        @Override
        public void close() {
            for (InProcessClient client : clients) {
                client.close();
            }
            await(server.stop());
        }
    }

    /**
     * A device socket in memory. What the session sends is queued for the test, also after a close, so that a
     * session that keeps sending to a closed socket fails the scenario instead of going unnoticed. A close from
     * either side calls {@link DeviceSession#closed()} once, as a transport does when its socket is gone.
     */
    private static final class InProcessClient implements ProtocolClient, DeviceConnection {

        private final ClientInbox inbox = new ClientInbox();
        private final AtomicBoolean gone = new AtomicBoolean();
        private final DeviceSession session;

        InProcessClient(PushService service) {
            session = service.openSession(this);
            if (!inbox.isOpen()) {
                session.closed();
            }
        }

        @Override
        public boolean send(ServerMessage message) {
            inbox.add(message);
            return inbox.isOpen();
        }

        @Override
        public void close(int code, String reason) {
            gone(code);
        }

        @Override
        public void send(ClientMessage message) {
            if (!inbox.isOpen()) {
                throw new AssertionError("cannot send " + message + ": the connection is closed");
            }
            session.receive(message);
        }

        @Override
        public Optional<ServerMessage> poll(Duration timeout) {
            return inbox.poll(timeout);
        }

        @Override
        public OptionalInt awaitClose(Duration timeout) {
            return inbox.awaitClose(timeout);
        }

        @Override
        public boolean isOpen() {
            return inbox.isOpen();
        }

        @Override
        public void close() {
            gone(CloseCodes.NORMAL);
        }

        private void gone(int code) {
            if (gone.compareAndSet(false, true)) {
                inbox.closed(code);
                // The session is null only when the hello timer fires during openSession; the constructor then
                // reports the close itself.
                if (session != null) {
                    session.closed();
                }
            }
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(STAGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the stage failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the stage did not complete within " + STAGE_TIMEOUT, e);
        }
    }
}
