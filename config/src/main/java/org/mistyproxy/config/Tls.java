package org.mistyproxy.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The listener's TLS material: either a PKCS12 keystore (with its password) or a PEM certificate
 * chain plus a PEM private key. Exactly one of the two forms is present.
 */
public record Tls(
        Optional<Path> pkcs12,
        Optional<String> password,
        Optional<Path> certificate,
        Optional<Path> privateKey) {

    public boolean isPkcs12() {
        return pkcs12.isPresent();
    }
}
