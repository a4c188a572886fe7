package dev.simplepush.store.redis;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * On start the store says whether the Redis keeps its data over a restart: a warning, once, when it has neither AOF
 * nor RDB snapshots; what it cannot tell (CONFIG refused, as on many managed Redis) it says at INFO.
 */
class RedisPersistenceCheckIT {

    private final Logger logger = (Logger) LoggerFactory.getLogger(PersistenceCheck.class);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Level level;

    @BeforeEach
    void capture() {
        level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
        logger.setLevel(level);
    }

    @Test
    void aRedisWithNeitherAofNorSnapshotsIsWarnedOfOnce() {
        List<ILoggingEvent> events = startStoreOn("--save", "", "--appendonly", "no");

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("persists nothing").contains("only as durable as its "
                    + "memory").contains("appendonly yes");
        });
    }

    @Test
    void aRedisWithAofIsNotWarnedOf() {
        assertThat(startStoreOn("--appendonly", "yes")).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(event.getFormattedMessage()).contains("persists its data").contains("appendonly yes");
        });
    }

    @Test
    void aRedisWithSnapshotsIsNotWarnedOf() {
        assertThat(startStoreOn("--save", "3600 1")).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(event.getFormattedMessage()).contains("save \"3600 1\"");
        });
    }

    @Test
    void withoutConfigGetAofOnIsStillSeenInInfo() {
        assertThat(startStoreOn("--appendonly", "yes", "--rename-command", "CONFIG", "")).singleElement()
                .satisfies(event -> {
                    assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
                    assertThat(event.getFormattedMessage()).contains("AOF is on");
                });
    }

    @Test
    void withoutConfigGetAndAofOffItSaysItCannotTellAtInfo() {
        assertThat(startStoreOn("--rename-command", "CONFIG", "")).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.INFO);
            assertThat(event.getFormattedMessage()).contains("cannot tell").contains("CONFIG GET is refused");
        });
    }

    /**
     * Starts a store and its router (which share the connection) on a fresh Redis started with {@code redisArgs},
     * waits for the line about persistence and stops them; every line logged meanwhile.
     */
    private List<ILoggingEvent> startStoreOn(String... redisArgs) {
        RedisProcess redis = RedisProcess.start(redisArgs);
        try {
            RedisConnection connection = new RedisConnection(RedisStoreConfig.builder().uri(redis.uri())
                    .keyPrefix(LocalRedis.newPrefix()).build());
            RedisDeviceStore store = new RedisDeviceStore(connection);
            RedisRouter router = new RedisRouter(connection, TestScheduler.shared());
            try {
                await(store.start());
                await(router.start());
                assertThat(CrossNodeRouting.eventually(() -> !log.list.isEmpty())).as("a line about persistence")
                        .isTrue();
            } finally {
                await(router.stop());
                await(store.stop());
            }
            return List.copyOf(log.list);
        } finally {
            redis.close();
        }
    }
}
