/**
 * The load tool: a device fleet on non-blocking WebSockets plus an app server sending PUTs, with scenarios,
 * latency histograms, lost-update accounting, server memory probes and SVG charts of the results.
 */
package dev.simplepush.benchmarks.load;
