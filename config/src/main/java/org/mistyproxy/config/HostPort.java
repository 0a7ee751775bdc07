package org.mistyproxy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Syntax of host names and {@code host:port} addresses. Only the syntax is checked: resolving a
 * name here would make loading depend on DNS and on the robot being switched on.
 */
final class HostPort {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,5}");

    private HostPort() {}

    /** A DNS name, a dotted IPv4 address, or an IPv6 literal without brackets. */
    static boolean isHost(String host) {
        if (host.indexOf(':') >= 0) {
            return isIpv6(host);
        }
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        String[] labels = host.split("\\.", -1);
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                return false;
            }
        }
        // A name whose last label is numeric is meant as an IPv4 address: 10.0.0.256 is a typo, not a name.
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit) || isIpv4(labels);
    }

    /** {@code host:port}, with IPv6 literals in brackets; port 1 to 65535. */
    static Optional<RobotAddress> parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                return Optional.empty();
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!isIpv6(host)) {
                return Optional.empty();
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0 || !isHost(host)) {
                return Optional.empty();
            }
        }
        if (!DIGITS.matcher(port).matches()) {
            return Optional.empty();
        }
        int p = Integer.parseInt(port);
        return p < 1 || p > 65535 ? Optional.empty() : Optional.of(new RobotAddress(host, p));
    }

    private static boolean isIpv4(String[] labels) {
        if (labels.length != 4) {
            return false;
        }
        for (String l : labels) {
            if (!l.chars().allMatch(Character::isDigit) || l.length() > 3 || Integer.parseInt(l) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String host) {
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%')) {
            return false;
        }
        try {
            // With brackets InetAddress parses a literal and never falls back to a DNS lookup.
            InetAddress.getByName("[" + host + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
