package dev.simplepush.transport.udp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A CIDR block of IPv4 or IPv6 addresses, such as {@code 10.0.0.0/8} or {@code fd00::/8}. Immutable.
 *
 * @param network the first address of the block (host bits zero)
 * @param prefixLength the number of leading bits that are fixed, 0..32 for IPv4, 0..128 for IPv6
 */
public record IpRange(InetAddress network, int prefixLength) {

    /** The private IPv4 ranges of RFC 1918, the default ranges of a network (P8.1). */
    public static final List<IpRange> PRIVATE = List.of(parse("10.0.0.0/8"), parse("172.16.0.0/12"),
            parse("192.168.0.0/16"));

    /**
     * Validates the prefix length and that no host bit is set.
     *
     * @throws IllegalArgumentException if not
     */
    public IpRange {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be 0.." + bits + ": " + prefixLength);
        }
        byte[] bytes = network.getAddress();
        for (int bit = prefixLength; bit < bits; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("host bits set in " + network.getHostAddress() + "/" + prefixLength);
            }
        }
    }

    /**
     * Parses {@code address/prefix}; a bare address is a block of one.
     *
     * @throws IllegalArgumentException if the text is not an IP literal with a valid prefix
     */
    public static IpRange parse(String cidr) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress network = literal(address)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + cidr));
        int length = network.getAddress().length * 8;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prefix length: " + cidr, e);
            }
        }
        return new IpRange(network, length);
    }

    /** Whether {@code ip} (an IP literal) lies in this block; false for text that is not an IP literal. */
    public boolean contains(String ip) {
        return literal(ip).map(this::contains).orElse(false);
    }

    /** Whether {@code address} lies in this block; an address of the other family never does. */
    public boolean contains(InetAddress address) {
        byte[] mine = network.getAddress();
        byte[] theirs = address.getAddress();
        if (mine.length != theirs.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((mine[bit / 8] & mask) != (theirs[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    /**
     * The address of an IPv4 dotted quad or an IPv6 literal, without any name lookup (the text comes from a
     * device, so a host name must never reach DNS).
     */
    static Optional<InetAddress> literal(String text) {
        boolean v4 = text.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
        boolean v6 = !v4 && text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
