/**
 * Capacity measurements of a SimplePush server: the load tool ({@link dev.simplepush.benchmarks.load}), JMH
 * micro-benchmarks ({@link dev.simplepush.benchmarks.jmh}) and {@link dev.simplepush.benchmarks.TrivialPutServer},
 * the baseline a PUT endpoint is compared with. Not a published artifact.
 */
package dev.simplepush.benchmarks;
