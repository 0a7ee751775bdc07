package org.mistyproxy.proxy.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.mistyproxy.config.Tls;

/** Builds the listener's {@link SSLContext} from a PKCS12 keystore or a PEM certificate chain and PKCS#8 key. */
public final class TlsContext {
    private TlsContext() {}

    public static SSLContext load(Tls tls) throws IOException {
        try {
            char[] pw = tls.password().orElse("").toCharArray();
            KeyStore ks;
            if (tls.isPkcs12()) {
                Path p = tls.pkcs12().orElseThrow();
                ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(p)) {
                    ks.load(in, pw);
                } catch (IOException e) {
                    throw new IOException("cannot read PKCS12 keystore " + p + " (wrong password or not PKCS12): " + e.getMessage(), e);
                }
            } else {
                Path certFile = tls.certificate().orElseThrow(() -> new IOException("tls: certificate missing"));
                Path keyFile = tls.privateKey().orElseThrow(() -> new IOException("tls: private_key missing"));
                List<Certificate> chain = new ArrayList<>();
                try (InputStream in = Files.newInputStream(certFile)) {
                    chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
                }
                if (chain.isEmpty()) throw new IOException(certFile + ": no PEM certificate found");
                PrivateKey key = readPkcs8(keyFile);
                ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("server", key, pw, chain.toArray(new Certificate[0]));
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the TLS listener: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPkcs8(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new IOException(file + ": the key is in the old PKCS#1/SEC1 form; convert it with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem`");
        }
        int b = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int e = pem.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < b) throw new IOException(file + ": no `-----BEGIN PRIVATE KEY-----` block (unencrypted PKCS#8) found");
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + 27, e));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new IOException(file + ": the private key is neither RSA, EC nor Ed25519");
    }
}
