package org.mistyproxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads how the server itself is reached: {@code listen}, {@code public_base_url} and {@code tls}. */
final class ServerSection {
    static final List<String> LISTEN_FIELDS = List.of("host", "port");
    static final List<String> TLS_FIELDS = List.of("pkcs12", "password", "certificate", "private_key");
    static final Listen DEFAULT_LISTEN = new Listen("127.0.0.1", 8080);

    private final Scalars scalars;

    ServerSection(Scalars scalars) {
        this.scalars = scalars;
    }

    Listen listen(Node node, String path) {
        Optional<Fields> of = Fields.of(node, path, scalars, LISTEN_FIELDS);
        if (of.isEmpty()) {
            return DEFAULT_LISTEN;
        }
        Fields f = of.get();
        String host = f.get("host").flatMap(n -> scalars.nonEmptyString(n, f.path("host")).filter(h -> {
            boolean ok = HostPort.isHost(h);
            if (!ok) {
                scalars.problems().add(n.at(), f.path("host"), "must be a host name or IP address such as 0.0.0.0,"
                        + " 127.0.0.1 or ::, got " + Node.quote(h));
            }
            return ok;
        })).orElse(DEFAULT_LISTEN.host());
        // Port 0 asks the system for a free port, which tests and the demo use.
        int port = f.integer("port", 0, 65535, DEFAULT_LISTEN.port());
        return new Listen(host, port);
    }

    /** An http(s) URL without query or fragment; a trailing slash is dropped so that paths can be appended. */
    Optional<URI> publicBaseUrl(Node node, String path) {
        return scalars.nonEmptyString(node, path).flatMap(s -> {
            Optional<URI> u = baseUrl(s);
            if (u.isEmpty()) {
                scalars.problems().add(node.at(), path, "must be an http or https URL such as"
                        + " https://robots.example.org (no query, no fragment), got " + Node.quote(s));
            }
            return u;
        });
    }

    private static Optional<URI> baseUrl(String s) {
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getRawUserInfo() != null
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                return Optional.empty();
            }
            return Optional.of(s.endsWith("/") ? new URI(s.substring(0, s.length() - 1)) : u);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Either a PKCS12 keystore with its password, or a PEM certificate chain with its private key. */
    Optional<Tls> tls(Node node, String path) {
        Optional<Fields> of = Fields.of(node, path, scalars, TLS_FIELDS);
        if (of.isEmpty()) {
            return Optional.empty();
        }
        Fields f = of.get();
        Problems problems = scalars.problems();
        Optional<Node> pkcs12 = f.get("pkcs12");
        Optional<Node> password = f.get("password");
        Optional<Node> certificate = f.get("certificate");
        Optional<Node> key = f.get("private_key");
        if (pkcs12.isPresent() && (certificate.isPresent() || key.isPresent())) {
            problems.add(f.at(), path, "give either pkcs12 (with password) or certificate and private_key, not both");
            return Optional.empty();
        }
        if (pkcs12.isEmpty() && certificate.isEmpty() && key.isEmpty()) {
            problems.add(f.at(), path, "give either pkcs12 (with password) or certificate and private_key");
            return Optional.empty();
        }
        if (pkcs12.isPresent()) {
            Optional<Path> store = scalars.existingFile(pkcs12.get(), f.path("pkcs12"));
            Optional<String> pass = f.required("password").flatMap(n -> scalars.string(n, f.path("password")));
            return store.isPresent() && pass.isPresent()
                    ? Optional.of(new Tls(store, pass, Optional.empty(), Optional.empty()))
                    : Optional.empty();
        }
        password.ifPresent(n -> problems.add(n.at(), f.path("password"),
                "password goes with pkcs12; PEM private keys must not be encrypted"));
        Optional<Path> cert = f.required("certificate").flatMap(n -> scalars.existingFile(n, f.path("certificate")));
        Optional<Path> pem = f.required("private_key").flatMap(n -> scalars.existingFile(n, f.path("private_key")));
        return cert.isPresent() && pem.isPresent()
                ? Optional.of(new Tls(Optional.empty(), Optional.empty(), cert, pem))
                : Optional.empty();
    }
}
