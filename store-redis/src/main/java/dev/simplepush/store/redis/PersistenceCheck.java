package dev.simplepush.store.redis;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, once per start of the store, whether the Redis keeps its data over a restart. An update is
 * answered 200 or 202 once Redis has it (P4.3); without AOF or RDB snapshots, a restart of Redis loses it, with every
 * device. Not a failure: a Redis used as a cache may be meant that way, so this only logs.
 *
 * <p>Asks {@code CONFIG GET appendonly save}; a managed Redis often refuses {@code CONFIG}, and then
 * {@code INFO persistence} can still show AOF on, but not whether snapshots are configured. What it cannot tell it says
 * at INFO. On a Cluster the node that answers speaks for all. Only dispatches commands; never blocks.
 */
final class PersistenceCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PersistenceCheck.class);

    private PersistenceCheck() {
    }

    /** Asks and logs; the stage completes when the line is logged, and never fails. */
    static CompletionStage<Void> run(RedisConnection redis) {
        String where = String.join(",", redis.config().redactedUris());
        return redis.call("CONFIG GET appendonly save", c -> c.configGet("appendonly", "save"), Optional::of)
                .exceptionally(refused -> Optional.empty())
                .thenCompose(config -> {
                    if (config.isEmpty()) {
                        return redis.call("INFO persistence", c -> c.info("persistence"), info -> {
                            fromInfo(info, where);
                            return null;
                        });
                    }
                    fromConfig(config.get(), where);
                    return CompletableFuture.<Void>completedFuture(null);
                })
                .exceptionally(failure -> {
                    LOG.info("cannot tell whether the Redis at {} persists its data (CONFIG GET and INFO refused: {}). "
                            + "Without AOF or RDB snapshots, updates accepted (200/202) are only as durable as its "
                            + "memory", where, failure.getMessage());
                    return null;
                });
    }

    private static void fromConfig(Map<String, String> config, String where) {
        boolean aof = "yes".equalsIgnoreCase(config.getOrDefault("appendonly", "no"));
        String save = config.getOrDefault("save", "").trim();
        if (aof || !save.isEmpty()) {
            LOG.debug("the Redis at {} persists its data: appendonly {}, save \"{}\"", where, aof ? "yes" : "no",
                    save);
            return;
        }
        LOG.warn("the Redis at {} persists nothing (appendonly no, save \"\"): updates accepted (200/202) are only "
                + "as durable as its memory, and a restart of Redis loses every device and pending update. Turn on "
                + "AOF (appendonly yes) or RDB snapshots (save) unless that is meant", where);
    }

    private static void fromInfo(String info, String where) {
        if (field(info, "aof_enabled").equals("1")) {
            LOG.debug("the Redis at {} persists its data: AOF is on (INFO persistence; CONFIG GET refused)", where);
            return;
        }
        LOG.info("cannot tell whether the Redis at {} persists its data: CONFIG GET is refused, and INFO persistence "
                + "shows AOF off but not whether RDB snapshots are configured. Without them, updates accepted "
                + "(200/202) are only as durable as its memory", where);
    }

    /** The value of {@code name} in an INFO reply ({@code name:value} lines), or "" if it has none. */
    static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }
}
