package dev.simplepush.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chaos test of fault handling: no accepted update is lost (P4.3, P5.4, P7.2) while nodes and Redis fail under
 * load. Two nodes, A and B, run in child JVMs ({@link NodeProcess}) on one Redis of their own with an fsync-always
 * AOF ({@link RedisProcess}); twenty SimplePush devices hold two or three channels each, half of them on each node.
 * App servers PUT ever higher versions (one counter for all, so each version is sent once) to the channels
 * throughout, half of them to A and half to B (any node takes any endpoint, P7.1). Meanwhile, one after another:
 * (a) A is killed (SIGKILL), then started again with the same node id, and its devices move back to it; (b) Redis is
 * frozen (SIGSTOP) for 3 s; (c) Redis is killed and started again on the same port and directory; (d) B is frozen for
 * 4 s. A device whose socket drops says hello again with its UAID and channels on whichever node answers; every
 * device acks what it gets. The channels stop getting PUTs in five groups, one in each fault and the last after
 * them all, so that the last accepted version of some channels falls in (or just before) each fault.
 *
 * <p>The ledger holds, per channel, the highest version answered 200 or 202. Once the load stops, every device gets
 * at least that version of every channel, after one more hello each: a 202 means stored, and a stored update may wait
 * for the device's next hello (P4.3, P5.4). What is still missing then is lost, and nothing may be. Before that hello,
 * every version answered 200 must already have reached the connection the device holds (P4.3: handed to the device).
 * Also: a device never gets a version nobody sent, no connection sees a channel's version go down (P5.5), no PUT is
 * refused with other than a 5xx (a 404 or 410 would mean the store lost a registration), and no device is reset
 * (P2.4), since Redis keeps everything through its restart. Refusals during the faults (503, timeouts, refused
 * connections) are allowed; they are counted, with the rest, on the summary line it prints, and per phase.
 */
class ChaosIT {

    private static final int DEVICES = 20;
    /** App servers per node, each sending to that node only, so a frozen node holds up only its own. */
    private static final int SENDERS_PER_NODE = 3;
    /** Each sender's pause between two PUTs: about 200 PUTs a second in all, which two cores carry. */
    private static final Duration PACE = Duration.ofMillis(10);
    /** A sender's pause after a connection error, as an app server's back-off. */
    private static final Duration BACK_OFF = Duration.ofMillis(100);
    /**
     * The phases, in order; the channels are split over the ones named here by when they get their last PUT, so the
     * last accepted version of some channels falls in each fault (or just before it) rather than after them all.
     */
    private static final List<String> LAST_PUT = List.of("a: A killed", "b: Redis frozen", "c: Redis killed",
            "d: B frozen", "d: B thawed");
    private static final Duration PUT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofMillis(250);
    private static final Pattern UPDATE = Pattern.compile("\\{\"channelID\":\"([^\"]+)\",\"version\":(\\d+)");

    private final long origin = System.nanoTime();
    private final String prefix = LocalRedis.newPrefix();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicLong versions = new AtomicLong();
    private final AtomicLong turns = new AtomicLong();
    /** The channels that still get PUTs. */
    private volatile List<Channel> active = List.of();
    private final List<Phone> phones = new ArrayList<>();
    private final List<Channel> ledger = new ArrayList<>();
    private final List<Thread> senders = new ArrayList<>();
    /** Every node process started, for the logs and the teardown. */
    private final List<NodeProcess> started = new CopyOnWriteArrayList<>();

    // The counts of the summary.
    private final LongAdder puts = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder stored = new LongAdder();
    private final Map<Integer, LongAdder> refused = new ConcurrentHashMap<>();
    private final LongAdder connectionErrors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder drops = new LongAdder();
    /** Hellos again after a drop. */
    private final LongAdder reconnects = new LongAdder();
    /** Hellos again when the test asked for one (the move back to A, the last hello). */
    private final LongAdder moves = new LongAdder();
    private final LongAdder failedReconnects = new LongAdder();
    private final LongAdder received = new LongAdder();
    /** The same counts per phase of the run, by the phase in which the PUT was sent. */
    private final List<Phase> phases = new CopyOnWriteArrayList<>();
    private volatile Phase phase;
    // What must stay empty.
    private final List<String> neverSent = new CopyOnWriteArrayList<>();
    private final List<String> wentDown = new CopyOnWriteArrayList<>();
    private final List<String> resets = new CopyOnWriteArrayList<>();
    private final List<String> strangers = new CopyOnWriteArrayList<>();

