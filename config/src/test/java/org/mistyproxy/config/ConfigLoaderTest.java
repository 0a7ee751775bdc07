package org.mistyproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of valid configurations: defaults, interpolation, path resolution, normalisation. */
final class ConfigLoaderTest {
    static final String HASH = "d15a5d9250583276773201440419528a27acfb5120814549271f77ac1e67892b";
    static final String MINIMAL = "users:\n  - {name: alice, token_sha256: " + HASH + "}\n"
            + "deployments:\n  - id: 4bd03d8b-edbe-458a-8ca2-20dbf8e0543b\n    robot: 10.0.0.1:80\n";

    @TempDir
    Path dir;

    @Test
    void defaults() throws Exception {
        MistyProxyConfig c = load("mistyproxy.yaml", MINIMAL + "    cameras:\n      - {id: cam, source: synthetic}\n",
                Map.of());
        assertEquals(new Listen("127.0.0.1", 8080), c.listen());
        assertEquals(dir.resolve("data"), c.dataDir());
        assertEquals(dir.resolve("mistyproxy.yaml"), c.source());
        assertEquals(Role.USER, c.users().get(0).role());
        Deployment d = c.deployments().get(0);
        assertEquals("misty2", d.type());
        assertEquals("", d.region());
        assertEquals("", d.description());
        assertEquals(List.of("*"), d.corsOrigins());
        assertEquals(new Camera("cam", "synthetic", 640, 480, 15, Optional.empty(), 80), d.cameras().get(0));
        assertTrue(d.listed(), "deployments are listed unless the owner says otherwise");
        assertEquals(Safety.DEFAULT, d.safety());
        assertEquals(2000, d.safety().motionLeaseMs());
        assertEquals("[POST /api/drive/stop, POST /api/halt]", d.safety().onEnd().toString());
        assertEquals(java.time.Duration.ofSeconds(10), d.safety().health().interval());
        assertEquals(1000, c.cameraFeedsMax());
        assertEquals(8, d.cameraFeedsPerInstance());
        assertEquals(ControlApiSettings.DEFAULTS, c.controlApi());
        assertEquals(300, c.controlApi().rateLimit().requests());
        assertEquals(java.time.Duration.ofMinutes(1), c.controlApi().rateLimit().period());
    }

    @Test
    void quotasLogsAndRetention() throws Exception {
        MistyProxyConfig d = load("d.yaml", MINIMAL, Map.of());
        assertEquals(Quotas.DEFAULTS, d.deployments().get(0).quotas());
        assertEquals(Logs.in(dir.resolve("data")), d.logs());
        assertEquals(7, d.retentionDays());

        MistyProxyConfig c = load("mistyproxy.yaml", String.join("\n",
                "retention_days: 30",
                "logs: {dir: logs, max_file_mb: 5, keep_days: 2, total_mb: 50}",
                "") + MINIMAL + String.join("\n",
                "    quotas: {connections: 3, in_flight: 2, requests_per_second: 7, burst: 9, pubsub_sockets: 1,",
                "             subscriptions: 4, ws_messages_per_second: 11}",
                "  - id: 5bd03d8b-edbe-458a-8ca2-20dbf8e0543b",
                "    robot: 10.0.0.2:80",
                "    quotas: {requests_per_second: 5}",
                ""), Map.of());
        assertEquals(30, c.retentionDays());
        assertEquals(new Logs(dir.resolve("logs"), 5, 2, 50), c.logs(), "a relative logs.dir is in the configuration's folder");
        assertEquals(new Quotas(3, 2, 7, 9, 1, 4, 11), c.deployments().get(0).quotas());
        Quotas partial = c.deployments().get(1).quotas();
        assertEquals(5, partial.requestsPerSecond(), "the field given");
        assertEquals(Quotas.DEFAULTS.connections(), partial.connections(), "the rest keep their defaults");
        assertEquals(Quotas.DEFAULTS.burst(), partial.burst());
    }

