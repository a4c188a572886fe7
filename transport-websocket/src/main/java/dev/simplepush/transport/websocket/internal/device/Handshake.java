package dev.simplepush.transport.websocket.internal.device;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The opening handshake of a device WebSocket (RFC 6455 §4.2): the one check of an upgrade request and the one 101
 * answer, whichever way the request arrived. {@link DeviceOpenListener} reads a connection's first request itself;
 * {@link DeviceUpgradeHandler} gets a later one on a keep-alive connection from Undertow. Requests this check
 * refuses are answered by Undertow's routes: 426, with {@code Sec-WebSocket-Version: 13} when the request asked for
 * another version (§4.4); 403 for an upgrade from a web page whose origin is not allowed (§4.2.2, {@link
 * #allowsOrigin}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Handshake {

    /** P1.1: echoed when offered, never required. */
    public static final String SUB_PROTOCOL = "push-notification";
    /** The one version spoken (RFC 6455 §4.1); drafts 7 and 8 are refused with 426. */
    static final String VERSION = "13";

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String accept;
    private final boolean subProtocol;

    private Handshake(String accept, boolean subProtocol) {
        this.accept = accept;
        this.subProtocol = subProtocol;
    }

    /**
     * The handshake that answers a request with these header values, or empty if it is not a version 13 WebSocket
     * upgrade with a well-formed key (§4.2.1). {@code upgrade}, {@code connection} and {@code protocols} are
     * comma-separated lists (the values of repeated lines joined), matched without regard to case.
     */
    static Optional<Handshake> of(@Nullable String upgrade, @Nullable String connection, @Nullable String key,
            @Nullable String version, @Nullable String protocols) {
        if (upgrade == null || !hasToken(upgrade, "websocket") || connection == null
                || !hasToken(connection, "upgrade") || !VERSION.equals(version) || key == null || !isKey(key)) {
            return Optional.empty();
        }
        return Optional.of(new Handshake(accept(key), protocols != null && hasToken(protocols, SUB_PROTOCOL)));
    }

    /**
     * Whether an upgrade whose {@code Origin} is {@code origin} may open a device socket, given the {@code allowed}
     * origins (lower-case, without a default port, as browsers write them; empty for any). An upgrade without
     * {@code Origin} is always allowed: devices and Firefox's push service send none, and only a browser page is
     * made to say where it comes from. Repeated {@code Origin} lines (a non-browser client) come as the value
     * {@code ""}, which no allowed origin matches.
     */
    static boolean allowsOrigin(List<String> allowed, @Nullable String origin) {
        return origin == null || allowed.isEmpty() || allowed.contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    /** Whether the request asks for a WebSocket version other than {@value #VERSION}. */
    static boolean isOtherVersion(@Nullable String version) {
        return version != null && !version.equals(VERSION);
    }

    /** The header fields of the 101 answer, in order. */
    void forEachHeader(BiConsumer<String, String> header) {
        header.accept("Upgrade", "websocket");
        header.accept("Connection", "Upgrade");
        header.accept("Sec-WebSocket-Accept", accept);
        if (subProtocol) {
            header.accept("Sec-WebSocket-Protocol", SUB_PROTOCOL);
        }
    }

    /** The whole 101 answer, as written to a connection whose request was read without Undertow. */
    byte[] response() {
        StringBuilder response = new StringBuilder(160).append("HTTP/1.1 101 Switching Protocols\r\n");
        forEachHeader((name, value) -> response.append(name).append(": ").append(value).append("\r\n"));
        return response.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code Sec-WebSocket-Accept} value for {@code key} (RFC 6455 §4.2.2). */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /** RFC 6455 §4.1: the key is 16 random bytes in base64. */
    private static boolean isKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasToken(String list, String token) {
        for (String part : list.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
