package dev.simplepush.core;

import java.util.Objects;
import java.util.Optional;

/**
 * How to wake a device whose socket is closed (P8): its address on the mobile network and the network it is
 * on, as sent in hello's {@code wakeup_hostport} and {@code mobilenetwork}. Stored with the device so that
 * any node can wake it.
 *
 * @param ip the device's IP address on the mobile network, as text
 * @param port the UDP port it listens on, 1..65535
 * @param mcc mobile country code (digits)
 * @param mnc mobile network code (digits)
 * @param netid the network id, if the device sent one
 */
public record WakeupAddress(String ip, int port, String mcc, String mnc, Optional<String> netid) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if the port is out of range or mcc/mnc are not digits
     */
    public WakeupAddress {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mcc, "mcc");
        Objects.requireNonNull(mnc, "mnc");
        Objects.requireNonNull(netid, "netid");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("wake-up port must be in 1..65535: " + port);
        }
        if (!mcc.matches("[0-9]{1,3}") || !mnc.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("mcc and mnc must be 1 to 3 digits: " + mcc + "/" + mnc);
        }
    }
}