    @Test
    void controlApiRateLimitIsReadInThePolicySpelling() throws Exception {
        MistyProxyConfig c = load("mistyproxy.yaml", "control_api:\n  rate_limit: 20 / s\n" + MINIMAL, Map.of());
        assertEquals(new RateLimit(20, java.time.Duration.ofSeconds(1), "20/s"), c.controlApi().rateLimit());
        MistyProxyConfig h = load("mistyproxy.yaml", "control_api: {rate_limit: 1000/hour}\n" + MINIMAL, Map.of());
        assertEquals(java.time.Duration.ofHours(1), h.controlApi().rateLimit().period());
        assertEquals(1000, h.controlApi().rateLimit().requests());
    }

    @Test
    void safetyFields() throws Exception {
        MistyProxyConfig c = load("mistyproxy.yaml", MINIMAL + String.join("\n",
                "    motion_lease_ms: 0",
                "    min_battery: 20",
                "    on_end: ['POST /api/drive/stop', 'POST /api/head {\"Pitch\": 0, \"Velocity\": 50}']",
                "    health: {interval_ms: 500, timeout_ms: 200, failures_to_lock: 2, auto_lock: false,",
                "             alert_url: 'https://hooks.example.org/misty?k=1'}",
                ""), Map.of());
        Safety s = c.deployments().get(0).safety();
        assertEquals(0, s.motionLeaseMs());
        assertEquals(java.util.OptionalInt.of(20), s.minBattery());
        assertEquals(List.of(RobotCommand.DRIVE_STOP,
                new RobotCommand("POST", "/api/head", Optional.of("{\"Pitch\":0,\"Velocity\":50}"))), s.onEnd());
        assertEquals(new Health(java.time.Duration.ofMillis(500), java.time.Duration.ofMillis(200), 2, false,
                Optional.of(java.net.URI.create("https://hooks.example.org/misty?k=1"))), s.health());
        assertEquals(List.of(), load("b.yaml", MINIMAL + "    on_end: []\n", Map.of()).deployments().get(0).safety().onEnd());
    }

    @Test
    void camerasAnswerToTheirNameAndToTheirPosition() throws Exception {
        MistyProxyConfig c = load("m.yaml", MINIMAL + "    cameras:\n      - {id: front, source: synthetic}\n"
                + "      - {id: \"1\", source: synthetic}\n      - {id: top, source: synthetic}\n", Map.of());
        Deployment d = c.deployments().get(0);
        assertEquals("front", d.camera("0").orElseThrow().id());
        assertEquals("front", d.camera("front").orElseThrow().id());
        assertEquals("1", d.camera("1").orElseThrow().id());
        assertEquals("top", d.camera("2").orElseThrow().id());
        assertEquals(2, d.cameraIndex(d.camera("top").orElseThrow()));
        assertEquals(Optional.empty(), d.camera("3"));
        assertEquals(Optional.empty(), d.camera("00"));
        assertEquals(Optional.empty(), d.camera("-1"));
    }

    @Test
    void smallServerFeedBoundsLowerThePerInstanceDefault() throws Exception {
        MistyProxyConfig c = load("m.yaml", "camera_feeds_max: 6\n" + MINIMAL, Map.of());
        assertEquals(6, c.cameraFeedsMax());
        assertEquals(3, c.deployments().get(0).cameraFeedsPerInstance());
    }

    @Test
    void aUserMayHoldSeveralTokens() throws Exception {
        String other = "3d230c7d9a331182fb971e9e4508237574355252ac58dde4070d4d330827d3b6";
        MistyProxyConfig c = load("m.yaml", MINIMAL.replace("token_sha256: " + HASH, "token_sha256: [" + HASH + ", "
                + other.toUpperCase() + "]"), Map.of());
        assertEquals(List.of(HASH, other), c.users().get(0).tokenSha256s());
    }

    @Test
    void anUnlistedDeployment() throws Exception {
        MistyProxyConfig c = load("mistyproxy.yaml", MINIMAL + "    listed: false\n", Map.of());
        assertFalse(c.deployments().get(0).listed());
    }

