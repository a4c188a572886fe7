package dev.simplepush.store.redis;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of {@link RedisStoreModule}: where Redis is, how keys are named, how long devices and presence
 * live, and which node this is.
 *
 * <p>Three kinds of Redis, told apart by the URIs:
 * <ul>
 *   <li>a standalone Redis: one {@code redis://} or {@code rediss://} (TLS) URI, for example
 *       {@code redis://:password@10.0.0.5:6379/0};
 *   <li>a master monitored by Redis Sentinel: one {@code redis-sentinel://} or {@code rediss-sentinel://} (TLS)
 *       URI that lists the Sentinels and names the master after {@code #}, for example
 *       {@code redis-sentinel://:password@10.0.0.7:26379,10.0.0.8:26379/0#mymaster}. The store asks the Sentinels
 *       where the master is and connects there, for commands and pub/sub alike; after a failover it reconnects to
 *       the new master. The password is the master's; the Sentinels themselves are reached without one;
 *   <li>a Redis Cluster: the URIs of its seed nodes, {@code redis://} or {@code rediss://}, with {@code cluster}.
 * </ul>
 *
 * <p>Immutable and validated on construction; build one with {@link #builder()} or take {@link #defaults()}.
 * {@link #toString()} redacts passwords in the URIs, also in a Sentinel URI's list of hosts.
 *
 * @param uris one {@code redis://} or {@code rediss://} URI for a standalone Redis, one {@code redis-sentinel://}
 *     or {@code rediss-sentinel://} URI for a master found through Sentinel, or the seed nodes of a Redis
 *     Cluster; may carry {@code user:password@} and, except for a Cluster, a database number
 * @param cluster whether {@code uris} name a Redis Cluster; always {@code true} with several URIs, never with a
 *     Sentinel URI
 * @param keyPrefix prepended to every key and pub/sub channel, so several deployments can share one Redis
 * @param deviceTtl how long a device that is neither seen (hello) nor written to is kept
 * @param presenceTtl how long a node's claim on a connected device outlives the node; refreshed while the device
 *     stays connected, so it bounds how long a dead node still looks like it holds its devices
 * @param nodeId this node's name, unique among the nodes that share the Redis; routes updates to this node
 * @param commandTimeout how long one Redis command may take before the operation fails (P4.3 503)
 * @param receiptTimeout how long a node waits for the node holding a device to confirm that its connection took an
 *     update or message (P4.3 200); without the confirmation in time, the update is answered as for an offline
 *     device (202, and a wake-up, P8.3). It bounds the extra latency of a PUT whose device's node is frozen or slow
 */
public record RedisStoreConfig(List<URI> uris, boolean cluster, String keyPrefix, Duration deviceTtl,
        Duration presenceTtl, String nodeId, Duration commandTimeout, Duration receiptTimeout) {

    /** The default URI: a Redis on this machine's default port. */
    public static final URI DEFAULT_URI = URI.create("redis://127.0.0.1:6379");
    /** The default key prefix: {@value}. */
    public static final String DEFAULT_KEY_PREFIX = "sp:";
    /** The default device time-to-live: 60 days. */
    public static final Duration DEFAULT_DEVICE_TTL = Duration.ofDays(60);
    /** The default presence time-to-live: 30 s. */
    public static final Duration DEFAULT_PRESENCE_TTL = Duration.ofSeconds(30);
    /** The default command timeout: 2 s. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** The default receipt timeout: 1 s. */
    public static final Duration DEFAULT_RECEIPT_TIMEOUT = Duration.ofSeconds(1);

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException if a URI is not an absolute {@code redis://} or {@code rediss://} URI with
     *     a host nor a {@code redis-sentinel://} or {@code rediss-sentinel://} URI with at least one host and a
     *     master id, there are several URIs and {@code cluster} is false, a Sentinel URI is not alone or comes
     *     with {@code cluster}, the prefix contains braces, a duration is not positive, the presence TTL is below
     *     1 s, or the node id is not 1 to 64 of {@code [A-Za-z0-9._-]}
     */
    public RedisStoreConfig {
        Objects.requireNonNull(uris, "uris");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(deviceTtl, "deviceTtl");
        Objects.requireNonNull(presenceTtl, "presenceTtl");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(receiptTimeout, "receiptTimeout");
        uris = List.copyOf(uris);
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("at least one Redis URI is required");
        }
        for (URI uri : uris) {
            checkUri(uri);
        }
        if (uris.size() > 1 && !cluster) {
            throw new IllegalArgumentException("several Redis URIs name the seed nodes of a Cluster; set cluster");
        }
        if ((uris.size() > 1 || cluster) && uris.stream().anyMatch(RedisStoreConfig::isSentinel)) {
            throw new IllegalArgumentException("a Sentinel URI lists all its Sentinels itself and names no Cluster: "
                    + "give it alone, without cluster");
        }
        // Braces would end or open a hash tag and split one device's keys over several Cluster slots.
        if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix must not contain '{' or '}': " + keyPrefix);
        }
        positive("deviceTtl", deviceTtl);
        positive("commandTimeout", commandTimeout);
        positive("receiptTimeout", receiptTimeout);
        if (presenceTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("presenceTtl must be at least 1s: " + presenceTtl);
        }
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("nodeId must be 1 to 64 of [A-Za-z0-9._-]: " + nodeId);
        }
    }

    /** A standalone Redis at {@link #DEFAULT_URI} with every default and a random node id. */
    public static RedisStoreConfig defaults() {
        return builder().build();
    }

    /** A builder pre-filled with the defaults and a random node id. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this configuration. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.uris = new ArrayList<>(uris);
        builder.cluster = cluster;
        builder.keyPrefix = keyPrefix;
        builder.deviceTtl = deviceTtl;
        builder.presenceTtl = presenceTtl;
        builder.nodeId = nodeId;
        builder.commandTimeout = commandTimeout;
        builder.receiptTimeout = receiptTimeout;
        return builder;
    }

    /** A fresh random node id: 16 lowercase hex characters. */
    public static String randomNodeId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "RedisStoreConfig[uris=" + redactedUris() + ", cluster=" + cluster + ", keyPrefix=" + keyPrefix
                + ", deviceTtl=" + deviceTtl + ", presenceTtl=" + presenceTtl + ", nodeId=" + nodeId
                + ", commandTimeout=" + commandTimeout + ", receiptTimeout=" + receiptTimeout + "]";
    }

    /**
     * The URI with the password in its user info replaced by {@code ***}. The user info is everything before the
     * last {@code @} of the authority: {@link URI} finds none in a Sentinel URI with several hosts
     * ({@code host1:26379,host2:26379} is no server authority to it), so it is not asked.
     */
    static String redacted(URI uri) {
        String authority = uri.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        if (at < 0) {
            return uri.toString();
        }
        String userInfo = authority.substring(0, at);
        int colon = userInfo.indexOf(':');
        // "redis://secret@host" is Lettuce's password-only form, so user info without a colon is a secret too.
        String safe = colon >= 0 ? userInfo.substring(0, colon) + ":***" : "***";
        return uri.toString().replace(userInfo + "@", safe + "@");
    }

    /** The URIs with their passwords replaced by {@code ***}, for messages. */
    List<String> redactedUris() {
        List<String> shown = new ArrayList<>();
        for (URI uri : uris) {
            shown.add(redacted(uri));
        }
        return shown;
    }

    /** Whether {@code uri} names a master through Redis Sentinel. */
    static boolean isSentinel(URI uri) {
        String scheme = uri.getScheme();
        return RedisURI.URI_SCHEME_REDIS_SENTINEL.equals(scheme)
                || RedisURI.URI_SCHEME_REDIS_SENTINEL_SECURE.equals(scheme);
    }

    /**
     * The URIs as Lettuce takes them, each with the command timeout; for a Sentinel URI also the timeout of asking
     * the Sentinels.
     */
    List<RedisURI> redisUris() {
        List<RedisURI> converted = new ArrayList<>();
        for (URI uri : uris) {
            RedisURI redisUri = RedisURI.create(uri);
            redisUri.setTimeout(commandTimeout);
            redisUri.getSentinels().forEach(sentinel -> sentinel.setTimeout(commandTimeout));
            converted.add(redisUri);
        }
        return converted;
    }

    private static void checkUri(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (isSentinel(uri)) {
            checkSentinelUri(uri);
        } else if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss")) || uri.getHost() == null) {
            throw new IllegalArgumentException("a Redis URI is redis://host:port, rediss://host:port or "
                    + "redis-sentinel://host:port[,host:port...]#master: " + redacted(uri));
        }
    }

    // Lettuce reads the hosts and the master id of a Sentinel URI itself; what it cannot read is rejected here,
    // not at the first connect. Its message is not passed on: it might quote a part of the URI.
    private static void checkSentinelUri(URI uri) {
        boolean usable;
        try {
            RedisURI parsed = RedisURI.create(uri);
            String master = parsed.getSentinelMasterId();
            usable = !parsed.getSentinels().isEmpty() && master != null && !master.isEmpty();
        } catch (RuntimeException unreadable) {
            usable = false;
        }
        if (!usable) {
            throw new IllegalArgumentException("a Sentinel URI is redis-sentinel://[:password@]host:port[,host:port"
                    + "...][/database]#master: " + redacted(uri));
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Builds a {@link RedisStoreConfig}; setters validate at once where they can. Not thread-safe. */
    public static final class Builder {

        private List<URI> uris = new ArrayList<>(List.of(DEFAULT_URI));
        private boolean cluster;
        private boolean clusterSet;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration deviceTtl = DEFAULT_DEVICE_TTL;
        private Duration presenceTtl = DEFAULT_PRESENCE_TTL;
        private String nodeId = randomNodeId();
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration receiptTimeout = DEFAULT_RECEIPT_TIMEOUT;

        private Builder() {
        }

        /**
         * One standalone Redis, e.g. {@code redis://:password@10.0.0.5:6379/0}, or a master found through
         * Sentinel, e.g. {@code redis-sentinel://:password@10.0.0.7:26379,10.0.0.8:26379/0#mymaster}. Defaults to
         * {@link #DEFAULT_URI}.
         *
         * @throws IllegalArgumentException if it is not such a URI
         */
        public Builder uri(String uri) {
            return uris(List.of(URI.create(uri)));
        }

        /**
         * The Redis to use: one URI for a standalone Redis or a Sentinel-monitored master, several for the seed
         * nodes of a Redis Cluster (which also sets {@link #cluster(boolean)} unless it was set explicitly).
         * Defaults to {@link #DEFAULT_URI}.
         *
         * @throws IllegalArgumentException if one of them is not a Redis URI (see {@link RedisStoreConfig})
         */
        public Builder uris(List<URI> uris) {
            Objects.requireNonNull(uris, "uris");
            for (URI uri : uris) {
                checkUri(uri);
            }
            this.uris = new ArrayList<>(uris);
            return this;
        }

        /**
         * Whether the URIs name a Redis Cluster; needed only to reach a Cluster through a single seed URI.
         * Defaults to {@code true} exactly when there are several URIs.
         */
        public Builder cluster(boolean cluster) {
            this.cluster = cluster;
            this.clusterSet = true;
            return this;
        }

        /** Prepended to every key and channel; no braces. Defaults to {@value #DEFAULT_KEY_PREFIX}. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /** How long an idle device is kept. Defaults to 60 days ({@link #DEFAULT_DEVICE_TTL}). */
        public Builder deviceTtl(Duration deviceTtl) {
            this.deviceTtl = Objects.requireNonNull(deviceTtl, "deviceTtl");
            return this;
        }

        /** How long presence outlives a dead node; at least 1 s. Defaults to 30 s ({@link #DEFAULT_PRESENCE_TTL}). */
        public Builder presenceTtl(Duration presenceTtl) {
            this.presenceTtl = Objects.requireNonNull(presenceTtl, "presenceTtl");
            return this;
        }

        /** This node's unique name, 1 to 64 of {@code [A-Za-z0-9._-]}. Defaults to a random one. */
        public Builder nodeId(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
            return this;
        }

        /** How long one Redis command may take. Defaults to 2 s ({@link #DEFAULT_COMMAND_TIMEOUT}). */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
            return this;
        }

        /**
         * How long to wait for the node holding a device to confirm it handed over an update or message before
         * answering as for an offline device (202); positive. Defaults to 1 s ({@link #DEFAULT_RECEIPT_TIMEOUT}).
         */
        public Builder receiptTimeout(Duration receiptTimeout) {
            this.receiptTimeout = Objects.requireNonNull(receiptTimeout, "receiptTimeout");
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if a value is invalid (see {@link RedisStoreConfig})
         */
        public RedisStoreConfig build() {
            boolean isCluster = clusterSet ? cluster : uris.size() > 1;
            return new RedisStoreConfig(uris, isCluster, keyPrefix, deviceTtl, presenceTtl, nodeId, commandTimeout,
                    receiptTimeout);
        }
    }
}
