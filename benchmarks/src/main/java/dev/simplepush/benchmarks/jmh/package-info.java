/**
 * JMH micro-benchmarks of the server's hot paths: endpoint tokens, the in-memory store, and the transport's
 * WebSocket framing and message codec (through its {@code internal} packages), and what the meters add. Run with
 * {@code java -jar benchmarks/target/simplepush-jmh.jar}; add {@code -prof dev.simplepush.benchmarks.jmh.ProcessCpuProfiler}
 * for CPU time per operation.
 */
package dev.simplepush.benchmarks.jmh;
