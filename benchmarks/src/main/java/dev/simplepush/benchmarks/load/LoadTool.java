package dev.simplepush.benchmarks.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load tool: simulates a fleet of devices against a SimplePush server and acts as their app server. See
 * {@code docs/benchmarks.md} for the scenarios and what each figure means. Exits 0 when no accepted update was
 * lost, 1 when one was, 2 on bad flags, 3 when the run overran its time bound.
 */
@Command(name = "simplepush-load", mixinStandardHelpOptions = true, version = "simplepush-load 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Simulates SimplePush or Web Push devices and an app server against a server; reports "
                + "connections, hellos/s, PUTs (POSTs)/s, notifications/s, send->receipt latency, lost updates and "
                + "server memory.%n")
public final class LoadTool implements Callable<Integer> {

    /** What the fleet does once connected. */
    enum Scenario {
        /** Connect, hello, register, and hold the connections for the duration. */
        IDLE,
        /** Connect, hello and register every device as fast as the server accepts; report hellos/s. */
        STORM,
        /** PUT to random connected devices at a rate (or as fast as possible); every device acks. */
        NOTIFY,
        /** PUTs flow while devices drop and reconnect (hello with UAID and channelIDs) continuously. */
        RECONNECT,
        /** notify and reconnect together, a share of PUTs carrying data. */
        MIXED
    }

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080/",
            description = "Server base URL; devices connect to its WebSocket at / (ws or http scheme). "
                    + "Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "idle",
            description = "idle, storm, notify, reconnect or mixed. Default: ${DEFAULT-VALUE}.")
    Scenario scenario;

    @Option(names = "--dialect", paramLabel = "NAME", defaultValue = "simplepush",
            description = "simplepush (PUT version=N, updates acked by version) or webpush (hello with use_webpush, "
                    + "POSTs of --body-bytes random bytes with TTL and Content-Encoding: aes128gcm, answered 201; "
                    + "notifications checked byte for byte and acked by message id). Default: ${DEFAULT-VALUE}.")
    Dialect dialect;

    @Option(names = "--body-bytes", paramLabel = "N", defaultValue = "2048",
            description = "webpush: bytes of every POST body, 8..4096 (the first 8 carry the message's sequence "
                    + "number, the rest is random, drawn once per device). Default: ${DEFAULT-VALUE}.")
    int bodyBytes;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "1000",
            description = "Devices to simulate, one socket and one channel each. Default: ${DEFAULT-VALUE}.")
    int devices;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long idle holds and notify/reconnect/mixed send, after warm-up. Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "5s",
            description = "Load before measuring (latencies and rates exclude it). Default: ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = "--rate", paramLabel = "PUTS_PER_S", defaultValue = "0",
            description = "PUTs per second; 0 sends as fast as the in-flight limit allows. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "64",
            description = "Most PUTs awaiting an answer (and keep-alive connections). Default: ${DEFAULT-VALUE}.")
    int maxInFlight;

    @Option(names = "--max-puts", paramLabel = "N", defaultValue = "20000000",
            description = "Stop sending after this many PUTs whatever the duration. Default: ${DEFAULT-VALUE}.")
    long maxPuts;

    @Option(names = "--data-share", paramLabel = "FRACTION", defaultValue = "0.5",
            description = "mixed, simplepush: share of PUTs carrying a 64-byte data field (every webpush POST has a "
                    + "body). Default: ${DEFAULT-VALUE}.")
    double dataShare;

    @Option(names = "--reconnect-rate", paramLabel = "PER_S", defaultValue = "500",
            description = "reconnect/mixed: devices dropped per second (each reconnects after --reconnect-delay); "
                    + "mixed uses a fifth of it. Default: ${DEFAULT-VALUE}.")
    int reconnectRate;

    @Option(names = "--reconnect-delay", paramLabel = "DURATION", defaultValue = "200ms",
            description = "How long a dropped device stays offline. Default: ${DEFAULT-VALUE}.")
    String reconnectDelay;

    @Option(names = "--connect-concurrency", paramLabel = "N", defaultValue = "1000",
            description = "Most devices connecting (not yet registered) at once. Default: ${DEFAULT-VALUE}.")
    int connectConcurrency;

    @Option(names = "--source-addresses", paramLabel = "IPS", split = ",",
            description = "Local addresses to bind device sockets to, round-robin (e.g. 127.0.0.2,127.0.0.3), so "
                    + "ephemeral ports do not run out. Default: the system's choice.")
    List<String> sourceAddresses = new ArrayList<>();

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1",
            description = "WebSocket I/O (selector) threads. Default: ${DEFAULT-VALUE}.")
    int ioThreads;

    @Option(names = "--ws-client", paramLabel = "NAME", defaultValue = "nio",
            description = "Device WebSocket client: nio (the tool's own, lean) or undertow (Undertow's client over "
                    + "XNIO, for comparison). Default: ${DEFAULT-VALUE}.")
    String wsClient;

    @Option(names = "--http-client", paramLabel = "NAME", defaultValue = "nio",
            description = "PUT client: nio (one selector thread, one request per keep-alive connection) or jdk "
                    + "(java.net.http.HttpClient async). Default: ${DEFAULT-VALUE}.")
    String httpClient;

    @Option(names = "--http-threads", paramLabel = "N", defaultValue = "2",
            description = "jdk client: threads completing PUT answers. Default: ${DEFAULT-VALUE}.")
    int httpThreads;

    @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "30s",
            description = "After sending stops, how long offline devices get to reconnect and every accepted "
                    + "update to arrive. Default: ${DEFAULT-VALUE}.")
    String drain;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "The server JVM's pid on this machine: heap (after jcmd GC.run) and RSS are measured "
                    + "before and after connecting.")
    Long serverPid;

    @Option(names = "--sample-every", paramLabel = "N", defaultValue = "0",
            description = "With --server-pid: also measure memory after every N connections (memory vs "
                    + "connections). Default: off.")
    int sampleEvery;

    @Option(names = "--progress", paramLabel = "DURATION", defaultValue = "5s",
            description = "Progress line interval. Default: ${DEFAULT-VALUE}.")
    String progress;

    @Option(names = "--json-out", paramLabel = "FILE", description = "Write the summary as JSON to FILE.")
    Path jsonOut;

    @Option(names = "--label", paramLabel = "TEXT", defaultValue = "",
            description = "A name for this run in the JSON (and charts).")
    String label;

    @Option(names = "--endpoints-out", paramLabel = "FILE",
            description = "Write every device's endpoint URL to FILE, one per line, once registered.")
    Path endpointsOut;

    @Option(names = "--allow-remote", defaultValue = "false",
            description = "Allow a server that is not on a loopback address.")
    boolean allowRemote;

    @Option(names = "--max-time", paramLabel = "DURATION",
            description = "Hard bound on the whole run; past it the tool exits 3. Default: connect time allowance "
                    + "(1 s per 500 devices + 60 s) + warm-up + duration + drain + 60 s.")
    String maxTime;

    private static final long MAX_BACKLOG_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Stats stats = new Stats();
    private volatile boolean churning;
    private volatile boolean reconnecting;

    /** Runs the tool; see the class comment for exit codes. */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new LoadTool());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Duration durationTime = Durations.parse(duration);
        Duration warmupTime = Durations.parse(warmup);
        Duration drainTime = Durations.parse(drain);
        Duration progressEvery = Durations.parse(progress);
        Duration offline = Durations.parse(reconnectDelay);
        URI wsUri = webSocketUri(url);
        List<InetAddress> sources = new ArrayList<>();
        for (String s : sourceAddresses) {
            sources.add(InetAddress.getByName(s.trim()));
        }
        if (!allowRemote && !isLoopback(wsUri.getHost())) {
            System.err.println("simplepush-load: " + wsUri.getHost() + " is not a loopback address; "
                    + "pass --allow-remote to load another machine");
            return 2;
        }
        if (devices < 1 || devices > 1_000_000 || maxInFlight < 1 || connectConcurrency < 1) {
            System.err.println("simplepush-load: --devices must be 1..1000000, limits at least 1");
            return 2;
        }
        if (bodyBytes < ChannelLedger.VERSION_BYTES || bodyBytes > 4096) {
            System.err.println("simplepush-load: --body-bytes must be 8..4096");
            return 2;
        }
        if (dialect == Dialect.WEBPUSH && (!wsClient.equalsIgnoreCase("nio") || !httpClient.equalsIgnoreCase("nio"))) {
            System.err.println("simplepush-load: --dialect webpush needs the nio clients");
            return 2;
        }
        Duration bound = maxTime != null ? Durations.parse(maxTime)
                : Duration.ofSeconds(60 + devices / 500).plus(warmupTime).plus(durationTime).plus(drainTime)
                        .plusSeconds(60);
        startWatchdog(bound);

        List<Device> fleetDevices = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            fleetDevices.add(new Device(i, dialect));
        }
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "load-timer");
            t.setDaemon(true);
            return t;
        });
        ServerProbe probe = serverPid == null ? null : new ServerProbe(serverPid);
        List<ServerProbe.Sample> samples = new ArrayList<>();
        Map<String, Object> result = new LinkedHashMap<>();
        int exit;
        java.util.function.Consumer<Device> onClosed = device -> {
            if (reconnecting) {
                timers.schedule(() -> reconnect(device), offline.toMillis(), TimeUnit.MILLISECONDS);
            }
        };
        try (Fleet fleet = wsClient.equalsIgnoreCase("undertow")
                ? new UndertowFleet(wsUri, sources, ioThreads, stats, onClosed)
                : new NioFleet(wsUri, sources, ioThreads, stats, onClosed); PutClient app = httpClient.equalsIgnoreCase("jdk") ? new JdkPutClient(maxInFlight, httpThreads, stats)
                : new NioPutClient(maxInFlight, bodyBytes, stats)) {
            this.fleet = fleet;
            say("%s, %s: %d devices -> %s, sources %s, %s client, %d I/O threads",
                    scenario.name().toLowerCase(Locale.ROOT), dialect.name().toLowerCase(Locale.ROOT), devices, wsUri,
                    sources.isEmpty() ? "system" : sourceAddresses, wsClient, ioThreads);
            if (probe != null) {
                samples.add(probe.sample(0));
                say("server before: heap %s, RSS %s; client heap %s", mib(samples.get(0).heapUsedBytes()),
                        mib(samples.get(0).rssBytes()), mib(samples.get(0).clientHeapUsedBytes()));
            }
            var progressTask = timers.scheduleAtFixedRate(new Progress(), progressEvery.toMillis(),
                    progressEvery.toMillis(), TimeUnit.MILLISECONDS);

            // Phase 1: connect every device.
            long setupStart = System.nanoTime();
            long cpuBefore = Cpu.self();
            long serverCpuBefore = Cpu.of(serverPid);
            long hellosBefore = stats.hellos.sum();
            int ready = connectAll(fleetDevices, probe, samples);
            long setupNanos = System.nanoTime() - setupStart;
            long connectHellos = stats.hellos.sum() - hellosBefore;
            double connectCpu = Cpu.microsPer(cpuBefore, Cpu.self(), connectHellos);
            double connectServerCpu = Cpu.microsPer(serverCpuBefore, Cpu.of(serverPid), connectHellos);
            double hellosPerSecond = rate(stats.hellos.sum(),
                    stats.lastHelloNanos.get() - stats.firstConnectNanos.get());
            say("connected %d of %d in %.1f s: %.0f hellos/s, %d connect failures", ready, devices,
                    setupNanos / 1e9, hellosPerSecond, stats.connectFailures.sum());
            if (endpointsOut != null) {
                writeEndpoints(fleetDevices);
            }
            ServerProbe.Sample after = null;
            ServerProbe.Sample held = null;
            if (probe != null) {
                after = probe.sample(stats.connected.get());
                if (samples.isEmpty() || samples.get(samples.size() - 1).connections() != after.connections()) {
                    samples.add(after);
                }
                say("server after: heap %s, RSS %s; client heap %s", mib(after.heapUsedBytes()),
                        mib(after.rssBytes()), mib(after.clientHeapUsedBytes()));
            }

            // Phase 2: the scenario's load.
            Map<String, Object> load = new LinkedHashMap<>();
            if (scenario != Scenario.STORM) {
                boolean sends = scenario != Scenario.IDLE;
                boolean churn = scenario == Scenario.RECONNECT || scenario == Scenario.MIXED;
                int dropRate = scenario == Scenario.MIXED ? Math.max(1, reconnectRate / 5) : reconnectRate;
                double share = scenario == Scenario.MIXED && dialect == Dialect.SIMPLEPUSH ? dataShare : 0;
                if (churn) {
                    reconnecting = true;
                    churning = true;
                    startChurn(timers, fleetDevices, dropRate);
                }
                Thread driver = null;
                Driver drive = new Driver(app, fleetDevices, share);
                if (sends) {
                    driver = new Thread(drive, "load-driver");
                    driver.start();
                }
                sleep(warmupTime);
                stats.resetLatencies();
                long[] before = snapshot();
                long loadCpuBefore = Cpu.self();
                long loadServerCpuBefore = Cpu.of(serverPid);
                long loadStart = System.nanoTime();
                sleep(durationTime);
                long loadNanos = System.nanoTime() - loadStart;
                long[] afterLoad = snapshot();
                long loadCpuAfter = Cpu.self();
                long loadServerCpuAfter = Cpu.of(serverPid);
                if (probe != null && !sends) {
                    // Idle devices stay for hours; what they cost then is what counts. Right after connecting, the
                    // server still holds some per-connection objects of the upgrade for a while (Undertow's
                    // no-request timer keeps each upgraded HTTP connection reachable for up to its 60 s).
                    held = probe.sample(stats.connected.get());
                    say("server after holding %.0f s: heap %s, RSS %s", loadNanos / 1e9, mib(held.heapUsedBytes()),
                            mib(held.rssBytes()));
                }
                churning = false;
                drive.stop = true;
                if (driver != null) {
                    driver.join(5_000);
                }
                load.put("seconds", loadNanos / 1e9);
                load.put("putsPerSecond", rate(afterLoad[0] - before[0], loadNanos));
                load.put("put200PerSecond", rate(afterLoad[1] - before[1], loadNanos));
                load.put("put201PerSecond", rate(afterLoad[8] - before[8], loadNanos));
                load.put("put202PerSecond", rate(afterLoad[2] - before[2], loadNanos));
                load.put("putOtherPerSecond", rate(afterLoad[3] - before[3], loadNanos));
                load.put("notificationsPerSecond", rate(afterLoad[4] - before[4], loadNanos));
                load.put("updatesReceivedPerSecond", rate(afterLoad[5] - before[5], loadNanos));
                load.put("reconnectsPerSecond", rate(afterLoad[6] - before[6], loadNanos));
                load.put("targetRate", rate);
                // CPU per update received (a PUT sent and answered, its notification received and acked).
                load.put("clientCpuMicrosPerUpdate",
                        Cpu.microsPer(loadCpuBefore, loadCpuAfter, afterLoad[5] - before[5]));
                load.put("serverCpuMicrosPerUpdate",
                        Cpu.microsPer(loadServerCpuBefore, loadServerCpuAfter, afterLoad[5] - before[5]));
                load.put("receiptLatencyMs", percentiles(stats.receiptTotal()));
                load.put("putLatencyMs", percentiles(stats.putTotal()));
                say("load: %.0f PUTs/s (200 %.0f, 201 %.0f, 202 %.0f, other %.0f), %.0f updates received/s",
                        load.get("putsPerSecond"), load.get("put200PerSecond"), load.get("put201PerSecond"),
                        load.get("put202PerSecond"), load.get("putOtherPerSecond"),
                        load.get("updatesReceivedPerSecond"));

                // Phase 3: drain. Every accepted update must reach its device, offline ones after reconnecting.
                if (sends) {
                    if (!app.awaitAnswers(Duration.ofSeconds(30))) {
                        say("drain: some PUTs still unanswered after 30 s");
                    }
                    reconnecting = true;
                    long drainEnd = System.nanoTime() + drainTime.toNanos();
                    while (System.nanoTime() < drainEnd) {
                        for (Device d : fleetDevices) {
                            if (d.state == Device.State.DISCONNECTED) {
                                reconnect(d);
                            }
                        }
                        if (lost(fleetDevices) == 0) {
                            break;
                        }
                        Thread.sleep(250);
                    }
                    reconnecting = false;
                }
            }
            progressTask.cancel(false);

            int lost = lost(fleetDevices);
            int unanswered = 0;
            for (Device d : fleetDevices) {
                unanswered += d.ledger.unanswered();
            }
            result.put("label", label.isEmpty() ? scenario.name().toLowerCase(Locale.ROOT) : label);
            result.put("scenario", scenario.name().toLowerCase(Locale.ROOT));
            result.put("dialect", dialect.name().toLowerCase(Locale.ROOT));
            if (dialect == Dialect.WEBPUSH) {
                result.put("bodyBytes", bodyBytes);
            }
            result.put("url", wsUri.toString());
            result.put("devices", devices);
            result.put("sourceAddresses", sourceAddresses);
            result.put("wsClient", wsClient);
            result.put("ioThreads", ioThreads);
            Map<String, Object> connect = new LinkedHashMap<>();
            connect.put("ready", ready);
            connect.put("held", stats.connected.get());
            connect.put("seconds", setupNanos / 1e9);
            connect.put("hellosPerSecond", hellosPerSecond);
            connect.put("failures", stats.connectFailures.sum());
            connect.put("clientCpuMicrosPerHello", connectCpu);
            connect.put("serverCpuMicrosPerHello", connectServerCpu);
            result.put("connect", connect);
            if (!load.isEmpty()) {
                result.put("load", load);
            }
            Map<String, Object> totals = new LinkedHashMap<>();
            totals.put("connectAttempts", stats.connectAttempts.sum());
            totals.put("hellos", stats.hellos.sum());
            totals.put("registers", stats.registers.sum());
            totals.put("registerFailures", stats.registerFailures.sum());
            totals.put("resets", stats.resets.sum());
            totals.put("drops", stats.drops.sum());
            totals.put("closedByServer", stats.closedByServer.sum());
            totals.put("puts", stats.puts.sum());
            totals.put("put200", stats.put200.sum());
            totals.put("put201", stats.put201.sum());
            totals.put("put202", stats.put202.sum());
            totals.put("putOther", stats.putOther.sum());
            totals.put("putErrors", stats.putErrors.sum());
            totals.put("notifications", stats.notifications.sum());
            totals.put("updatesReceived", stats.updatesReceived.sum());
            totals.put("duplicates", stats.duplicates.sum());
            totals.put("corrupt", stats.corrupt.sum());
            totals.put("protocolErrors", stats.protocolErrors.sum());
            totals.put("unanswered", unanswered);
            totals.put("lost", lost);
            result.put("totals", totals);
            if (probe != null) {
                ServerProbe.Sample first = samples.get(0);
                Map<String, Object> memory = new LinkedHashMap<>();
                memory.put("connections", after.connections());
                memory.put("heapBeforeBytes", first.heapUsedBytes());
                memory.put("heapAfterBytes", after.heapUsedBytes());
                memory.put("rssBeforeBytes", first.rssBytes());
                memory.put("rssAfterBytes", after.rssBytes());
                memory.put("heapBytesPerConnection", perConnection(first.heapUsedBytes(), after.heapUsedBytes(),
                        after.connections()));
                memory.put("rssBytesPerConnection", perConnection(first.rssBytes(), after.rssBytes(),
                        after.connections()));
                memory.put("clientHeapBytesPerConnection", perConnection(first.clientHeapUsedBytes(),
                        after.clientHeapUsedBytes(), after.connections()));
                if (held != null) {
                    memory.put("heldSeconds", durationTime.toNanos() / 1e9);
                    memory.put("heldHeapBytes", held.heapUsedBytes());
                    memory.put("heldRssBytes", held.rssBytes());
                    memory.put("heldHeapBytesPerConnection", perConnection(first.heapUsedBytes(),
                            held.heapUsedBytes(), held.connections()));
                    memory.put("heldRssBytesPerConnection", perConnection(first.rssBytes(), held.rssBytes(),
                            held.connections()));
                }
                List<Object> points = new ArrayList<>();
                for (ServerProbe.Sample s : samples) {
                    Map<String, Object> point = new LinkedHashMap<>();
                    point.put("connections", s.connections());
                    point.put("heapUsedBytes", s.heapUsedBytes());
                    point.put("rssBytes", s.rssBytes());
                    point.put("clientHeapUsedBytes", s.clientHeapUsedBytes());
                    points.add(point);
                }
                memory.put("samples", points);
                result.put("serverMemory", memory);
            }
            result.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            result.put("cpus", Runtime.getRuntime().availableProcessors());
            // Sittings on different days may run on different host CPUs; the figures only compare within one model.
            cpuModel().ifPresent(model -> result.put("cpuModel", model));
            System.out.print(Summary.text(result));
            if (jsonOut != null) {
                Files.writeString(jsonOut, Json.write(result), StandardCharsets.UTF_8);
                say("wrote %s", jsonOut);
            }
            exit = lost > 0 ? 1 : 0;
        } finally {
            timers.shutdownNow();
        }
        return exit;
    }

    private Fleet fleet;

    /** Connects all devices with at most {@code connectConcurrency} in progress; returns how many became ready. */
    private int connectAll(List<Device> all, ServerProbe probe, List<ServerProbe.Sample> samples)
            throws InterruptedException {
        Semaphore permits = new Semaphore(connectConcurrency);
        int nextSample = sampleEvery > 0 && probe != null ? sampleEvery : Integer.MAX_VALUE;
        for (Device device : all) {
            if (device.index >= nextSample) {
                permits.acquire(connectConcurrency);
                permits.release(connectConcurrency);
                ServerProbe.Sample s = probe.sample(stats.connected.get());
                samples.add(s);
                say("sample: %d connections, server heap %s, RSS %s", s.connections(), mib(s.heapUsedBytes()),
                        mib(s.rssBytes()));
                nextSample += sampleEvery;
            }
            permits.acquire();
            fleet.connect(device).whenComplete((d, failure) -> permits.release());
        }
        if (!permits.tryAcquire(connectConcurrency, 120, TimeUnit.SECONDS)) {
            say("connect: some devices still connecting after 120 s");
        } else {
            permits.release(connectConcurrency);
        }
        int ready = 0;
        for (Device d : all) {
            if (d.isReady()) {
                ready++;
            }
        }
        return ready;
    }

    private void reconnect(Device device) {
        if (device.state != Device.State.DISCONNECTED) {
            return;
        }
        stats.reconnects.increment();
        fleet.connect(device);
    }

    private void startChurn(ScheduledExecutorService timers, List<Device> all, int perSecond) {
        // Drops spread over 10 ms ticks; a fractional remainder carries to the next tick.
        double perTick = perSecond / 100.0;
        double[] carry = {0};
        timers.scheduleAtFixedRate(() -> {
            if (!churning) {
                return;
            }
            carry[0] += perTick;
            int n = (int) carry[0];
            carry[0] -= n;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < n; i++) {
                fleet.drop(all.get(random.nextInt(all.size())));
            }
        }, 10, 10, TimeUnit.MILLISECONDS);
    }

    /** Sends PUTs to random registered devices at the target rate, until stopped or {@code maxPuts}. */
    private final class Driver implements Runnable {
        private final PutClient app;
        private final List<Device> all;
        private final double dataShare;
        volatile boolean stop;

        Driver(PutClient app, List<Device> all, double dataShare) {
            this.app = app;
            this.all = all;
            this.dataShare = dataShare;
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String data = "d".repeat(64);
            long start = System.nanoTime();
            long sent = 0;
            long paced = 0;
            try {
                while (!stop && sent < maxPuts) {
                    if (rate > 0) {
                        long due = start + (long) (paced * (1e9 / rate));
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } else if (wait < -MAX_BACKLOG_NANOS) {
                            // Fell behind (the server or this machine is saturated): do not burst to catch up,
                            // which would report more than the asked rate; restart the schedule from now.
                            start = System.nanoTime();
                            paced = 0;
                        }
                        paced++;
                    }
                    Device device = all.get(random.nextInt(all.size()));
                    boolean withData = dataShare > 0 && random.nextDouble() < dataShare;
                    if (app.put(device, withData ? data : "")) {
                        sent++;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Prints one progress line per interval. */
    private final class Progress implements Runnable {
        private long last = System.nanoTime();
        private long[] previous = snapshot();

        @Override
        public void run() {
            long now = System.nanoTime();
            long[] current = snapshot();
            long nanos = now - last;
            Histogram receipt = stats.receiptInterval();
            stats.putInterval();
            say("conn %d | hellos %d (%.0f/s) | PUT %.0f/s (200 %.0f, 201 %.0f, 202 %.0f, other %.0f)"
                            + " | updates %.0f/s | receipt p50 %.2f p99 %.2f max %.2f ms | reconnects %.0f/s",
                    stats.connected.get(), stats.hellos.sum(), rate(current[7] - previous[7], nanos),
                    rate(current[0] - previous[0], nanos), rate(current[1] - previous[1], nanos),
                    rate(current[8] - previous[8], nanos), rate(current[2] - previous[2], nanos),
                    rate(current[3] - previous[3], nanos),
                    rate(current[5] - previous[5], nanos), ms(receipt.getValueAtPercentile(50)),
                    ms(receipt.getValueAtPercentile(99)), ms(receipt.getMaxValue()),
                    rate(current[6] - previous[6], nanos));
            last = now;
            previous = current;
        }
    }

    private long[] snapshot() {
        return new long[] {stats.puts.sum(), stats.put200.sum(), stats.put202.sum(), stats.putOther.sum(),
            stats.notifications.sum(), stats.updatesReceived.sum(), stats.reconnects.sum(), stats.hellos.sum(),
            stats.put201.sum()};
    }

    private static int lost(List<Device> all) {
        int lost = 0;
        for (Device d : all) {
            lost += d.ledger.lost();
        }
        return lost;
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", h.getTotalCount());
        p.put("p50", ms(h.getValueAtPercentile(50)));
        p.put("p90", ms(h.getValueAtPercentile(90)));
        p.put("p99", ms(h.getValueAtPercentile(99)));
        p.put("p99.9", ms(h.getValueAtPercentile(99.9)));
        p.put("max", ms(h.getMaxValue()));
        return p;
    }

    private void writeEndpoints(List<Device> all) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Device d : all) {
            if (d.endpoint != null) {
                out.append(d.endpoint).append('\n');
            }
        }
        Files.writeString(endpointsOut, out, StandardCharsets.UTF_8);
    }

    private static void startWatchdog(Duration bound) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(bound.toMillis());
                System.err.println("simplepush-load: run exceeded its bound of " + bound + "; stopping");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "load-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    static URI webSocketUri(String base) {
        URI uri = URI.create(base.trim());
        String scheme = switch (uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT)) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new CommandLine.ParameterException(new CommandLine(new LoadTool()),
                    "--url must be http(s) or ws(s): " + base);
        };
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("ws") ? 80 : 443;
        return URI.create(scheme + "://" + uri.getHost() + ":" + port + "/");
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Object perConnection(long before, long after, long connections) {
        if (before < 0 || after < 0 || connections <= 0) {
            return -1L;
        }
        return (after - before) / connections;
    }

    static double rate(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static final long START = System.nanoTime();

    static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - START) / 1e9,
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** The CPU's model name as Linux reports it, if it does. */
    static Optional<String> cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim());
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

}
