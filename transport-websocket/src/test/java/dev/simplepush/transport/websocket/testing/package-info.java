/**
 * What transport-websocket's test-jar shares with store adapters, the one package it holds: a push server composed
 * with this transport and any store module, reached over real loopback sockets ({@link
 * dev.simplepush.transport.websocket.testing.WireHarness}), its devices ({@link
 * dev.simplepush.transport.websocket.testing.WireClient}) and the JSON a device writes and reads ({@link
 * dev.simplepush.transport.websocket.testing.WireJson}), and the scenarios that need a raw socket on any store ({@link
 * dev.simplepush.transport.websocket.testing.MessagesBeforeCloseScenarios}). A store adapter runs core's scenario
 * suites over the wire with one line:
 *
 * <pre>{@code
 * protected Harness start(PushConfig config) {
 *     return WireHarness.start(config, new RedisStoreModule(...));
 * }
 * }</pre>
 */
@NullMarked
package dev.simplepush.transport.websocket.testing;

import org.jspecify.annotations.NullMarked;
