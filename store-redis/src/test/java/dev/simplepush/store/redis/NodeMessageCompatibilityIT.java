package dev.simplepush.store.redis;

import static dev.simplepush.core.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.simplepush.core.ChannelId;
import dev.simplepush.core.MessageId;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.Update;
import dev.simplepush.core.Version;
import dev.simplepush.core.WebPushMessage;
import dev.simplepush.core.WebPushMessage.Payload;
import dev.simplepush.core.testing.RecordingDevice;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * What a running node does with messages on its channel that it cannot read (a newer node's format, garbage),
 * with the unversioned messages of nodes deployed before the format had versions, and with the Web Push messages
 * of format version 2: raw texts are published on the node's channel as another node would. A node of an earlier
 * release is played by a raw subscriber on its channel.
 */
class NodeMessageCompatibilityIT {

    @RegisterExtension
    static final LocalRedis REDIS = LocalRedis.fromEnvOrStart();

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger routerLog = (Logger) LoggerFactory.getLogger(RedisRouter.class);
    private Keys keys;
    private RedisRouter nodeA;
    private RedisRouter nodeB;
    private RedisClient raw;
    private StatefulRedisConnection<String, String> publisher;
    private String channel;

    @BeforeEach
    void startNodes() {
        log.start();
        routerLog.addAppender(log);
        RedisStoreConfig shared = REDIS.config().build();
        keys = new Keys(shared.keyPrefix());
        channel = keys.nodeChannel("node-a");
        nodeA = CrossNodeRouting.newRouter(shared, "node-a");
        nodeB = CrossNodeRouting.newRouter(shared, "node-b");
        await(nodeA.start());
        await(nodeB.start());
        raw = RedisClient.create(REDIS.uri());
        publisher = raw.connect();
    }

    @AfterEach
    void stopNodes() {
        routerLog.detachAppender(log);
        publisher.close();
        raw.shutdown();
        await(nodeA.stop());
        await(nodeB.stop());
    }

    @Test
    void messagesOfAnUnknownVersionAndGarbageAreSkippedAndLaterUpdatesStillArrive() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("on A");
        await(nodeA.claim(uaid, device));
        Update future = update(1);

        // A node of a later release that broke the upgrade rule, and something that is no message at all.
        assertThat(publish("4\nu\n" + uaid.value() + "\n" + future.channelId().value() + "\n1\nnew layout"))
                .isEqualTo(1);
        assertThat(publish("4\nu\n" + uaid.value() + "\nagain")).isEqualTo(1);
        assertThat(publish("\u0000garbage " + uaid.value())).isEqualTo(1);

        assertThat(CrossNodeRouting.eventually(() -> warnings().size() == 2)).isTrue();
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("unknown format version 4"))
                .anySatisfy(line -> assertThat(line).contains("malformed"))
                .allSatisfy(line -> assertThat(line).doesNotContain(uaid.value()));
        Update real = update(2);
        assertThat(await(nodeB.deliver(uaid, real))).isTrue();
        assertThat(CrossNodeRouting.eventually(() -> device.deliveries().contains(real))).isTrue();
        assertThat(device.deliveries()).containsExactly(real);
    }

    @Test
    void unversionedMessagesOfNodesDeployedEarlierAreUnderstood() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("on A");
        await(nodeA.claim(uaid, device));
        Update update = new Update(newChannel(), Version.of(5), Optional.of("line one\nline two"));

        assertThat(publish("u\n" + uaid.value() + "\n" + update.channelId().value() + "\n5\nline one\nline two"))
                .isEqualTo(1);
        assertThat(CrossNodeRouting.eventually(() -> device.deliveries().contains(update))).isTrue();

        String presence = publisher.sync().get(keys.presence(uaid));
        assertThat(publish("e\n" + uaid.value() + "\n" + presence)).isEqualTo(1);
        assertThat(device.awaitEviction()).isTrue();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void webPushMessagesOfFormatVersionTwoAreDeliveredAndAMalformedOneIsSkipped() {
        Uaid uaid = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("on A");
        await(nodeA.claim(uaid, device));
        ChannelId channel = newChannel();
        WebPushMessage message = new WebPushMessage(new MessageId("m-1"), channel,
                Instant.ofEpochSecond(1_790_000_060L, 5), Optional.of("news"),
                Optional.of(new Payload("AAEC", "aesgcm", Optional.of("salt=abc"), Optional.empty())));
        String head = "2\nm\n" + uaid.value() + "\n" + channel.value() + "\nm-1\n1790000060\n5\n";

        // What a node of this release writes, as another node of it would publish it.
        assertThat(publish(head + "+news\naesgcm\n+salt%3Dabc\n\nAAEC")).isEqualTo(1);
        assertThat(publish(head + "news")).isEqualTo(1);

        assertThat(CrossNodeRouting.eventually(() -> device.deliveries().contains(message))).isTrue();
        assertThat(CrossNodeRouting.eventually(() -> warnings().size() == 1)).isTrue();
        assertThat(warnings()).singleElement().satisfies(line -> assertThat(line).contains("malformed")
                .doesNotContain(uaid.value()));
        assertThat(device.deliveries()).containsExactly(message);
    }

    @Test
    void aHolderOfAnEarlierReleaseIsSentOnlyWhatItReadsAndItsReceiverCountDecides() throws InterruptedException {
        Uaid uaid = Uaid.random();
        // Presence as a node from before receipts writes it: a bare counter after the node id.
        publisher.sync().set(keys.presence(uaid), "old-node/5", SetArgs.Builder.px(60_000));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        StatefulRedisPubSubConnection<String, String> old = subscribe("old-node", received);
        try {
            Update update = update(3);

            assertThat(await(nodeB.deliver(uaid, update))).isTrue();

            assertThat(received.poll(5, TimeUnit.SECONDS))
                    .isEqualTo("1\nu\n" + uaid.value() + "\n" + update.channelId().value() + "\n3");
            assertThat(await(nodeB.isConnected(uaid))).isTrue();
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("1\np");
        } finally {
            old.close();
        }
    }

    @Test
    void aRequestForAReceiptIsAnsweredOnTheSendersChannel() throws InterruptedException {
        Uaid held = Uaid.random();
        RecordingDevice device = RecordingDevice.accepting("on A");
        await(nodeA.claim(held, device));
        Update update = update(5);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        StatefulRedisPubSubConnection<String, String> sender = subscribe("node-x", received);
        try {
            assertThat(publish("3\nr\n77\nnode-x\nu\n" + held.value() + "\n" + update.channelId().value() + "\n5"))
                    .isEqualTo(1);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("3\na\n77\n1");
            assertThat(device.deliveries()).containsExactly(update);

            // Not held here: the receipt says so at once, and the sender need not wait for its deadline.
            assertThat(publish("3\nr\n-78\nnode-x\nu\n" + Uaid.random().value() + "\n"
                    + update.channelId().value() + "\n6")).isEqualTo(1);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("3\na\n-78\n0");
            assertThat(publish("3\nr\n79\nnode-x\np")).isEqualTo(1);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("3\na\n79\n1");
        } finally {
            sender.close();
        }
        assertThat(warnings()).isEmpty();
    }

    /** A raw subscriber on the channel of node {@code nodeId}, putting what it receives into {@code into}. */
    private StatefulRedisPubSubConnection<String, String> subscribe(String nodeId, BlockingQueue<String> into) {
        StatefulRedisPubSubConnection<String, String> connection = raw.connectPubSub();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String from, String message) {
                into.add(message);
            }
        });
        connection.sync().ssubscribe(keys.nodeChannel(nodeId));
        return connection;
    }

    private long publish(String text) {
        return publisher.sync().spublish(channel, text);
    }

    private List<String> warnings() {
        List<String> lines = new ArrayList<>();
        synchronized (log) {
            for (ILoggingEvent event : log.list) {
                if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                    lines.add(event.getFormattedMessage());
                }
            }
        }
        return lines;
    }

    private static Update update(long version) {
        return Update.of(newChannel(), Version.of(version));
    }

    private static ChannelId newChannel() {
        return ChannelId.of(UUID.randomUUID().toString());
    }
}
