package dev.simplepush.transport.websocket.internal;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * A buffer pool that counts the buffers currently taken from it, for tests: given to a {@link PushListener} in place
 * of its own pool, the count shows that idle sockets hold no pooled buffer (buffers are taken only while bytes are
 * being read or written). The listener's production pool has no such wrapper, so taking a buffer costs no object
 * and no atomic update.
 *
 * <p>Thread-safe.
 */
final class CountingBufferPool implements ByteBufferPool {

    private final ByteBufferPool delegate;
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger allocated = new AtomicInteger();

    CountingBufferPool(ByteBufferPool delegate) {
        this.delegate = delegate;
    }

    /** The number of buffers allocated and not yet released. */
    int inUse() {
        return inUse.get();
    }

    /** The number of buffers allocated so far. */
    int allocated() {
        return allocated.get();
    }

    @Override
    public PooledByteBuffer allocate() {
        PooledByteBuffer pooled = delegate.allocate();
        inUse.incrementAndGet();
        allocated.incrementAndGet();
        return new Counted(pooled, inUse);
    }

    @Override
    public ByteBufferPool getArrayBackedPool() {
        return delegate.getArrayBackedPool();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public int getBufferSize() {
        return delegate.getBufferSize();
    }

    @Override
    public boolean isDirect() {
        return delegate.isDirect();
    }

    private static final class Counted implements PooledByteBuffer {
        private static final AtomicIntegerFieldUpdater<Counted> CLOSED =
                AtomicIntegerFieldUpdater.newUpdater(Counted.class, "closed");

        private final AtomicInteger inUse;
        private volatile int closed;
        // Dropped on close: Undertow may keep a released buffer's wrapper referenced from an idle channel.
        private volatile @Nullable PooledByteBuffer pooled;

        Counted(PooledByteBuffer pooled, AtomicInteger inUse) {
            this.pooled = pooled;
            this.inUse = inUse;
        }

        @Override
        public ByteBuffer getBuffer() {
            PooledByteBuffer current = pooled;
            if (current == null) {
                throw new IllegalStateException("the buffer was released");
            }
            return current.getBuffer();
        }

        @Override
        public void close() {
            // Undertow may release a buffer twice; count it once.
            if (CLOSED.compareAndSet(this, 0, 1)) {
                PooledByteBuffer released = pooled;
                pooled = null;
                if (released != null) {
                    released.close();
                }
                inUse.decrementAndGet();
            }
        }

        @Override
        public boolean isOpen() {
            return closed == 0;
        }
    }
}
