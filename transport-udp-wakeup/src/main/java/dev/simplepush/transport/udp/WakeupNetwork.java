package dev.simplepush.transport.udp;

import dev.simplepush.core.WakeupAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A mobile network whose devices may be woken (P8.1): identified by its mcc/mnc, its netid, or both; the IP
 * ranges its devices' addresses must lie in; and how they are woken. Immutable.
 *
 * @param mcc mobile country code, digits; present together with {@code mnc}
 * @param mnc mobile network code, digits, compared as text ({@code 07} and {@code 007} differ)
 * @param netid the network id devices report (from the operator's {@code wakeup.mncXXX.mccYYY.3gppnetwork.org})
 * @param ranges the ranges device addresses must lie in; not empty
 * @param method how devices are woken
 */
public record WakeupNetwork(Optional<String> mcc, Optional<String> mnc, Optional<String> netid, List<IpRange> ranges,
        WakeupMethod method) {

    private static final Set<String> KEYS = Set.of("mcc", "mnc", "netid", "ranges", "method", "client-cert",
            "client-cert-password", "trust-store", "trust-store-password");

    /**
     * Validates the identification and copies the ranges.
     *
     * @throws IllegalArgumentException if mcc and mnc are not both present or both absent, are not 1 to 3
     *     digits, neither they nor a netid identify the network, or the ranges are empty
     */
    public WakeupNetwork {
        Objects.requireNonNull(mcc, "mcc");
        Objects.requireNonNull(mnc, "mnc");
        Objects.requireNonNull(netid, "netid");
        Objects.requireNonNull(method, "method");
        ranges = List.copyOf(ranges);
        if (mcc.isPresent() != mnc.isPresent()) {
            throw new IllegalArgumentException("a network needs both mcc and mnc, or neither");
        }
        if (mcc.isPresent() && (!mcc.get().matches("[0-9]{1,3}") || !mnc.get().matches("[0-9]{1,3}"))) {
            throw new IllegalArgumentException("mcc and mnc must be 1 to 3 digits: " + mcc.get() + "/" + mnc.get());
        }
        if (mcc.isEmpty() && netid.isEmpty()) {
            throw new IllegalArgumentException("a network needs mcc and mnc, or a netid");
        }
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one IP range");
        }
    }

    /** A network known by mcc/mnc with the private ranges, woken by a direct UDP datagram. */
    public static WakeupNetwork udp(String mcc, String mnc) {
        return new WakeupNetwork(Optional.of(mcc), Optional.of(mnc), Optional.empty(), IpRange.PRIVATE,
                WakeupMethod.Udp.INSTANCE);
    }

    /** This network with other ranges. */
    public WakeupNetwork withRanges(List<IpRange> newRanges) {
        return new WakeupNetwork(mcc, mnc, netid, newRanges, method);
    }

    /** This network with another wake method. */
    public WakeupNetwork withMethod(WakeupMethod newMethod) {
        return new WakeupNetwork(mcc, mnc, netid, ranges, newMethod);
    }

    /** Whether a device reporting {@code address} is on this network: same mcc and mnc, or same netid. */
    public boolean identifies(WakeupAddress address) {
        boolean byCodes = mcc.isPresent() && mcc.get().equals(address.mcc()) && mnc.get().equals(address.mnc());
        boolean byNetid = netid.isPresent() && netid.equals(address.netid());
        return byCodes || byNetid;
    }

    /** Whether {@code ip} lies in one of this network's ranges. */
    public boolean covers(String ip) {
        return IpRange.literal(ip).map(a -> ranges.stream().anyMatch(r -> r.contains(a))).orElse(false);
    }

    /**
     * Parses the command-line form, comma-separated {@code key=value} pairs: {@code mcc}, {@code mnc},
     * {@code netid}, {@code ranges} (CIDR blocks separated by {@code ;}, default the private ranges),
     * {@code method} ({@code udp}, the default, or the wake-up service's https URL), {@code client-cert},
     * {@code client-cert-password}, {@code trust-store}, {@code trust-store-password}. Example:
     * {@code mcc=214,mnc=07,ranges=10.0.0.0/8;127.0.0.0/8,method=udp}. Reads no file.
     *
     * @throws IllegalArgumentException if a key is unknown or a value invalid
     */
    public static WakeupNetwork parse(String spec) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
            if (eq < 0 || !KEYS.contains(key)) {
                throw new IllegalArgumentException("expected key=value with a key among " + KEYS + ": " + pair);
            }
            fields.put(key, pair.substring(eq + 1).trim());
        }
        List<IpRange> ranges = IpRange.PRIVATE;
        if (fields.containsKey("ranges")) {
            ranges = new ArrayList<>();
            for (String cidr : fields.get("ranges").split(";")) {
                if (!cidr.isBlank()) {
                    ranges.add(IpRange.parse(cidr));
                }
            }
        }
        String methodText = fields.getOrDefault("method", "udp");
        WakeupMethod method;
        if ("udp".equalsIgnoreCase(methodText)) {
            method = WakeupMethod.Udp.INSTANCE;
        } else {
            method = new WakeupMethod.Https(URI.create(methodText),
                    keyStore(fields, "client-cert"), keyStore(fields, "trust-store"));
        }
        return new WakeupNetwork(Optional.ofNullable(fields.get("mcc")), Optional.ofNullable(fields.get("mnc")),
                Optional.ofNullable(fields.get("netid")), ranges, method);
    }

    private static Optional<KeyStoreFile> keyStore(Map<String, String> fields, String key) {
        String path = fields.get(key);
        if (path == null) {
            return Optional.empty();
        }
        return Optional.of(new KeyStoreFile(Path.of(path), fields.getOrDefault(key + "-password", "")));
    }
}
