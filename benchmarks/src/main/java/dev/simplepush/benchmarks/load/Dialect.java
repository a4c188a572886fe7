package dev.simplepush.benchmarks.load;

/**
 * Which protocol a device speaks, fixed for the run (W1). The app server follows: SimplePush devices get
 * {@code PUT version=N} (P4.1), Web Push devices get {@code POST}s of an opaque body with {@code TTL} and
 * {@code Content-Encoding: aes128gcm} (W6).
 */
enum Dialect {
    /** Hello without {@code use_webpush}; {@code updates} notifications acked by version (P2–P5). */
    SIMPLEPUSH,
    /**
     * Hello with {@code "use_webpush":true}; one notification per message, acked by message id with code 100 (W5,
     * W8). Every message is queued until acked (W9.1), so none supersedes another.
     */
    WEBPUSH
}
