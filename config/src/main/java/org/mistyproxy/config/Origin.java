package org.mistyproxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A web origin ({@code scheme://host[:port]}), the one rule by which {@code cors_origins} entries
 * and the {@code Origin} header a browser sends are compared: scheme and host compare
 * case-insensitively, and a default port (80 for http, 443 for https) is the same as none. Both
 * sides are reduced to {@link #toString} and compared as strings, so an entry written
 * {@code https://App.example.org:443} allows a page at {@code https://app.example.org}.
 *
 * @param scheme {@code http} or {@code https}, lower case
 * @param host   lower case (an IPv6 literal keeps its brackets)
 * @param port   the port, or -1 for the scheme's default
 */
public record Origin(String scheme, String host, int port) {

    /** The origin {@code text} names, or empty when it is not an http(s) origin (a path, {@code null}, garbage). */
    public static Optional<Origin> parse(String text) {
        try {
            URI u = new URI(text.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null
                    || u.getRawUserInfo() != null || (u.getRawPath() != null && !u.getRawPath().isEmpty())
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                return Optional.empty();
            }
            int port = u.getPort();
            if ((port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"))) {
                port = -1;
            }
            return Optional.of(new Origin(scheme, u.getHost().toLowerCase(Locale.ROOT), port));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code cors_origins} entries in their one form: {@code "*"} stays, an origin becomes its
     * {@link #toString}, anything else (the loader refuses it; only code that builds a
     * {@link Deployment} by hand can pass one) is kept and then matches no browser.
     */
    public static List<String> normalise(List<String> entries) {
        List<String> out = new ArrayList<>(entries.size());
        for (String e : entries) {
            out.add(e.equals("*") ? e : parse(e).map(Origin::toString).orElse(e));
        }
        return List.copyOf(out);
    }

    /** {@code scheme://host}, plus {@code :port} only when it is not the default. */
    @Override
    public String toString() {
        return scheme + "://" + host + (port == -1 ? "" : ":" + port);
    }
}