    private RedisProcess redis;
    private RedisStoreConfig configA;
    private NodeProcess nodeA;
    private NodeProcess nodeB;
    /** The nodes' device WebSocket URIs, A first; devices and app servers take their turns over these. */
    private volatile List<URI> nodes;
    private boolean passed;

    @BeforeEach
    void startRedisAndNodes() {
        // Its own Redis: this test kills it. fsync always, so every write Redis answered survives the kill.
        redis = RedisProcess.start("--appendonly", "yes", "--appendfsync", "always");
        RedisStoreConfig shared = RedisStoreConfig.builder().uri(redis.uri()).keyPrefix(prefix).build();
        configA = shared.toBuilder().nodeId("node-a").build();
        CompletableFuture<NodeProcess> a = CompletableFuture.supplyAsync(() -> startNode(configA));
        CompletableFuture<NodeProcess> b = CompletableFuture.supplyAsync(
                () -> startNode(shared.toBuilder().nodeId("node-b").build()));
        nodeA = a.join();
        nodeB = b.join();
        nodes = List.of(nodeA.webSocket(), nodeB.webSocket());
    }

    private NodeProcess startNode(RedisStoreConfig config) {
        NodeProcess node = NodeProcess.start(config);
        started.add(node);
        return node;
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        running.set(false);
        sending.set(false);
        for (Thread sender : senders) {
            sender.join(PUT_TIMEOUT.plusSeconds(2).toMillis());
        }
        for (Phone phone : phones) {
            phone.stop();
        }
        for (NodeProcess node : started) {
            if (passed) {
                node.close();
            } else {
                // The logs stay for the failure message's reader.
                node.kill();
            }
        }
        if (redis == null) {
            return;
        }
        if (passed) {
            redis.close();
        } else {
            redis.resume();
            redis.kill();
        }
    }

