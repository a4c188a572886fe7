package dev.simplepush.benchmarks.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code PUT version=N} to device endpoints (P4.1) over the JDK's asynchronous HTTP/1.1 client,
 * at most {@code maxInFlight} requests outstanding (so at most that many keep-alive connections); SimplePush only.
 * Each PUT's version comes from the device's {@link ChannelLedger}, and its answer is recorded there.
 *
 * <p>{@link #put} is called by one driver thread and blocks it while the in-flight limit is reached.
 */
final class JdkPutClient implements PutClient {

    private final HttpClient http;
    private final ExecutorService executor;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Stats stats;

    JdkPutClient(int maxInFlight, int threads, Stats stats) {
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.stats = stats;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "load-http");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
    }

    @Override
    public boolean put(Device device, String data) throws InterruptedException {
        URI endpoint = device.endpoint;
        if (endpoint == null) {
            return false;
        }
        if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
            return false;
        }
        long start = System.nanoTime();
        long version = device.ledger.send(start);
        String body = data.isEmpty() ? "version=" + version : "version=" + version + "&data=" + data;
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build();
        stats.puts.increment();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            inFlight.release();
            if (failure != null) {
                stats.putErrors.increment();
                device.ledger.failed(version);
                return;
            }
            stats.recordPut(System.nanoTime() - start);
            int status = response.statusCode();
            if (status == 200) {
                stats.put200.increment();
            } else if (status == 202) {
                stats.put202.increment();
            } else {
                stats.putOther.increment();
            }
            device.ledger.answered(version, status);
        });
        return true;
    }

    @Override
    public boolean awaitAnswers(Duration timeout) throws InterruptedException {
        if (inFlight.tryAcquire(maxInFlight, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            inFlight.release(maxInFlight);
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
