/**
 * UDP wake-up of mobile devices (P8): which hellos are eligible ({@link dev.simplepush.transport.udp.WakeupNetwork}
 * ranges and codes), and how an offline device is woken: a UDP datagram {@code NOTIFY ip:port} sent directly, or
 * a form POST to the operator's HTTPS wake-up service. Install {@link dev.simplepush.transport.udp.UdpWakeupModule}
 * next to the core; JDK only.
 */
@NullMarked
package dev.simplepush.transport.udp;

import org.jspecify.annotations.NullMarked;