    @Test
    void noAcceptedUpdateIsLostWhileNodesAndRedisFailUnderLoad() throws Exception {
        long began = System.nanoTime();
        for (int i = 0; i < DEVICES; i++) {
            phones.add(Phone.register(this, i, nodes.get(i % 2), 2 + i % 2));
        }
        for (int i = 0; i < ledger.size(); i++) {
            ledger.get(i).lastPut = LAST_PUT.get(i % LAST_PUT.size());
        }
        phones.forEach(Phone::start);
        phase("steady");
        for (int i = 0; i < 2 * SENDERS_PER_NODE; i++) {
            int node = i % 2;
            Thread sender = new Thread(() -> send(node), "chaos-sender-" + i);
            sender.setDaemon(true);
            senders.add(sender);
            sender.start();
        }
        load(Duration.ofSeconds(3));

        // (a) Node A crashes: its devices find their sockets gone and say hello on B, while app servers still try A.
        nodeA.kill();
        phase("a: A killed");
        load(Duration.ofSeconds(3));
        // A comes back with the same node id on a new port, and the load balancer sends A's devices there again.
        nodeA = startNode(configA);
        nodes = List.of(nodeA.webSocket(), nodeB.webSocket());
        phase("a: A restarted, its devices back");
        phones.stream().filter(phone -> phone.index % 2 == 0).forEach(phone -> phone.moveTo(0));
        load(Duration.ofSeconds(3));

        // (b) Redis freezes for 3 s: connections open, nothing answered.
        redis.pause();
        phase("b: Redis frozen");
        load(Duration.ofSeconds(3));
        redis.resume();
        phase("b: Redis thawed");
        load(Duration.ofSeconds(3));

        // (c) Redis crashes and restarts on the same port and directory: its AOF brings every answered write back.
        redis.kill();
        phase("c: Redis killed");
        load(Duration.ofSeconds(1));
        redis.launch();
        phase("c: Redis restarted");
        load(Duration.ofSeconds(4));

        // (d) Node B freezes for 4 s: its devices keep their sockets, its Redis subscription takes messages it
        // cannot act on, and PUTs sent to it wait.
        nodeB.freeze();
        phase("d: B frozen");
        load(Duration.ofSeconds(4));
        nodeB.thaw();
        phase("d: B thawed");
        load(Duration.ofSeconds(3));

        sending.set(false);
        for (Thread sender : senders) {
            sender.join(PUT_TIMEOUT.plusSeconds(5).toMillis());
            assertThat(sender.isAlive()).as("a sender still runs").isFalse();
        }

        assertThat(eventually(Duration.ofSeconds(20), () -> phones.stream().allMatch(Phone::isConnected)))
                .as("every device is connected again; not: %s", phones.stream().filter(p -> !p.isConnected())
                        .map(p -> p.uaid).toList())
                .isTrue();
        // On the connections the devices hold now: every 200 must be there, a 202 may wait for the next hello.
        eventually(Duration.ofSeconds(10), () -> behind().isEmpty());
        List<Channel> behindWhileConnected = behind();
        List<Channel> deliveredButMissing = behindWhileConnected.stream()
                .filter(channel -> channel.received.get() < channel.delivered.get()).toList();

        // Every device says hello once more, as it would after its next network change, and gets what is pending.
        Map<Phone, Integer> connectionsBefore = new HashMap<>();
        for (Phone phone : phones) {
            connectionsBefore.put(phone, phone.connections.get());
            phone.moveTo(phone.index % 2);
        }
        assertThat(eventually(Duration.ofSeconds(30), () -> phones.stream()
                .allMatch(phone -> phone.isConnected() && phone.connections.get() > connectionsBefore.get(phone))))
                .as("every device said hello again").isTrue();
        eventually(Duration.ofSeconds(15), () -> behind().isEmpty());
        List<Channel> lost = behind();
        Duration scenario = Duration.ofNanos(System.nanoTime() - began);

        long refusedTotal = refused.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.printf("ChaosIT summary: PUTs sent %d; accepted 200: %d; accepted 202: %d; refused by status: %d %s;"
                        + " connection errors: %d (of which timeouts %d); socket drops seen by devices: %d;"
                        + " reconnects after a drop: %d; hellos on request (move back to A, last hello): %d;"
                        + " failed hello attempts: %d; updates received by devices: %d; channels: %d on %d devices;"
                        + " behind while connected, until the last hello: %d (of them answered 200: %d); lost: %d;"
                        + " took %.1f s (%.1f s with the start of Redis and the nodes)%n",
                puts.sum(), delivered.sum(), stored.sum(), refusedTotal, new TreeMap<>(refused), connectionErrors.sum(),
                timeouts.sum(), drops.sum(), reconnects.sum(), moves.sum(), failedReconnects.sum(), received.sum(),
                ledger.size(), phones.size(), behindWhileConnected.size(), deliveredButMissing.size(), lost.size(),
                scenario.toMillis() / 1000.0, millis() / 1000.0);
        phases.forEach(System.out::println);
        behindWhileConnected.forEach(channel -> System.out.println("ChaosIT behind while connected: "
                + channel.describe()));
        for (String last : LAST_PUT) {
            List<Channel> group = ledger.stream().filter(channel -> channel.lastPut.equals(last)).toList();
            long storedLast = group.stream()
                    .filter(channel -> channel.delivered.get() < channel.accepted.get()).count();
            System.out.printf("ChaosIT channels whose last PUT was in %-17s %2d; their last accepted version was"
                    + " answered 200: %2d, 202: %2d%n", last + ":", group.size(), group.size() - storedLast,
                    storedLast);
        }

        String logs = " (logs: " + started.stream().map(NodeProcess::log).map(Path::toString)
                .collect(Collectors.joining(", ")) + ", " + redis.dir().resolve("redis.log") + ")";
        assertThat(lost).as("accepted updates lost, channel: accepted vs received" + logs)
                .extracting(Channel::describe).isEmpty();
        assertThat(deliveredButMissing)
                .as("updates answered 200 that the connected device never got before its next hello" + logs)
                .extracting(Channel::describe).isEmpty();
        assertThat(neverSent).as("versions received that were never sent" + logs).isEmpty();
        assertThat(strangers).as("updates for channels the device does not hold" + logs).isEmpty();
        assertThat(wentDown).as("P5.5: a version lower than one sent before on the same connection" + logs).isEmpty();
        assertThat(resets).as("devices reset (a new UAID) although Redis kept its data" + logs).isEmpty();
        assertThat(refused.keySet()).as("refusals other than server errors" + logs)
                .allMatch(status -> status >= 500 && status < 600);
        // The load did run through the faults, and was mostly accepted.
        assertThat(delivered.sum() + stored.sum()).isGreaterThan(puts.sum() / 2);
        assertThat(ledger).allMatch(channel -> channel.accepted.get() > 0);
        // A's devices said hello elsewhere when A died, then moved back; every device said hello at the end.
        assertThat(reconnects.sum()).isGreaterThanOrEqualTo(DEVICES / 2);
        assertThat(moves.sum()).isGreaterThanOrEqualTo(DEVICES / 2 + DEVICES);
        passed = true;
    }

