package dev.simplepush.transport.udp;

import dev.simplepush.core.PushTimers;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import dev.simplepush.core.spi.WakeupSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends wake-ups (P8.3) by the method of the device's network, and retries them with back-off.
 *
 * <p>A device has at most one wake-up series outstanding: the first {@link #wake} sends at once; later calls
 * while the series runs are absorbed (that is the per-device rate limit). An unanswered wake-up is sent again
 * after {@code retryInterval}, then twice that, and so on, {@code maxAttempts} in all; the series ends early when
 * the device says hello on this node ({@link #deviceReturned}) or is found connected anywhere (the
 * {@link Router}) before a retry, and otherwise ends one back-off period after its last attempt. Only devices with
 * a running series take memory.
 *
 * <p>Thread-safe; never blocks the caller: datagrams go through a non-blocking channel, HTTPS requests are
 * asynchronous, retries are timers of the push server's {@link Scheduler}.
 */
final class UdpWakeupSender implements WakeupSender {

    private static final Logger LOG = LoggerFactory.getLogger(UdpWakeupSender.class);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

    private final UdpWakeupConfig config;
    private final NetworkWakeupPolicy policy;
    private final Router router;
    private final Map<Uaid, Series> outstanding = new ConcurrentHashMap<>();
    private final Counter sent;
    private final Counter failed;
    private final Counter retried;
    private final Counter woken;
    private final Timer duration;
    private final Object lock = new Object();
    private @Nullable DatagramChannel channel;
    private final Scheduler scheduler;
    private boolean started;
    private volatile Map<WakeupNetwork, HttpClient> httpClients = Map.of();
    private boolean stopped;

    /** One device's running wake-up series; identity matters, so a stale retry never touches a newer series. */
    private static final class Series {
        final WakeupAddress address;
        final WakeupNetwork network;
        int attempts;

        Series(WakeupAddress address, WakeupNetwork network) {
            this.address = address;
            this.network = network;
        }
    }

    UdpWakeupSender(UdpWakeupConfig config, NetworkWakeupPolicy policy, Router router, MeterRegistry meters,
            Scheduler scheduler) {
        this.config = config;
        this.scheduler = scheduler;
        this.policy = policy;
        this.router = router;
        sent = Counter.builder("simplepush.wakeup.sent").description("wake-ups sent (P8.3)").register(meters);
        failed = Counter.builder("simplepush.wakeup.failed").description("wake-ups that could not be sent")
                .register(meters);
        retried = Counter.builder("simplepush.wakeup.retried").description("wake-ups sent again after no answer")
                .register(meters);
        woken = Counter.builder("simplepush.wakeup.woken")
                .description("devices that came back while a wake-up series was running").register(meters);
        duration = PushTimers.builder("simplepush.wakeup.duration",
                "wake-ups sent, from the decision (a new update, or the retry's turn) to the datagram or HTTPS "
                        + "request sent").register(meters);
    }

    @Override
    public CompletionStage<Void> start() {
        synchronized (lock) {
            if (stopped) {
                return CompletableFuture.failedFuture(new IllegalStateException("wake-up sender stopped"));
            }
            if (started) {
                return CompletableFuture.completedFuture(null);
            }
            try {
                Map<WakeupNetwork, HttpClient> clients = new HashMap<>();
                for (WakeupNetwork network : config.networks()) {
                    if (network.method() instanceof WakeupMethod.Https https) {
                        clients.put(network, httpClient(https));
                    }
                }
                DatagramChannel opened = DatagramChannel.open();
                opened.configureBlocking(false);
                channel = opened;
                httpClients = Map.copyOf(clients);
            } catch (IOException | GeneralSecurityException e) {
                return CompletableFuture.failedFuture(new IllegalStateException("cannot start wake-up sender: " + e, e));
            }
            started = true;
            LOG.info("UDP wake-up enabled for {} network(s)", config.networks().size());
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public CompletionStage<Void> stop() {
        synchronized (lock) {
            stopped = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.debug("closing the wake-up channel failed", e);
                }
            }
            outstanding.clear();
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public CompletionStage<Void> wake(Uaid uaid, WakeupAddress address) {
        long decided = System.nanoTime();
        Optional<WakeupNetwork> network = policy.networkFor(address);
        if (network.isEmpty()) {
            // Configuration changed since the device's hello: it is no longer wakeable.
            return CompletableFuture.failedFuture(
                    new IllegalStateException("no wakeable network for " + address.mcc() + "/" + address.mnc()));
        }
        Series series = new Series(address, network.get());
        if (outstanding.putIfAbsent(uaid, series) != null) {
            return CompletableFuture.completedFuture(null);
        }
        return attempt(uaid, series, decided);
    }

    @Override
    public void deviceReturned(Uaid uaid) {
        if (outstanding.remove(uaid) != null) {
            woken.increment();
            LOG.debug("device {} came back after a wake-up", uaid);
        }
    }

    /** The number of devices with a wake-up series running. */
    int outstanding() {
        return outstanding.size();
    }

    private CompletionStage<Void> attempt(Uaid uaid, Series series, long decided) {
        int attempt;
        synchronized (series) {
            attempt = ++series.attempts;
        }
        CompletionStage<Void> send = send(series);
        send.whenComplete((v, failure) -> {
            if (failure == null) {
                sent.increment();
                duration.record(System.nanoTime() - decided, TimeUnit.NANOSECONDS);
                LOG.debug("wake-up {} of {} sent to {}:{}", attempt, uaid, series.address.ip(), series.address.port());
            } else {
                failed.increment();
                LOG.warn("wake-up {} of {} failed: {}", attempt, uaid, failure.toString());
            }
        });
        // Back-off: retryInterval, then doubled per attempt; after the last one the series lingers one more
        // period so that a burst of updates cannot restart it at once.
        Duration delay = config.retryInterval().multipliedBy(1L << Math.min(attempt - 1, 20));
        schedule(() -> {
            if (attempt < config.maxAttempts()) {
                retry(uaid, series);
            } else {
                outstanding.remove(uaid, series);
            }
        }, delay);
        return send;
    }

    private void retry(Uaid uaid, Series series) {
        if (outstanding.get(uaid) != series) {
            return;
        }
        long decided = System.nanoTime();
        router.isConnected(uaid).whenComplete((connected, failure) -> {
            if (outstanding.get(uaid) != series) {
                return;
            }
            if (failure == null && connected) {
                // Back on another node: its hello did not pass through this sender.
                if (outstanding.remove(uaid, series)) {
                    woken.increment();
                }
                return;
            }
            retried.increment();
            attempt(uaid, series, decided);
        });
    }

    /** Runs {@code task} after {@code delay} unless the sender stopped; a retry of a stale series does nothing. */
    private void schedule(Runnable task, Duration delay) {
        synchronized (lock) {
            if (stopped || !started) {
                return;
            }
        }
        try {
            scheduler.schedule(() -> {
                synchronized (lock) {
                    if (stopped) {
                        return;
                    }
                }
                task.run();
            }, delay);
        } catch (RejectedExecutionException stopping) {
            // The server is stopping: nothing more to retry.
        }
    }

    private CompletionStage<Void> send(Series series) {
        if (series.network.method() instanceof WakeupMethod.Https) {
            return post(series);
        }
        return datagram(series.address);
    }

    private CompletionStage<Void> datagram(WakeupAddress address) {
        DatagramChannel out;
        synchronized (lock) {
            out = channel;
        }
        if (out == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("wake-up sender not started"));
        }
        // P8.3 / Gecko §7.1: the payload is ignored by the device; Telefónica's proxy sends this text.
        String payload = "NOTIFY " + address.ip() + ":" + address.port();
        try {
            InetSocketAddress target = new InetSocketAddress(IpRange.literal(address.ip())
                    .orElseThrow(() -> new IOException("not an IP literal: " + address.ip())), address.port());
            int written = out.send(ByteBuffer.wrap(payload.getBytes(StandardCharsets.US_ASCII)), target);
            if (written == 0) {
                return CompletableFuture.failedFuture(new IOException("send buffer full"));
            }
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<Void> post(Series series) {
        WakeupMethod.Https https = (WakeupMethod.Https) series.network.method();
        HttpClient client = httpClients.get(series.network);
        if (client == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("wake-up sender not started"));
        }
        WakeupAddress address = series.address;
        Map<String, String> form = new LinkedHashMap<>();
        form.put("ip", address.ip());
        form.put("port", Integer.toString(address.port()));
        form.put("protocol", "udp");
        form.put("mcc", address.mcc());
        form.put("mnc", address.mnc());
        form.put("netid", address.netid().orElse(""));
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(https.url())
                .timeout(HTTP_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(response -> {
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("wake-up service " + https.url() + " answered " + response.statusCode());
            }
            return null;
        });
    }

    private static HttpClient httpClient(WakeupMethod.Https https) throws IOException, GeneralSecurityException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT);
        if (https.clientCertificate().isPresent() || https.trustStore().isPresent()) {
            KeyManagerFactory keys = null;
            if (https.clientCertificate().isPresent()) {
                KeyStoreFile file = https.clientCertificate().get();
                char[] password = file.password().toCharArray();
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(KeyStore.getInstance(file.path().toFile(), password), password);
            }
            TrustManagerFactory trust = null;
            if (https.trustStore().isPresent()) {
                KeyStoreFile file = https.trustStore().get();
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(KeyStore.getInstance(file.path().toFile(), file.password().toCharArray()));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            builder.sslContext(context);
        }
        return builder.build();
    }
}