    @Test
    void relativePathsResolveAgainstTheConfigFolderNotTheWorkingDirectory() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc/mistyproxy"));
        Files.createDirectories(sub.resolve("policies"));
        Files.writeString(sub.resolve("policies/lab.yaml"), "rules: []\n");
        Files.writeString(sub.resolve("server.p12"), "x");
        String yaml = "data_dir: ../../var/data\ntls:\n  pkcs12: server.p12\n  password: ''\n" + MINIMAL
                + "    policy: policies/lab.yaml\n";
        Files.writeString(sub.resolve("mistyproxy.yaml"), yaml);
        MistyProxyConfig c = ConfigLoader.load(sub.resolve("mistyproxy.yaml"), Map.of());
        assertEquals(dir.resolve("var/data"), c.dataDir());
        assertEquals(Optional.of(sub.resolve("policies/lab.yaml")), c.deployments().get(0).policy());
        Tls tls = c.tls().orElseThrow();
        assertTrue(tls.isPkcs12());
        assertEquals(Optional.of(sub.resolve("server.p12")), tls.pkcs12());
        assertEquals(Optional.of(""), tls.password());
    }

    @Test
    void cameraSourcesThatAreRelativeFilesResolveAgainstTheConfigFolder() throws Exception {
        MistyProxyConfig c = load("m.yaml", MINIMAL + "    cameras:\n"
                + "      - {id: a, source: clips/lab.mp4}\n"
                + "      - {id: b, source: /srv/clips/lab.mp4}\n"
                + "      - {id: c, source: synthetic}\n"
                + "      - {id: d, source: 0}\n"
                + "      - {id: e, source: 'rtsp://10.0.0.5:554/stream1'}\n"
                + "      - {id: f, source: 'file:clip.mp4'}\n", Map.of());
        List<String> sources = c.deployments().get(0).cameras().stream().map(Camera::source).collect(
                java.util.stream.Collectors.toList());
        assertEquals(List.of(dir.resolve("clips/lab.mp4").toString(), "/srv/clips/lab.mp4", "synthetic", "0",
                "rtsp://10.0.0.5:554/stream1", "file:clip.mp4"), sources);
    }

    @Test
    void pemTls() throws Exception {
        Files.writeString(dir.resolve("cert.pem"), "x");
        Files.writeString(dir.resolve("key.pem"), "x");
        MistyProxyConfig c = load("m.yaml", "tls: {certificate: cert.pem, private_key: " + dir.resolve("key.pem")
                + "}\n" + MINIMAL, Map.of());
        Tls tls = c.tls().orElseThrow();
        assertFalse(tls.isPkcs12());
        assertEquals(Optional.of(dir.resolve("cert.pem")), tls.certificate());
        assertEquals(Optional.of(dir.resolve("key.pem")), tls.privateKey());
        assertEquals(Optional.empty(), tls.password());
    }

    @Test
    void environmentVariablesFillStringsAndNumbers() throws Exception {
        Files.writeString(dir.resolve("k.p12"), "x");
        String yaml = "listen: {host: '${HOST}', port: '${PORT}'}\n"
                + "tls: {pkcs12: k.p12, password: '${PASS}'}\n"
                + "users:\n  - {name: '${WHO}', role: owner, token_sha256: '${HASH}'}\n"
                + "deployments:\n  - id: 4bd03d8b-edbe-458a-8ca2-20dbf8e0543b\n"
                + "    robot: ${ROBOT}:80\n    description: 'costs $${PRICE}, ${A}${B}'\n";
        MistyProxyConfig c = load("m.yaml", yaml, Map.of("HOST", "0.0.0.0", "PORT", "9000", "PASS", "pa$$ ${x}",
                "WHO", "alice", "HASH", HASH, "ROBOT", "misty.local", "A", "a", "B", "b"));
        assertEquals(new Listen("0.0.0.0", 9000), c.listen());
        // A variable's value is used as is, never interpolated again.
        assertEquals(Optional.of("pa$$ ${x}"), c.tls().orElseThrow().password());
        assertEquals(new User("alice", Role.OWNER, HASH), c.users().get(0));
        assertEquals(new RobotAddress("misty.local", 80), c.deployments().get(0).robot());
        assertEquals("costs ${PRICE}, ab", c.deployments().get(0).description());
    }

    @Test
    void theProcessEnvironmentIsTheDefault() throws Exception {
        // PATH is set in every environment this test runs in; its value ends up in the description.
        Path f = write("m.yaml", MINIMAL + "    description: ${PATH}\n");
        assertEquals(System.getenv("PATH"), ConfigLoader.load(f).deployments().get(0).description());
    }

    @Test
    void plainScalarsThatLookLikeNumbersAreStringsWhereStringsAreExpected() throws Exception {
        MistyProxyConfig c = load("m.yaml", MINIMAL + "    region: 42\n    description: true\n"
                + "    cameras:\n      - {id: 0, source: 0}\n", Map.of());
        assertEquals("42", c.deployments().get(0).region());
        assertEquals("true", c.deployments().get(0).description());
        assertEquals("0", c.deployments().get(0).cameras().get(0).source());

        // An all-digit hash with a leading zero looks like a (YAML 1.1 octal) number: its text must survive.
        String digits = "0123456789012345678901234567890123456789012345678901234567890123";
        MistyProxyConfig d = load("d.yaml", MINIMAL.replace(HASH, digits), Map.of());
        assertEquals(digits, d.users().get(0).tokenSha256s().get(0));
    }

    @Test
    void normalisation() throws Exception {
        String yaml = "public_base_url: https://robots.example.org/misty/\nlisten: {host: '::', port: 0}\n"
                + "users:\n  - {name: alice, token_sha256: " + HASH.toUpperCase() + "}\n"
                + "deployments:\n  - {id: 4BD03D8B-EDBE-458A-8CA2-20DBF8E0543B, robot: '[fd00::2]:8080'}\n";
        MistyProxyConfig c = load("m.yml", yaml, Map.of());
        assertEquals(Optional.of(URI.create("https://robots.example.org/misty")), c.publicBaseUrl());
        assertEquals(new Listen("::", 0), c.listen());
        assertEquals(HASH, c.users().get(0).tokenSha256s().get(0));
        assertEquals("4bd03d8b-edbe-458a-8ca2-20dbf8e0543b", c.deployments().get(0).id().toString());
        RobotAddress robot = c.deployments().get(0).robot();
        assertEquals(new RobotAddress("fd00::2", 8080), robot);
        assertEquals("[fd00::2]:8080", robot.authority());
    }

    @Test
    void errorsCarryTheFileAsGivenAndPrintAsFileLineColumnPathProblem() throws Exception {
        Path f = write("mistyproxy.yaml", MINIMAL + "    cameras:\n      - {id: a, source: s}\n"
                + "      - id: b\n        source: t\n        fps: 0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
        assertEquals(List.of(new ConfigError(f.toString(), 10, 14, "deployments[0].cameras[1].fps",
                "must be between 1 and 120, got 0")), e.errors());
        assertEquals(f + ":10:14 deployments[0].cameras[1].fps: must be between 1 and 120, got 0", e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
        assertEquals(f + ":1:1 (top level): file not found: " + f, e.getMessage());
    }

    @Test
    void notUtf8() throws Exception {
        Path f = dir.resolve("latin1.yaml");
        Files.write(f, new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
        assertEquals(f + ":1:1 (top level): the file is not UTF-8 text", e.getMessage());
    }

    @Test
    void userTokenHashes() {
        // The SHA-256 of the ASCII text "abc" (FIPS 180-2 test vector).
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertEquals(abc, User.sha256Hex("abc"));
        User u = new User("alice", Role.OWNER, abc);
        assertTrue(u.matches("abc"));
        assertFalse(u.matches("abd"));
        assertFalse(u.matches(""));
    }

    private MistyProxyConfig load(String name, String text, Map<String, String> env) throws Exception {
        return ConfigLoader.load(write(name, text), env);
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
