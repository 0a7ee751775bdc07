package org.mistyproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The annotated examples in {@code config/examples/} load, and mean what their comments say. */
final class ExamplesTest {
    private static final Path EXAMPLES = Path.of("examples").toAbsolutePath();

    @Test
    void everyExampleLoads() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            files = s.filter(p -> !p.toString().endsWith(".md")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 3, "examples: " + files);
        for (Path f : files) {
            MistyProxyConfig c = ConfigLoader.load(f, Map.of());
            assertTrue(c.deployments().size() >= 1 && c.users().size() >= 1, f.toString());
        }
    }

    @Test
    void oneRobot() throws Exception {
        MistyProxyConfig c = ConfigLoader.load(EXAMPLES.resolve("one-robot.yaml"), Map.of());
        assertEquals(new Listen("127.0.0.1", 8080), c.listen());
        assertEquals(EXAMPLES.resolve("data"), c.dataDir());
        assertEquals(Optional.empty(), c.tls());
        assertEquals(Optional.empty(), c.publicBaseUrl());
        assertEquals(List.of(
                new User("alice", Role.OWNER, "d15a5d9250583276773201440419528a27acfb5120814549271f77ac1e67892b"),
                new User("bob", Role.USER, "3d230c7d9a331182fb971e9e4508237574355252ac58dde4070d4d330827d3b6")),
                c.users());
        Deployment d = c.deployments().get(0);
        assertEquals(UUID.fromString("4bd03d8b-edbe-458a-8ca2-20dbf8e0543b"), d.id());
        assertEquals("misty2", d.type());
        assertEquals("lab", d.region());
        assertEquals(new RobotAddress("192.168.1.42", 80), d.robot());
        assertEquals(Optional.empty(), d.policy());
        assertEquals(List.of("*"), d.corsOrigins());
        assertEquals(List.of(new Camera("desk", "/dev/video0", 1280, 720, 15, Optional.empty(), 80)), d.cameras());
        assertEquals(Optional.of(d), c.deployment(d.id()));
    }

    @Test
    void twoRobotsShareOneCameraThroughCrops() throws Exception {
        MistyProxyConfig c = ConfigLoader.load(EXAMPLES.resolve("two-robots-shared-camera.yaml"), Map.of());
        assertEquals(new Listen("0.0.0.0", 8443), c.listen());
        assertEquals(Optional.of(URI.create("https://robots.example.org")), c.publicBaseUrl());
        assertEquals(Path.of("/var/lib/mistyproxy"), c.dataDir());
        assertEquals(2, c.deployments().size());
        Camera left = c.deployments().get(0).camera("overhead").orElseThrow();
        Camera right = c.deployments().get(1).camera("overhead").orElseThrow();
        assertEquals(left.source(), right.source());
        assertEquals(Optional.of(new Crop(0, 0, 640, 720)), left.crop());
        assertEquals(Optional.of(new Crop(640, 0, 1280, 720)), right.crop());
        assertEquals(640, right.crop().orElseThrow().width());
        assertEquals(70, left.jpegQuality());
        assertEquals(80, right.jpegQuality());
        assertEquals(List.of("https://class.example.org", "http://localhost:3000"), c.deployments().get(0).corsOrigins());
        assertEquals(Optional.empty(), c.deployments().get(0).policy());
        assertEquals(Optional.of(EXAMPLES.resolveSibling("policies").resolve("misty-readonly.yaml")),
                c.deployments().get(1).policy());
    }

    @Test
    void jsonExample() throws Exception {
        MistyProxyConfig c = ConfigLoader.load(EXAMPLES.resolve("one-robot.json"), Map.of());
        Deployment d = c.deployments().get(0);
        assertEquals(new RobotAddress("misty.local", 80), d.robot());
        assertEquals(new Camera("test", "synthetic", 640, 480, 15, Optional.of(new Crop(80, 0, 560, 480)), 80),
                d.cameras().get(0));
    }
}
