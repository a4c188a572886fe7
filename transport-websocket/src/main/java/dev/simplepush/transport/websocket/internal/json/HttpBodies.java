package dev.simplepush.transport.websocket.internal.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.simplepush.core.ComponentHealth;
import dev.simplepush.core.DeviceReport;
import dev.simplepush.core.Health;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The JSON bodies of the listeners' HTTP answers: the endpoint's success and error bodies (P4.3), health reports and
 * the admin answers. Each call returns a fresh array the caller may keep.
 *
 * <p>Stateless and thread-safe.
 */
public final class HttpBodies {

    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

    private HttpBodies() {
    }

    /** The HTTP success body {@code {}} (P4.3). */
    public static byte[] emptyObject() {
        return EMPTY_OBJECT.clone();
    }

    /** The HTTP error body {@code {"code":..,"errno":..,"error":..,"message":..}} (P4.3). */
    public static byte[] errorBody(int code, int errno, String error, String message) {
        return write(160, json -> {
            json.writeNumberField("code", code);
            json.writeNumberField("errno", errno);
            json.writeStringField("error", error);
            json.writeStringField("message", message);
        });
    }

    /** A body {@code {"<name>":"<value>"}}: an admin answer or error. */
    public static byte[] field(String name, String value) {
        return write(32 + value.length(), json -> json.writeStringField(name, value));
    }

    /**
     * A health report: {@code {"status":"UP","components":{"server":{"status":"UP","detail":"started"},...}}}, with
     * each component's detail only if {@code details} (the public {@code /health} shows statuses alone).
     */
    public static byte[] health(Health health, boolean details) {
        return write(64 + 48 * health.components().size(), json -> {
            json.writeStringField("status", health.status().name());
            json.writeObjectFieldStart("components");
            for (Map.Entry<String, ComponentHealth> component : health.components().entrySet()) {
                json.writeObjectFieldStart(component.getKey());
                json.writeStringField("status", component.getValue().status().name());
                if (details) {
                    json.writeStringField("detail", component.getValue().detail());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        });
    }

    /**
     * An admin's view of one device: {@code {"connected":true,"node":"a","channels":3,"pending":1,
     * "pendingUpdates":1,"queuedMessages":0}}, {@code node} null when not connected.
     */
    public static byte[] device(DeviceReport report) {
        return write(128, json -> {
            json.writeBooleanField("connected", report.connected());
            if (report.node().isPresent()) {
                json.writeStringField("node", report.node().get());
            } else {
                json.writeNullField("node");
            }
            json.writeNumberField("channels", report.channels());
            json.writeNumberField("pending", report.pending());
            json.writeNumberField("pendingUpdates", report.pendingUpdates());
            json.writeNumberField("queuedMessages", report.queuedMessages());
        });
    }

    /** What fills one JSON object. */
    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(int sizeHint, Fields fields) {
        ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
        try (JsonGenerator json = ProtocolCodec.JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array", e);
        }
        return out.toByteArray();
    }
}
