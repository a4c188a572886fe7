/**
 * What core's test-jar shares with adapters, the one package it holds: the contract suites every store adapter runs
 * ({@link dev.simplepush.core.testing.DeviceStoreContract}, {@link dev.simplepush.core.testing.RouterContract}),
 * the protocol scenarios every composed server runs ({@link dev.simplepush.core.testing.ProtocolScenarios}, in
 * process through {@link dev.simplepush.core.testing.InProcessHarness} or over a transport's sockets; {@link
 * dev.simplepush.core.testing.WebPushScenarios} for the Web Push dialect, over sockets), and fixtures: bounded waiting
 * for stages, a recording {@code LocalDevice}, a store that fails on demand, a scheduler whose time moves only when
 * the test says so, and VAPID signing ({@link dev.simplepush.core.testing.VapidSigner}, on {@link
 * dev.simplepush.core.testing.Es256}).
 */
@NullMarked
package dev.simplepush.core.testing;

import org.jspecify.annotations.NullMarked;
