/**
 * JMH micro-benchmarks of the server's hot paths outside the transport: endpoint tokens and the in-memory store.
 * The frame codec's benchmark lives in {@code dev.simplepush.transport.websocket} because the codec is
 * package-private. Run with {@code java -jar benchmarks/target/simplepush-jmh.jar}.
 */
package dev.simplepush.benchmarks.jmh;
