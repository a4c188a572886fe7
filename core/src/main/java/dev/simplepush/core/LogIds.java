package dev.simplepush.core;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * How credentials appear in logs: never in full. A UAID is the only credential a device has (whoever knows it takes
 * its socket over) and an endpoint token lets anyone push; logs name them by a short hash, enough to correlate lines.
 */
final class LogIds {

    private LogIds() {
    }

    /** The first 8 hex characters of the SHA-256 of {@code secret}: the same text always gives the same hash. */
    static String shortHash(String secret) {
        return shortHash(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The first 8 hex characters of the SHA-256 of {@code secret}. */
    static String shortHash(byte[] secret) {
        return HexFormat.of().formatHex(VapidKey.sha256(secret), 0, 4);
    }
}
