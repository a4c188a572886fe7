/**
 * The admin listener: {@code /metrics} (Prometheus text), {@code /health/live} and {@code /health/ready}, and the
 * token-guarded {@code /admin/} API, on an Undertow listener of its own. Assembled by {@code AdminModule}.
 */
@NullMarked
package dev.simplepush.transport.websocket.internal.admin;

import org.jspecify.annotations.NullMarked;
