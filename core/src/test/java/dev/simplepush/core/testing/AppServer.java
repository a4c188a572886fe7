package dev.simplepush.core.testing;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The app server's side of the protocol (P4, and the Web Push endpoints of W6): it sends updates and messages to
 * endpoint URLs. Thread-safe; calls block until the push server answered.
 */
public interface AppServer {

    /**
     * {@code PUT endpoint} with the form body {@code version=...&data=...} (P4.1); an absent field is left out
     * of the body.
     *
     * @param endpoint the endpoint URL as a register reply handed it out
     * @param version the {@code version} field as text, exactly as the app server would write it
     * @param data the {@code data} field
     */
    Response put(URI endpoint, Optional<String> version, Optional<String> data);

    /** Whether {@link #send} is supported (a real HTTP client); false by default. */
    default boolean supportsRawHttp() {
        return false;
    }

    /**
     * Sends an arbitrary HTTP request, for the P4 rules only HTTP can express (methods, content types, the query
     * string).
     *
     * @param method the HTTP method
     * @param uri the request URI
     * @param headers request headers
     * @param body the request body, empty for none
     * @throws UnsupportedOperationException unless {@link #supportsRawHttp()}
     */
    default Response send(String method, URI uri, Map<String, String> headers, String body) {
        throw new UnsupportedOperationException("this app server cannot send raw HTTP requests");
    }

    /**
     * Sends an arbitrary HTTP request with a binary body, for the Web Push rules (W6, W7): an encrypted message is
     * opaque bytes, sent with the headers that describe it ({@code TTL}, {@code Content-Encoding}, ...).
     *
     * @param method the HTTP method
     * @param uri the request URI
     * @param headers request headers
     * @param body the request body, sent as is; empty for none
     * @throws UnsupportedOperationException unless {@link #supportsRawHttp()}
     */
    default Response send(String method, URI uri, Map<String, String> headers, byte[] body) {
        throw new UnsupportedOperationException("this app server cannot send raw HTTP requests");
    }

    /**
     * The push server's answer.
     *
     * @param status the HTTP status
     * @param body the response body
     * @param headers the response headers, names in lower case, one value each (the first)
     */
    record Response(int status, String body, Map<String, String> headers) {

        /** Validates that no component is null, lower-cases header names and copies the headers. */
        public Response {
            Objects.requireNonNull(body, "body");
            Map<String, String> lower = new TreeMap<>();
            headers.forEach((name, value) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
            headers = Map.copyOf(lower);
        }

        /** The value of header {@code name} (any case). */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
