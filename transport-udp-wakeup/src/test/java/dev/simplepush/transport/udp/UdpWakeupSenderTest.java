package dev.simplepush.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simplepush.core.Notice;
import dev.simplepush.core.Uaid;
import dev.simplepush.core.WakeupAddress;
import dev.simplepush.core.spi.LocalDevice;
import dev.simplepush.core.spi.Router;
import dev.simplepush.core.spi.Scheduler;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sender's series bookkeeping (P8.3), with a real datagram socket on 127.0.0.1 and a scripted presence. */
class UdpWakeupSenderTest {

    // Long enough that class loading and scheduling lag in the first test cannot reach the first retry.
    private static final Duration RETRY = Duration.ofMillis(500);

    private final AtomicBoolean connectedElsewhere = new AtomicBoolean();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private DatagramChannel phone;
    private UdpWakeupSender sender;
    private WakeupAddress address;

    /** Presence only: the sender asks whether the device is back on some node before each retry. */
    private final Router presence = new Router() {
        @Override
        public CompletionStage<Void> claim(Uaid uaid, LocalDevice device) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> release(Uaid uaid, LocalDevice device) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Boolean> deliver(Uaid uaid, Notice notice) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Boolean> isConnected(Uaid uaid) {
            return CompletableFuture.completedFuture(connectedElsewhere.get());
        }

        @Override
        public CompletionStage<Optional<String>> holderNode(Uaid uaid) {
            throw new UnsupportedOperationException();
        }
    };

    @BeforeEach
    void start() throws Exception {
        phone = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        phone.configureBlocking(false);
        int port = ((InetSocketAddress) phone.getLocalAddress()).getPort();
        address = new WakeupAddress("127.0.0.1", port, "214", "07", Optional.empty());
        UdpWakeupConfig config = UdpWakeupConfig.builder()
                .network(WakeupNetwork.parse("mcc=214,mnc=07,ranges=127.0.0.0/8"))
                .retryInterval(RETRY)
                .maxAttempts(4)
                .build();
        sender = new UdpWakeupSender(config, new NetworkWakeupPolicy(config), presence, meters,
                Scheduler.of(timers));
        sender.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        sender.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        timers.shutdownNow();
        sender.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        phone.close();
    }

    private @Nullable String datagram(Duration wait) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (phone.receive(buffer) != null) {
                buffer.flip();
                return StandardCharsets.US_ASCII.decode(buffer).toString();
            }
            Thread.sleep(5);
        }
        return null;
    }

    private double count(String name) {
        return meters.counter(name).count();
    }

    @Test
    @DisplayName("P8.3 the first wake-up is a NOTIFY datagram; more wakes during the series are absorbed")
    void firstWakeSendsAndLaterWakesAreAbsorbed() throws Exception {
        Uaid uaid = Uaid.random();
        sender.wake(uaid, address).toCompletableFuture().get(5, TimeUnit.SECONDS);
        sender.wake(uaid, address).toCompletableFuture().get(5, TimeUnit.SECONDS);
        sender.wake(uaid, address).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(datagram(Duration.ofSeconds(5))).isEqualTo("NOTIFY 127.0.0.1:" + address.port());
        assertThat(datagram(RETRY.dividedBy(5))).as("a second datagram before the retry interval").isNull();
        assertThat(count("simplepush.wakeup.sent")).isEqualTo(1.0);
        assertThat(sender.outstanding()).isEqualTo(1);
    }

    @Test
    @DisplayName("each wake-up sent is timed from its own decision: the retry's turn, not the first wake")
    void eachWakeUpSentIsTimedFromItsDecision() throws Exception {
        Uaid uaid = Uaid.random();
        sender.wake(uaid, address).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(datagram(Duration.ofSeconds(5))).isNotNull();
        assertThat(datagram(Duration.ofSeconds(5))).as("the retry").isNotNull();

        Timer timer = meters.timer("simplepush.wakeup.duration");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (timer.count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.max(TimeUnit.MILLISECONDS)).as("no send waited for the retry interval")
                .isLessThan(RETRY.toMillis());
    }

    @Test
    @DisplayName("P8.3 a device that said hello here ends its series: no retry")
    void helloEndsTheSeries() throws Exception {
        Uaid uaid = Uaid.random();
        sender.wake(uaid, address).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(datagram(Duration.ofSeconds(5))).isNotNull();

        sender.deviceReturned(uaid);
        sender.deviceReturned(uaid);

        assertThat(datagram(RETRY.multipliedBy(2))).as("a retry after the device came back").isNull();
        assertThat(count("simplepush.wakeup.woken")).isEqualTo(1.0);
        assertThat(sender.outstanding()).isZero();
    }

    @Test
    @DisplayName("P7/P8.3 a device found connected on another node before a retry ends its series")
    void deviceBackElsewhereEndsTheSeries() throws Exception {
        Uaid uaid = Uaid.random();
        sender.wake(uaid, address).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(datagram(Duration.ofSeconds(5))).isNotNull();
        connectedElsewhere.set(true);

        assertThat(datagram(RETRY.multipliedBy(2))).as("a retry for a connected device").isNull();
        UdpWakeupIT.awaitTrue(() -> sender.outstanding() == 0, "series ended");
        assertThat(count("simplepush.wakeup.woken")).isEqualTo(1.0);
        assertThat(count("simplepush.wakeup.retried")).isZero();
    }

    @Test
    @DisplayName("P8.1 an address no configured network covers is refused")
    void addressOfNoNetworkIsRefused() {
        WakeupAddress elsewhere = new WakeupAddress("10.0.0.1", 2442, "214", "07", Optional.empty());
        assertThatThrownBy(() -> sender.wake(Uaid.random(), elsewhere).toCompletableFuture().join())
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(sender.outstanding()).isZero();
    }
}
