package dev.simplepush.transport.websocket.internal.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON bodies of the listener's HTTP answers: the endpoint's success and error bodies (P4.3) and the health
 * status. Each call returns a fresh array the caller may keep.
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
        ByteArrayBuilder out = new ByteArrayBuilder(160);
        try (JsonGenerator json = ProtocolCodec.JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeNumberField("code", code);
            json.writeNumberField("errno", errno);
            json.writeStringField("error", error);
            json.writeStringField("message", message);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array", e);
        }
        return out.toByteArray();
    }

    /** A body {@code {"status":"<status>"}}, for the health route. */
    public static byte[] statusBody(String status) {
        ByteArrayBuilder out = new ByteArrayBuilder(32);
        try (JsonGenerator json = ProtocolCodec.JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("status", status);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array", e);
        }
        return out.toByteArray();
    }
}
