package dev.simplepush.store.redis;

import dev.simplepush.core.Uaid;
import dev.simplepush.core.Notice;
import dev.simplepush.core.Update;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.spi.LocalDevice;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence in Redis, delivery by sharded pub/sub between nodes.
 *
 * <p>A connected device has a presence key ({@link Keys#presence}) naming {@code <nodeId>/<connection>} with a
 * TTL of {@code presenceTtl}; one periodic task of this node refreshes the keys of all its local devices in
 * batches, so a node that dies leaves its presence for at most {@code presenceTtl}. The {@link LocalDevice}s of
 * this node are in a local map; updates and Web Push messages for a device held by another node are published on
 * that node's channel ({@link Keys#nodeChannel}) as a {@link NodeMessage} (text format and upgrade rule in
 * {@link NodeMessageCodec}), and the node that receives one hands it to its local device, or drops it if the
 * device is gone (the update or message is already stored, so the next hello flushes it).
 *
 * <p>P4.3's 200 means handed to the device, which only the node holding it can tell: a delivery to another node
 * counts as delivered when that node answers with a {@link NodeMessage.Receipt} saying its connection took it,
 * within {@code receiptTimeout}; a node that is frozen (or too slow) gets the answer of an offline device, so the
 * update is 202 and its wake-up runs (P8.3). Nodes of releases before receipts, told apart by their presence
 * values ({@link NodeMessageCodec}), are never asked for one: for them the publish's receiver count decides, as it
 * did before.
 *
 * <p>A Redis that lost its data (restarted without persistence, flushed, or failed over to an empty replica) leaves
 * connected devices with UAIDs it no longer knows, whose endpoints all answer 410, until they reconnect. So the
 * node keeps the store's epoch ({@link Keys#epoch}), a random value written once if absent, and checks it with
 * every presence refresh: if it changed or vanished, every local device is closed at once, says hello again and
 * learns of the reset from a new UAID (P2.4). On a Cluster the epoch lives on one shard, so this detects the loss of
 * that shard's data only.
 *
 * <p>Thread-safe; never blocks. Stages complete on Lettuce's threads, as do deliveries to local devices that come
 * from other nodes.
 */
final class RedisRouter implements Router {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRouter.class);
    private static final int REFRESH_BATCH = 256;
    /** How many unknown format versions get a warning of their own; more would only flood the log. */
    private static final int WARNED_VERSIONS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One local connection holding a UAID, and the presence value that names it. */
    private record Holder(LocalDevice device, String value) {
    }

    private final RedisConnection redis;
    private final Scheduler scheduler;
    private final Keys keys;
    private final String nodeId;
    private final long presenceMillis;
    private final Duration receiptTimeout;
    private final ConcurrentHashMap<Uaid, Holder> holders = new ConcurrentHashMap<>();
    /** Requests for a receipt that are still unanswered, by request number. */
    private final ConcurrentHashMap<Long, CompletableFuture<Boolean>> awaitingReceipts = new ConcurrentHashMap<>();
    // A random start, so a receipt meant for an earlier run of a node with the same id matches no request of this one.
    private final AtomicLong requests = new AtomicLong(RANDOM.nextLong());
    private final AtomicLong connections = new AtomicLong();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final Set<Integer> warnedVersions = ConcurrentHashMap.newKeySet();
    private final Object lifecycle = new Object();
    private boolean started;
    private @Nullable Future<?> refresher;
    /** The store's epoch as this node last read it; empty until started. */
    private volatile String epoch = "";

    /** A router on {@code redis} whose presence refresh runs on {@code scheduler} (the core's {@code @Push} one). */
    RedisRouter(RedisConnection redis, Scheduler scheduler) {
        this.redis = redis;
        this.scheduler = scheduler;
        this.keys = new Keys(redis.config().keyPrefix());
        this.nodeId = redis.config().nodeId();
        this.presenceMillis = redis.config().presenceTtl().toMillis();
        this.receiptTimeout = redis.config().receiptTimeout();
    }

    @Override
    public CompletionStage<Void> start() {
        synchronized (lifecycle) {
            if (started) {
                return CompletableFuture.completedFuture(null);
            }
            started = true;
        }
        return redis.acquire()
                .thenCompose(v -> redis.subscribe(keys.nodeChannel(nodeId), this::onMessage))
                .thenCompose(v -> readEpoch())
                .thenAccept(current -> epoch = current)
                .thenRun(this::scheduleRefresh);
    }

    private void scheduleRefresh() {
        Duration every = Duration.ofMillis(Math.max(100, presenceMillis / 3));
        synchronized (lifecycle) {
            if (started && refresher == null) {
                refresher = scheduler.scheduleRepeatedly(this::refresh, every);
            }
        }
    }

    @Override
    public CompletionStage<Void> stop() {
        synchronized (lifecycle) {
            if (!started) {
                return CompletableFuture.completedFuture(null);
            }
            started = false;
            if (refresher != null) {
                refresher.cancel(false);
                refresher = null;
            }
        }
        // Presence left behind expires within presenceTtl; the devices reconnect to another node meanwhile.
        holders.clear();
        awaitingReceipts.values().forEach(receipt -> receipt.complete(false));
        awaitingReceipts.clear();
        return redis.release();
    }

    @Override
    public CompletionStage<Void> claim(Uaid uaid, LocalDevice device) {
        Objects.requireNonNull(uaid, "uaid");
        Objects.requireNonNull(device, "device");
        String key = keys.presence(uaid);
        // The connection part also says which message formats this node reads (NodeMessageCodec, version 3).
        Holder holder = new Holder(device, nodeId + "/" + connections.incrementAndGet()
                + NodeMessageCodec.READ_VERSION_SEPARATOR + NodeMessageCodec.RECEIPT_VERSION);
        List<Holder> replaced = new ArrayList<>(1);
        List<CompletionStage<Optional<String>>> set = new ArrayList<>(1);
        holders.compute(uaid, (u, old) -> {
            if (old != null) {
                replaced.add(old);
            }
            // Dispatched while the map holds this UAID's bin, so competing claims on this node reach Redis in the
            // order they replaced each other here: the last local holder is also the one Redis names.
            set.add(redis.call("claim presence",
                    c -> c.setGet(key, holder.value(), SetArgs.Builder.px(presenceMillis)),
                    Optional::ofNullable));
            return holder;
        });
        // P2.5: newest connection wins. A local previous holder is evicted directly...
        if (!replaced.isEmpty() && replaced.get(0).device() != device) {
            replaced.get(0).device().evict();
        }
        return set.get(0).handle((previous, failure) -> {
            if (failure != null) {
                holders.remove(uaid, holder);
                return CompletableFuture.<Void>failedFuture(failure);
            }
            // ...and one on another node is told to evict its connection, named by its presence value.
            if (previous.isPresent() && !nodeOf(previous.get()).equals(nodeId)) {
                String node = nodeOf(previous.get());
                return publish(node, new NodeMessage.Evict(uaid, previous.get())).thenApply(receivers -> (Void) null);
            }
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(stage -> stage);
    }

    @Override
    public CompletionStage<Void> release(Uaid uaid, LocalDevice device) {
        Objects.requireNonNull(uaid, "uaid");
        Objects.requireNonNull(device, "device");
        String key = keys.presence(uaid);
        List<CompletionStage<Void>> deleted = new ArrayList<>(1);
        holders.computeIfPresent(uaid, (u, current) -> {
            if (current.device() != device) {
                return current;
            }
            // Compare-and-delete: a claim by a newer connection (here or on another node) already replaced the
            // value, and must keep it.
            deleted.add(redis.eval("release presence", RouterScripts.RELEASE, ScriptOutputType.INTEGER,
                    new String[] {key}, new String[] {current.value()}, reply -> null));
            return null;
        });
        return deleted.isEmpty() ? CompletableFuture.completedFuture(null) : deleted.get(0);
    }

    @Override
    public CompletionStage<Boolean> deliver(Uaid uaid, Notice notice) {
        Objects.requireNonNull(uaid, "uaid");
        Objects.requireNonNull(notice, "notice");
        NodeMessage remote = notice instanceof Update update
                ? new NodeMessage.Deliver(uaid, update)
                : new NodeMessage.DeliverMessage(uaid, (WebPushMessage) notice);
        return atHolder(uaid, () -> deliverLocally(uaid, notice), remote);
    }

    @Override
    public CompletionStage<Boolean> isConnected(Uaid uaid) {
        Objects.requireNonNull(uaid, "uaid");
        // A dead node's presence outlives it by up to presenceTtl; a node that still listens is alive. This is the
        // same test deliver applies, so a stale PUT gets the answer a new version would (P5.1).
        return atHolder(uaid, () -> holders.containsKey(uaid), new NodeMessage.Probe());
    }

    @Override
    public CompletionStage<Optional<String>> holderNode(Uaid uaid) {
        Objects.requireNonNull(uaid, "uaid");
        String key = keys.presence(uaid);
        return redis.call("look up presence", c -> c.get(key), Optional::ofNullable).thenApply(value -> {
            if (value.isEmpty()) {
                return Optional.<String>empty();
            }
            String node = nodeOf(value.get());
            // This node knows its own connections: a presence key it has not yet deleted names none.
            return node.equals(nodeId) && !holders.containsKey(uaid) ? Optional.<String>empty() : Optional.of(node);
        });
    }

    /**
     * Looks up which node holds {@code uaid}: none answers false; this node answers {@code here}; another node is
     * sent {@code message} and answers with its receipt, or, if its release sends none, whether it still listens.
     */
    private CompletionStage<Boolean> atHolder(Uaid uaid, BooleanSupplier here, NodeMessage message) {
        String key = keys.presence(uaid);
        return redis.call("look up presence", c -> c.get(key), Optional::ofNullable).thenCompose(value -> {
            if (value.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            String node = nodeOf(value.get());
            if (node.equals(nodeId)) {
                return CompletableFuture.completedFuture(here.getAsBoolean());
            }
            if (NodeMessageCodec.readVersion(value.get()) >= NodeMessageCodec.RECEIPT_VERSION) {
                return withReceipt(node, message);
            }
            return publish(node, message).thenApply(receivers -> receivers > 0);
        });
    }

    /**
     * Sends {@code message} to {@code node} asking for a receipt, and completes with what the receipt says, or with
     * false if nobody listens on the node's channel or no receipt came within {@code receiptTimeout}. The wait holds
     * no thread: the receipt completes it on a Lettuce thread, the timeout on the scheduler.
     */
    private CompletionStage<Boolean> withReceipt(String node, NodeMessage message) {
        long request = requests.incrementAndGet();
        CompletableFuture<Boolean> receipt = new CompletableFuture<>();
        // Registered before the publish, since the receipt may arrive before the publish's own reply.
        awaitingReceipts.put(request, receipt);
        Future<?> timeout;
        try {
            timeout = scheduler.schedule(() -> {
                if (awaitingReceipts.remove(request, receipt)) {
                    receipt.complete(false);
                }
            }, receiptTimeout);
        } catch (RejectedExecutionException stopping) {
            awaitingReceipts.remove(request, receipt);
            return CompletableFuture.completedFuture(false);
        }
        receipt.whenComplete((taken, failure) -> timeout.cancel(false));
        publish(node, new NodeMessage.WithReceipt(request, nodeId, message)).whenComplete((receivers, failure) -> {
            if (failure != null) {
                awaitingReceipts.remove(request, receipt);
                receipt.completeExceptionally(failure);
            } else if (receivers == 0) {
                // Nobody listens: the node is dead, whatever its presence says.
                awaitingReceipts.remove(request, receipt);
                receipt.complete(false);
            }
        });
        return receipt;
    }

    private boolean deliverLocally(Uaid uaid, Notice notice) {
        Holder holder = holders.get(uaid);
        return holder != null && holder.device().deliver(notice);
    }

    private CompletionStage<Long> publish(String node, NodeMessage message) {
        String channel = keys.nodeChannel(node);
        String text = NodeMessageCodec.encode(message);
        return redis.call("publish to node " + node, c -> c.spublish(channel, text), receivers -> receivers);
    }

    /**
     * A message from another node. Runs on a Lettuce thread, so nothing here may throw or block; what cannot be
     * read is skipped with a warning that never quotes the text (it may hold UAIDs, which are credentials).
     */
    private void onMessage(String text) {
        try {
            NodeMessageCodec.Decoded decoded = NodeMessageCodec.decode(text);
            if (decoded instanceof NodeMessageCodec.Decoded.Message message) {
                handle(message.message());
            } else if (decoded instanceof NodeMessageCodec.Decoded.UnknownVersion unknown) {
                skipUnknownVersion(unknown.version());
            } else if (decoded instanceof NodeMessageCodec.Decoded.Malformed malformed) {
                LOG.warn("skipping a malformed message on {}: {}", keys.nodeChannel(nodeId), malformed.reason());
            }
        } catch (RuntimeException failure) {
            LOG.warn("a message on {} failed: {}", keys.nodeChannel(nodeId), failure.getClass().getName());
        }
    }

    private void handle(NodeMessage message) {
        if (message instanceof NodeMessage.Deliver deliver) {
            // Gone meanwhile: nothing to do, the update is stored and the next hello flushes it.
            deliverLocally(deliver.uaid(), deliver.update());
        } else if (message instanceof NodeMessage.DeliverMessage deliver) {
            // Likewise for a queued message; one of TTL 0 is lost with the connection it was meant for (W6.3).
            deliverLocally(deliver.uaid(), deliver.message());
        } else if (message instanceof NodeMessage.Evict evict) {
            evictLocal(evict.uaid(), evict.presence());
        } else if (message instanceof NodeMessage.WithReceipt request) {
            answer(request);
        } else if (message instanceof NodeMessage.Receipt receipt) {
            CompletableFuture<Boolean> waiting = awaitingReceipts.remove(receipt.request());
            // None waiting: the request timed out already (and was answered 202), or the receipt is for an earlier
            // run of this node.
            if (waiting != null) {
                waiting.complete(receipt.taken());
            }
        }
        // A bare probe asks nothing: only the receiver count of its publish matters to the sender.
    }

    /** Hands over what {@code request} carries, then tells its sender whether the device took it. */
    private void answer(NodeMessage.WithReceipt request) {
        NodeMessage message = request.message();
        boolean taken;
        if (message instanceof NodeMessage.Deliver deliver) {
            taken = deliverLocally(deliver.uaid(), deliver.update());
        } else if (message instanceof NodeMessage.DeliverMessage deliver) {
            taken = deliverLocally(deliver.uaid(), deliver.message());
        } else {
            // A probe: that this node answers at all is what the sender asks.
            taken = true;
        }
        publish(request.sender(), new NodeMessage.Receipt(request.request(), taken)).whenComplete((r, failure) -> {
            if (failure != null) {
                // The sender times out and answers as for an offline device; the update is stored either way.
                LOG.debug("could not send a receipt to node {}: {}", request.sender(), failure.toString());
            }
        });
    }

    // A node of a newer release that writes a format this one cannot read means the upgrade rule was broken
    // (NodeMessageCodec); say so once per version rather than once per message.
    private void skipUnknownVersion(int version) {
        if (warnedVersions.size() < WARNED_VERSIONS && warnedVersions.add(version)) {
            LOG.warn("skipping messages of unknown format version {} on {}: a newer node writes a format this "
                    + "release cannot read; further ones are logged at DEBUG", version, keys.nodeChannel(nodeId));
        } else {
            LOG.debug("skipping a message of unknown format version {}", version);
        }
    }

    /** Evicts the local holder of {@code uaid} if it is still the connection {@code value} names. */
    private void evictLocal(Uaid uaid, String value) {
        List<Holder> evicted = new ArrayList<>(1);
        holders.computeIfPresent(uaid, (u, current) -> {
            if (!current.value().equals(value)) {
                return current;
            }
            evicted.add(current);
            return null;
        });
        evicted.forEach(holder -> holder.device().evict());
    }

    /**
     * Checks the store's epoch, then extends the presence of every local device, a batch at a time so a node with
     * many devices never floods Redis. A key that expired meanwhile (Redis restarted, or was unreachable longer
     * than presenceTtl) is set again. A key that now names another node means a takeover whose eviction never
     * arrived: the local connection is stale and is evicted. An epoch that changed means the store lost its data:
     * every local device is reset instead.
     *
     * <p>Runs on the shared scheduler and only dispatches commands: the next batch goes out from the Lettuce
     * thread that completes the last one, and nothing waits.
     */
    private void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            readEpoch()
                    // Redis unreachable: the epoch is checked again next round, once it is back.
                    .handle((current, failure) -> failure == null && !current.equals(epoch)
                            ? Optional.of(current) : Optional.<String>empty())
                    // Back on the scheduler: resetting or listing every local device is no work for an event loop.
                    .thenComposeAsync(changed -> {
                        if (changed.isPresent()) {
                            epoch = changed.get();
                            resetAll();
                            return CompletableFuture.<Void>completedFuture(null);
                        }
                        return refreshFrom(new ArrayList<>(holders.entrySet()), 0);
                    }, scheduler)
                    .whenComplete((v, failure) -> refreshing.set(false));
        } catch (RuntimeException failure) {
            refreshing.set(false);
            LOG.warn("presence refresh failed: {}", failure.toString());
        }
    }

    /**
     * The store's epoch: its current value, or, if it has none (a new store, or one that lost its data), a fresh
     * random one that this call wrote. One command on one key, so nodes that find it missing at once agree on the
     * value of whichever wrote first.
     */
    private CompletionStage<String> readEpoch() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String fresh = HexFormat.of().formatHex(bytes);
        return redis.call("read the store's epoch", c -> c.setGet(keys.epoch(), fresh, SetArgs.Builder.nx()),
                previous -> previous == null ? fresh : previous);
    }

    /**
     * The store lost its data: the UAIDs of the local devices are unknown to it now, and their endpoints answer
     * 410. Closing their connections makes them say hello again, when they are told of the reset by a new UAID and
     * register their channels again (P2.4), instead of at their next reconnect, which may be hours away.
     */
    private void resetAll() {
        List<Map.Entry<Uaid, Holder>> all = new ArrayList<>(holders.entrySet());
        LOG.warn("the Redis store lost its data (its epoch changed): closing the {} devices connected to this node "
                + "so they say hello again and learn of the reset", all.size());
        for (Map.Entry<Uaid, Holder> entry : all) {
            if (holders.remove(entry.getKey(), entry.getValue())) {
                // The same close as a takeover: promptly, and nothing is delivered on it any more.
                entry.getValue().device().evict();
            }
        }
    }

    private CompletionStage<Void> refreshFrom(List<Map.Entry<Uaid, Holder>> all, int from) {
        if (from >= all.size()) {
            return CompletableFuture.completedFuture(null);
        }
        int to = Math.min(from + REFRESH_BATCH, all.size());
        List<CompletableFuture<Void>> batch = new ArrayList<>(to - from);
        for (Map.Entry<Uaid, Holder> entry : all.subList(from, to)) {
            Uaid uaid = entry.getKey();
            Holder holder = entry.getValue();
            batch.add(redis.eval("refresh presence", RouterScripts.REFRESH, ScriptOutputType.VALUE,
                    new String[] {keys.presence(uaid)}, new String[] {holder.value(), Long.toString(presenceMillis)},
                    reply -> reply == null ? "" : reply.toString())
                    .thenAccept(current -> {
                        if (!current.isEmpty() && !nodeOf(current).equals(nodeId)) {
                            evictLocal(uaid, holder.value());
                        }
                    })
                    .toCompletableFuture()
                    // Redis unreachable: try again next round; sessions see the outage through their own calls.
                    .exceptionally(failure -> null));
        }
        return CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
                .thenCompose(v -> refreshFrom(all, to));
    }

    private static String nodeOf(String presence) {
        int slash = presence.lastIndexOf('/');
        return slash < 0 ? presence : presence.substring(0, slash);
    }
}
