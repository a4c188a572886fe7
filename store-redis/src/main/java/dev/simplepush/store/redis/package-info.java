/**
 * A {@link dev.simplepush.core.spi.DeviceStore} and a cross-node {@link dev.simplepush.core.spi.Router} on Redis
 * 7.0 or later (standalone, a master monitored by Sentinel, or a Cluster) through Lettuce's asynchronous API.
 * Install {@link dev.simplepush.store.redis.RedisStoreModule} on every node that shares the Redis; configure it
 * with {@link dev.simplepush.store.redis.RedisStoreConfig}.
 *
 * <p>Every rule that reads and then writes a device runs as one Lua script, atomically in Redis; all keys of a
 * device share the hash tag {@code {uaid}}, so on a Cluster they live in one slot. Nodes tell each other of
 * updates and evictions in a versioned message format, so nodes of two releases can share a Redis during a
 * rolling upgrade.
 *
 * <p>Lettuce types appear in this package's API only where an application hands in its own Lettuce resources or
 * client ({@code RedisStoreModule.with...}); the ports never carry them, and Lettuce failures reach callers as
 * {@link dev.simplepush.core.StoreException}.
 */
@NullMarked
package dev.simplepush.store.redis;

import org.jspecify.annotations.NullMarked;
