package dev.simplepush.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * The server's logs, set up once the flags are read: level, format (text or one JSON object per line, logback's
 * {@code JsonEncoder}) and the node id, a property of the logger context that every line carries ({@code %property}
 * in text, {@code context.properties.node} in JSON). Nothing is added per event: no MDC, so the handling of a message
 * pays nothing for it.
 *
 * <p>{@code logback.xml} (text, also what logback reads first) and {@code logback-json.xml} in the jar hold the two
 * formats; this loads the chosen one. An operator's own configuration ({@code -Dlogback.configurationFile}) is left as
 * it is, with the node id as property {@code node}. Two files rather than two appenders in one: logback reports an
 * unused appender by printing its status, on standard output, which must carry only the "listening" line.
 */
final class Logging {

    /** A log level, as {@code --log-level} takes it. */
    enum Level { TRACE, DEBUG, INFO, WARN, ERROR, OFF }

    /** A log format, as {@code --log-format} takes it. */
    enum Format { TEXT, JSON }

    /** The context property that holds the node id. */
    static final String NODE_PROPERTY = "node";

    private Logging() {
    }

    /** Reconfigures logback; lines logged before (there are none but errors of the flags) used the defaults. */
    static void configure(Level level, Format format, String nodeId) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        if (System.getProperty("logback.configurationFile") != null) {
            context.putProperty(NODE_PROPERTY, nodeId);
            return;
        }
        String file = format == Format.JSON ? "/logback-json.xml" : "/logback.xml";
        URL config = Objects.requireNonNull(Logging.class.getResource(file), file);
        // A system property rather than a context one, which every JSON line would repeat.
        System.setProperty("simplepush.log.level", level.name());
        context.reset();
        context.putProperty(NODE_PROPERTY, nodeId);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging: " + e.getMessage(), e);
        }
    }
}
