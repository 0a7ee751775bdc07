package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Tls;
import org.mistyproxy.proxy.server.ProxyServer;

/** The listener serves HTTPS from a PKCS12 keystore or from PEM files; handed-out URLs use https. */
class TlsTest {
    @TempDir Path dir;
    Path p12;
    KeyStore store;

    @BeforeEach
    void makeKeystore() throws Exception {
        p12 = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
        store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, "changeit".toCharArray());
        }
    }

    private HttpClient trustingClient() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", store.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).build();
    }

    private void assertServesHttps(Tls tls) throws Exception {
        try (ProxyServer server = ProxyServer.start(Rig.config(dir.resolve("data"), List.of(), Optional.of(tls)), Rig.fast())) {
            assertTrue(server.publicBaseUrl().startsWith("https://127.0.0.1:"), server.publicBaseUrl());
            HttpClient client = trustingClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.publicBaseUrl() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            HttpResponse<String> types = client.send(HttpRequest.newBuilder(URI.create(server.publicBaseUrl() + "/workspaces"))
                    .header("Authorization", "Bearer " + Rig.OWNER).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"workspace_types\":[]}", types.body());
            // plain HTTP on the TLS port does not get an answer as if it were fine
            HttpClient plain = HttpClient.newHttpClient();
            URI http = URI.create("http://127.0.0.1:" + server.port() + "/healthz");
            try {
                HttpResponse<String> pr = plain.send(HttpRequest.newBuilder(http).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(pr.statusCode() != 200, "plain HTTP must not be served");
            } catch (IOException expected) {
                // connection closed by the TLS listener
            }
        }
    }

    @Test
    void pkcs12() throws Exception {
        assertServesHttps(new Tls(Optional.of(p12), Optional.of("changeit"), Optional.empty(), Optional.empty()));
    }

    @Test
    void pemCertificateAndKey() throws Exception {
        Certificate cert = store.getCertificate("server");
        PrivateKey key = (PrivateKey) store.getKey("server", "changeit".toCharArray());
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Path certPem = dir.resolve("cert.pem");
        Path keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        assertServesHttps(new Tls(Optional.empty(), Optional.empty(), Optional.of(certPem), Optional.of(keyPem)));
    }

    @Test
    void wrongPasswordIsAClearError() {
        Tls tls = new Tls(Optional.of(p12), Optional.of("wrong"), Optional.empty(), Optional.empty());
        IOException e = assertThrows(IOException.class, () -> ProxyServer.start(Rig.config(dir.resolve("data"), List.of(), Optional.of(tls)), Rig.fast()));
        assertTrue(e.getMessage().startsWith("cannot read PKCS12 keystore " + p12), e.getMessage());
    }

    @Test
    void pkcs1KeyIsAClearError() throws Exception {
        Path certPem = dir.resolve("cert.pem");
        Path keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(store.getCertificate("server").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(keyPem, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Tls tls = new Tls(Optional.empty(), Optional.empty(), Optional.of(certPem), Optional.of(keyPem));
        IOException e = assertThrows(IOException.class, () -> ProxyServer.start(Rig.config(dir.resolve("data"), List.of(), Optional.of(tls)), Rig.fast()));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }
}
