package dev.simplepush.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** One simulated device with one channel. Fields are written by I/O threads and read by the drivers. */
final class Device {

    enum State { DISCONNECTED, CONNECTING, HELLO_SENT, REGISTERING, READY }

    final int index;
    final Dialect dialect;
    final String channelId = UUID.randomUUID().toString();
    final byte[] channelIdBytes = channelId.getBytes(StandardCharsets.US_ASCII);
    final ChannelLedger ledger = new ChannelLedger();

    volatile State state = State.DISCONNECTED;
    volatile @Nullable String uaid;
    volatile @Nullable URI endpoint;
    /** The client's handle of the current socket once it is upgraded; null otherwise. */
    volatile @Nullable Object connection;
    /**
     * Web Push: the bodies of this device's messages, drawn by the PUT client at its first message (a device that
     * is never sent to holds none); written by the driver thread, read by I/O threads to check notifications.
     */
    volatile @Nullable WebPushBody webPushBody;
    /** The PUT client's cached request head for {@link #putHeadFor}; driver thread only. */
    byte @Nullable [] putHead;
    @Nullable URI putHeadFor;
    /** Set while this tool itself closes the socket, so the close is not counted as the server's. */
    volatile boolean dropping;
    /** Completes when the current connection attempt is ready (hello and register answered) or failed. */
    volatile CompletableFuture<Device> ready = CompletableFuture.completedFuture(this);

    Device(int index, Dialect dialect) {
        this.index = index;
        this.dialect = dialect;
    }

    boolean isReady() {
        return state == State.READY;
    }
}
