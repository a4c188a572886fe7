/**
 * JMH micro-benchmarks of the server's hot paths: endpoint tokens, the in-memory store, and the transport's
 * WebSocket framing and message codec (through its {@code internal} packages). Run with
 * {@code java -jar benchmarks/target/simplepush-jmh.jar}.
 */
package dev.simplepush.benchmarks.jmh;
