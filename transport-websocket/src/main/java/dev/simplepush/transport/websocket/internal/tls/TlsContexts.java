package dev.simplepush.transport.websocket.internal.tls;

import dev.simplepush.transport.websocket.TlsConfig;
import io.undertow.Undertow;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.Xnio;

/**
 * The TLS side of one listener: the context that serves new connections, and Undertow's TLS connection around each
 * accepted one ({@link #wrap}). Undertow's {@code SslConnection} takes its buffers from {@link #buffers()} only while
 * bytes are wrapped or unwrapped and gives them back at once, so an idle TLS connection holds no buffer (XNIO's own
 * TLS connection would keep two for its whole life).
 *
 * <p>{@link #reload()} runs periodically on the core's scheduler, one task for the listener: it looks at the files
 * (or asks the application's supplier) and swaps the context of new connections when the certificate changed; a new
 * pair that does not load is logged and the one in use kept.
 *
 * <p>Thread-safe: {@link #wrap} runs on I/O threads while {@link #reload} swaps the context on the scheduler.
 */
public final class TlsContexts {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    /** The largest TLS record (16 KiB of data and its overhead, 16,709 bytes) fits one buffer. */
    private static final int BUFFER_BYTES = 17 * 1024;

    private final TlsConfig config;
    private final Xnio xnio;
    private final ByteBufferPool buffers;
    private volatile UndertowXnioSsl current;
    // Written by reload() alone, on the scheduler.
    private @Nullable FileStamps stamps;
    private SSLContext context;

    private TlsContexts(TlsConfig config, ByteBufferPool buffers, SSLContext context, @Nullable FileStamps stamps) {
        this.config = config;
        this.xnio = Xnio.getInstance(Undertow.class.getClassLoader());
        this.buffers = buffers;
        this.context = context;
        this.stamps = stamps;
        this.current = new UndertowXnioSsl(xnio, OptionMap.EMPTY, buffers, context);
    }

    /**
     * The TLS side as {@code config} says, its first context made now (this reads the PEM files).
     *
     * @throws IllegalArgumentException naming the file and the reason if the files do not make a context, or if the
     *     application's supplier fails or answers nothing
     */
    public static TlsContexts start(TlsConfig config) {
        ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_BYTES, -1, 4);
        try {
            if (config instanceof TlsConfig.PemFiles files) {
                FileStamps stamps = FileStamps.of(files).orElse(null);
                return new TlsContexts(config, buffers, PemContexts.load(files.certificateChain(), files.privateKey()),
                        stamps);
            }
            return new TlsContexts(config, buffers, supplied((TlsConfig.Contexts) config), null);
        } catch (RuntimeException e) {
            buffers.close();
            throw e;
        }
    }

    /** The pool of the TLS records' buffers; closed by {@link #close()}. */
    ByteBufferPool buffers() {
        return buffers;
    }

    /** Undertow's TLS connection around {@code accepted}, a server's side, with the context of the moment. */
    public StreamConnection wrap(StreamConnection accepted) {
        return current.wrapExistingConnection(accepted, OptionMap.EMPTY, false);
    }

    /**
     * Looks for a new certificate and, if there is one that loads, serves it to new connections; one that does not
     * is logged at WARN and the one in use kept. On the scheduler; blocks to read files.
     */
    public void reload() {
        try {
            if (config instanceof TlsConfig.PemFiles files) {
                Optional<FileStamps> now = FileStamps.of(files);
                if (now.isEmpty() || now.get().equals(stamps)) {
                    return;
                }
                SSLContext loaded;
                try {
                    loaded = PemContexts.load(files.certificateChain(), files.privateKey());
                } catch (IllegalArgumentException e) {
                    // Not remembered: a pair half-written now is looked at again next time.
                    LOG.warn("the changed TLS files do not load; keeping the certificate in use: {}", e.getMessage());
                    return;
                }
                stamps = now.get();
                swap(loaded);
                LOG.info("TLS certificate reloaded from {}", files.certificateChain());
            } else {
                SSLContext supplied = supplied((TlsConfig.Contexts) config);
                if (supplied != context) {
                    swap(supplied);
                    LOG.info("TLS context replaced by the application's new one");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("looking for a new TLS certificate failed; keeping the one in use: {}", e.toString());
        }
    }

    /** Gives the buffers back; once the listener's I/O threads have ended. */
    public void close() {
        buffers.close();
    }

    private void swap(SSLContext next) {
        context = next;
        current = new UndertowXnioSsl(xnio, OptionMap.EMPTY, buffers, next);
    }

    private static SSLContext supplied(TlsConfig.Contexts contexts) {
        SSLContext context;
        try {
            context = contexts.contexts().get();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the application's SSLContext supplier failed: " + e, e);
        }
        if (context == null) {
            throw new IllegalArgumentException("the application's SSLContext supplier answered null");
        }
        try {
            context.createSSLEngine();
        } catch (IllegalStateException notInitialised) {
            throw new IllegalArgumentException("the application's SSLContext is not initialised", notInitialised);
        }
        return context;
    }

    /**
     * What tells that a file changed without reading it: modification time, size and identity (a new file moved in
     * place, as tools that renew certificates do, has another inode even with the same time and size).
     */
    private record FileStamp(long modifiedMillis, long size, @Nullable Object fileKey) {

        static FileStamp of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(attributes.lastModifiedTime().toMillis(), attributes.size(), attributes.fileKey());
        }
    }

    /** The stamps of both files. */
    private record FileStamps(FileStamp chain, FileStamp key) {

        /** Both files' stamps; empty if either cannot be looked at now (logged; it may be on its way). */
        static Optional<FileStamps> of(TlsConfig.PemFiles files) {
            try {
                return Optional.of(new FileStamps(FileStamp.of(files.certificateChain()),
                        FileStamp.of(files.privateKey())));
            } catch (IOException e) {
                LOG.warn("cannot look at the TLS files {} and {}: {}", files.certificateChain(), files.privateKey(),
                        e.toString());
                return Optional.empty();
            }
        }
    }
}