    /** From now on, the PUTs sent are counted under {@code name} too. */
    private void phase(String name) {
        Phase next = new Phase(name, millis());
        phases.add(next);
        phase = next;
        // A channel whose last PUT is in an earlier phase gets none any more.
        Set<String> over = phases.stream().limit(phases.size() - 1).map(p -> p.name).collect(Collectors.toSet());
        active = ledger.stream().filter(channel -> !over.contains(channel.lastPut)).toList();
    }

    /** The channels whose device has not yet received the version the ledger says was accepted. */
    private List<Channel> behind() {
        return ledger.stream().filter(channel -> channel.received.get() < channel.accepted.get()).toList();
    }

    /** Lets the load run for {@code duration}, and checks that it does. */
    private void load(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
        assertThat(senders).allMatch(Thread::isAlive);
    }

    /**
     * One app server: PUTs the next version to the next channel that still gets PUTs, on node {@code nodeIndex}
     * (whichever process that is now), until told to stop.
     */
    private void send(int nodeIndex) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        while (sending.get()) {
            List<Channel> channels = active;
            Channel channel = channels.get((int) (turns.getAndIncrement() % channels.size()));
            URI node = nodes.get(nodeIndex);
            long version = versions.incrementAndGet();
            // Recorded before it is sent: the device may get it before the answer comes.
            channel.sent.add(version);
            puts.increment();
            Phase during = phase;
            during.puts.increment();
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://" + node.getHost() + ":" + node.getPort() + channel.path))
                    .timeout(PUT_TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(HttpRequest.BodyPublishers.ofString("version=" + version))
                    .build();
            long sentAt = millis();
            String outcome = "?";
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                outcome = Integer.toString(status);
                if (status == 200 || status == 202) {
                    channel.accept(version, status + " from node " + "AB".charAt(nodeIndex) + " at " + sentAt + "-"
                            + millis() + " ms in phase '" + during.name + "'");
                    if (status == 200) {
                        channel.delivered.accumulateAndGet(version, Math::max);
                        delivered.increment();
                        during.delivered.increment();
                    } else {
                        stored.increment();
                        during.stored.increment();
                    }
                } else {
                    refused.computeIfAbsent(status, s -> new LongAdder()).increment();
                    during.refused.increment();
                }
            } catch (HttpTimeoutException e) {
                outcome = "timeout";
                timeouts.increment();
                connectionErrors.increment();
                during.connectionErrors.increment();
            } catch (IOException e) {
                outcome = "connection error";
                connectionErrors.increment();
                during.connectionErrors.increment();
                sleep(BACK_OFF);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                channel.history(sentAt + "-" + millis() + " ms: " + version + " to " + "AB".charAt(nodeIndex) + " "
                        + outcome);
            }
            sleep(PACE);
        }
    }

    /** Milliseconds since the test began, for the histories. */
    private long millis() {
        return (System.nanoTime() - origin) / 1_000_000;
    }

    private static boolean eventually(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(Duration.ofMillis(100));
        }
        return condition.getAsBoolean();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The PUTs sent during one phase of the run, by answer. */
    private static final class Phase {

        final String name;
        /** When it began, in milliseconds since the test began. */
        final long began;
        final LongAdder puts = new LongAdder();
        final LongAdder delivered = new LongAdder();
        final LongAdder stored = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder connectionErrors = new LongAdder();

        Phase(String name, long began) {
            this.name = name;
            this.began = began;
        }

        @Override
        public String toString() {
            return String.format("ChaosIT phase %-33s from %5d ms: PUTs %5d; 200: %5d; 202: %4d; refused: %4d;"
                    + " connection errors: %4d", name + ":", began, puts.sum(), delivered.sum(), stored.sum(),
                    refused.sum(), connectionErrors.sum());
        }
    }

    /** One channel of one device, and its line of the ledger. */
    private static final class Channel {

        final Phone owner;
        final String id;
        /** The endpoint's path, which every node serves. */
        final String path;
        /** The phase of its last PUT. */
        volatile String lastPut = "";
        /** Every version PUT to it, whatever the answer. */
        final Set<Long> sent = ConcurrentHashMap.newKeySet();
        /** The highest version answered 200 or 202; 0 for none. */
        final AtomicLong accepted = new AtomicLong();
        /** The highest version answered 200. */
        final AtomicLong delivered = new AtomicLong();
        /** The highest version the device received. */
        final AtomicLong received = new AtomicLong();
        /** How the highest accepted version was answered, where and when, for the failure message. */
        private String how = "";
        /** The last few PUTs, for the failure message. */
        private final ArrayDeque<String> history = new ArrayDeque<>();

        Channel(Phone owner, Device.Registration registration) {
            this.owner = owner;
            this.id = registration.channel();
            this.path = registration.endpoint().getRawPath();
        }

        synchronized void accept(long version, String answer) {
            if (version > accepted.get()) {
                accepted.set(version);
                how = answer;
            }
        }

        synchronized void history(String put) {
            if (history.size() == 8) {
                history.removeFirst();
            }
            history.addLast(put);
        }

        synchronized String describe() {
            return owner.uaid + "/" + id + ": accepted " + accepted.get() + " (" + how + ") vs received "
                    + received.get() + ", highest 200 " + delivered.get() + ", last PUT in '" + lastPut
                    + "'; last PUTs " + history + "; device's hellos " + owner.hellos;
        }
    }

    /**
     * A device on its own thread: reads and acks what it gets and, when its socket is gone (or the test asks it to
     * move), says hello again with its UAID and channels on the next node that answers.
     */
    private static final class Phone implements Runnable {

        final ChaosIT test;
        final int index;
        final String uaid;
        final Map<String, Channel> channels = new LinkedHashMap<>();
        /** When and where it said hello, for the failure message. */
        final List<String> hellos = new CopyOnWriteArrayList<>();
        /** Successful hellos, the first one included. */
        final AtomicInteger connections = new AtomicInteger(1);
        private final Thread thread;
        /** The node the device tries first on its next hello; -1 when it is not asked to move. */
        private final AtomicInteger move = new AtomicInteger(-1);
        private volatile boolean connected;
        // The rest is the device thread's own (after start).
        private Device socket;
        private String currentUaid;
        private int preferred;
        /** P5.5: the highest version per channel received on the current connection. */
        private final Map<String, Long> onConnection = new HashMap<>();

        private Phone(ChaosIT test, int index, Device socket, String uaid, int preferred) {
            this.test = test;
            this.index = index;
            this.socket = socket;
            this.uaid = uaid;
            this.currentUaid = uaid;
            this.preferred = preferred;
            this.connected = true;
            this.thread = new Thread(this, "chaos-device-" + index);
            thread.setDaemon(true);
        }

        /** Connects a new device to {@code node} and registers {@code channelCount} channels, in the ledger too. */
        static Phone register(ChaosIT test, int index, URI node, int channelCount) {
            Device socket = Device.connect(node);
            String uaid = socket.hello();
            Phone phone = new Phone(test, index, socket, uaid, index % 2);
            phone.hellos.add(test.millis() + " ms on " + "AB".charAt(index % 2));
            for (int i = 0; i < channelCount; i++) {
                Channel channel = new Channel(phone, socket.register());
                phone.channels.put(channel.id, channel);
                test.ledger.add(channel);
            }
            return phone;
        }

        void start() {
            thread.start();
        }

        boolean isConnected() {
            return connected;
        }

        /** Asks the device to close its socket and say hello again, on node {@code node} first. */
        void moveTo(int node) {
            move.set(node);
        }

        void stop() throws InterruptedException {
            thread.join(10_000);
            if (socket != null) {
                socket.abort();
            }
        }

        @Override
        public void run() {
            while (test.running.get()) {
                int moveTo = move.getAndSet(-1);
                if (moveTo >= 0) {
                    hellos.add(test.millis() + " ms moving");
                    preferred = moveTo;
                    hangUp(true);
                    reconnect(test.moves);
                } else if (socket == null || socket.awaitClose(Duration.ZERO).isPresent()) {
                    test.drops.increment();
                    hellos.add(test.millis() + " ms dropped");
                    hangUp(false);
                    reconnect(test.reconnects);
                } else {
                    socket.poll(Duration.ofMillis(100)).ifPresent(this::receive);
                }
            }
        }

        /** Reads what is left of the socket's messages, then closes it (politely if it still works). */
        private void hangUp(boolean polite) {
            connected = false;
            if (socket == null) {
                return;
            }
            for (Optional<String> left = socket.poll(Duration.ZERO); left.isPresent();
                    left = socket.poll(Duration.ZERO)) {
                receive(left.get());
            }
            if (polite) {
                socket.close();
            } else {
                socket.abort();
            }
            socket = null;
        }

        /**
         * Says hello on the preferred node, then on the others in turn, until one answers or the test ends; counts
         * the success in {@code count}.
         */
        private void reconnect(LongAdder count) {
            for (int attempt = 0; test.running.get(); attempt++) {
                List<URI> nodes = test.nodes;
                int target = (preferred + attempt) % nodes.size();
                Device candidate = null;
                try {
                    candidate = Device.connect(nodes.get(target));
                    String answered = candidate.hello(currentUaid, List.copyOf(channels.keySet()));
                    if (!answered.equals(currentUaid)) {
                        test.resets.add(currentUaid + " became " + answered + " on " + nodes.get(target));
                        currentUaid = answered;
                    }
                    onConnection.clear();
                    socket = candidate;
                    preferred = target;
                    connections.incrementAndGet();
                    hellos.add(test.millis() + " ms on " + "AB".charAt(target));
                    count.increment();
                    connected = true;
                    return;
                } catch (RuntimeException | AssertionError refusedOrUnreachable) {
                    // Connection refused, no hello reply in time, or a hello refused (503): the next node, later.
                    test.failedReconnects.increment();
                    if (candidate != null) {
                        candidate.abort();
                    }
                    sleep(RETRY);
                }
            }
        }

        /** Records every update of a notification and acks them all. */
        private void receive(String message) {
            if (!message.contains("\"messageType\":\"notification\"")) {
                return;
            }
            StringBuilder acks = new StringBuilder();
            Matcher update = UPDATE.matcher(message);
            while (update.find()) {
                String id = update.group(1);
                long version = Long.parseLong(update.group(2));
                Channel channel = channels.get(id);
                if (channel == null) {
                    test.strangers.add(uaid + "/" + id + "@" + version);
                    continue;
                }
                test.received.increment();
                channel.received.accumulateAndGet(version, Math::max);
                if (!channel.sent.contains(version)) {
                    test.neverSent.add(uaid + "/" + id + "@" + version);
                }
                Long before = onConnection.get(id);
                if (before != null && version < before) {
                    test.wentDown.add(uaid + "/" + id + ": " + version + " after " + before);
                }
                onConnection.merge(id, version, Math::max);
                acks.append(acks.length() == 0 ? "" : ",")
                        .append("{\"channelID\":\"").append(id).append("\",\"version\":").append(version).append('}');
            }
            if (acks.length() > 0) {
                try {
                    socket.send("{\"messageType\":\"ack\",\"updates\":[" + acks + "]}");
                } catch (RuntimeException closed) {
                    // Unacked, so it stays pending and comes again after the next hello (P5.4).
                }
            }
        }
    }
}
