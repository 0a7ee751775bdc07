package org.mistyproxy.camera;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Where frames come from, parsed once from the configured source string. */
record SourceAddress(Kind kind, String location) {

    enum Kind { SYNTHETIC, DEVICE, FILE, NETWORK }

    private static final Pattern INDEX = Pattern.compile("\\d{1,3}");
    private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    static SourceAddress parse(String source) {
        String s = source.strip();
        if (s.equals("synthetic")) {
            return new SourceAddress(Kind.SYNTHETIC, "synthetic");
        }
        if (INDEX.matcher(s).matches()) {
            return new SourceAddress(Kind.DEVICE, "/dev/video" + Integer.parseInt(s));
        }
        if (s.startsWith("/dev/")) {
            return new SourceAddress(Kind.DEVICE, s);
        }
        if (s.startsWith("file:")) {
            try {
                return new SourceAddress(Kind.FILE, Path.of(URI.create(s)).toAbsolutePath().normalize().toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("camera source '" + s + "' is not a usable file URI (use file:///absolute/path): "
                        + e.getMessage(), e);
            }
        }
        if (SCHEME.matcher(s).matches()) {
            return new SourceAddress(Kind.NETWORK, s);
        }
        return new SourceAddress(Kind.FILE, Path.of(s).toAbsolutePath().normalize().toString());
    }

    /** For logs and messages: a network URL may carry credentials, so only scheme and host are shown. */
    String display() {
        if (kind != Kind.NETWORK) {
            return location;
        }
        try {
            URI u = URI.create(location);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/...";
        } catch (IllegalArgumentException e) {
            return location.substring(0, location.indexOf("://")) + "://...";
        }
    }
}
