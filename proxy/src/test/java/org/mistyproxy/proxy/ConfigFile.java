package org.mistyproxy.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.mistyproxy.proxy.access.ProxyToken;

/** A configuration file a test writes and rewrites, as an owner edits theirs before a reload. */
final class ConfigFile {
    /** @param camera null, or the width and height of a synthetic camera {@code front}, e.g. {@code 320x240} */
    record Robot(UUID id, int port, String policy, String camera) {
        Robot(UUID id, int port, String policy) {
            this(id, port, policy, null);
        }

        Robot withCamera(String size) {
            return new Robot(id, port, policy, size);
        }
    }

    record User(String name, String role, String token) {}

    private final Path file;

    ConfigFile(Path dir) {
        this.file = dir.resolve("mistyproxy.yaml");
    }

    Path path() {
        return file;
    }

    /** Writes the whole file: a listener on a free port, the users, the deployments. */
    void write(List<User> users, List<Robot> robots) throws IOException {
        List<String> l = new ArrayList<>();
        l.add("listen: {host: 127.0.0.1, port: 0}");
        l.add("data_dir: data");
        l.add("users:");
        for (User u : users) {
            l.add("  - name: " + u.name());
            l.add("    role: " + u.role());
            l.add("    token_sha256: " + ProxyToken.sha256Hex(u.token()));
        }
        l.add("deployments:");
        for (Robot r : robots) {
            l.add("  - id: " + r.id());
            l.add("    type: misty2");
            l.add("    robot: 127.0.0.1:" + r.port());
            if (r.policy() != null) l.add("    policy: " + r.policy());
            if (r.camera() != null) {
                String[] wh = r.camera().split("x");
                l.add("    cameras:");
                l.add("      - {id: front, source: synthetic, width: " + wh[0] + ", height: " + wh[1] + ", fps: 10}");
            }
        }
        Files.write(file, l);
    }

    void writeRaw(String text) throws IOException {
        Files.writeString(file, text);
    }

    String read() throws IOException {
        return Files.readString(file);
    }

    void policy(String name, String yaml) throws IOException {
        Files.writeString(file.resolveSibling(name), yaml);
    }
}
