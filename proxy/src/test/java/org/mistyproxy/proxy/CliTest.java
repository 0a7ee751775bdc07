package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.instances.Journal;
import org.mistyproxy.sim.Simulator;

/** {@code mistyproxy demo} and {@code mistyproxy serve}, each in its own JVM, stopped with SIGTERM. */
class CliTest {
    @TempDir Path dir;

    private static List<String> readUntil(BufferedReader out, String last) throws Exception {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(last)) return lines;
        }
        throw new AssertionError("output ended before \"" + last + "\": " + lines);
    }

    private static void stop(Process p) throws Exception {
        p.destroy(); // SIGTERM: the shutdown hook closes the server gracefully
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s");
        assertEquals(143, p.exitValue(), "exit by SIGTERM after the graceful shutdown");
    }

    @Test
    void demoWalkthroughWorksWhenPastedIntoAShell() throws Exception {
        Tools.requireCurl();
        Tools.requirePython("requests, numpy");
        Path log = dir.resolve("demo.log");
        Process demo = Tools.mistyproxy(log, "demo", "--port", "0", "--api-token", "demo-secret", "--data-dir", dir.resolve("data").toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            List<String> printed = readUntil(out, "Ctrl-C stops the demo.");
            assertTrue(printed.stream().anyMatch(l -> l.equals("  owner API token: demo-secret")), printed::toString);
            int from = printed.indexOf("Copy and paste into another shell:");
            StringBuilder script = new StringBuilder();
            for (String l : printed.subList(from + 1, printed.size() - 1)) script.append(l.strip()).append('\n');
            // run where a user would: a folder of their own, with the source tree's examples/ at hand
            Path work = Files.createDirectories(dir.resolve("shell"));
            Files.createSymbolicLink(work.resolve("examples"), Tools.repoRoot().resolve("examples"));
            Process sh = new ProcessBuilder("bash", "-c", script.toString()).directory(work.toFile())
                    .redirectErrorStream(true).start();
            String ran = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(sh.waitFor(120, TimeUnit.SECONDS), ran);
            assertTrue(ran.contains("\"status\":\"READY\""), ran);
            assertTrue(ran.contains("unknown or revoked proxy URL"), "the URL is dead after terminate:\n" + ran);
            assertTrue(ran.contains("POST /api/reboot -> 403"), "the Python flow saw the refusal:\n" + ran);
            // the first snapshot may find the camera still starting (a clear 200 {"success": false, ...}, by contract)
            assertTrue(ran.contains("\"format\":\"JPEG\"") || ran.contains("{\"success\":false,\"message\":\"camera front unavailable"),
                    "a camera snapshot:\n" + ran);
            // by name (front) and by position (0, as the rerobots client asks): two snapshot answers
            assertTrue(ran.split("\"format\":\"JPEG\"|\\{\"success\":false,\"message\":\"camera front unavailable", -1).length - 1 >= 2,
                    "snapshots of camera front and camera 0:\n" + ran);
            assertTrue(ran.contains("(480, 640, 3) uint8"), "the NumPy snapshot:\n" + ran);
            assertTrue(ran.lines().anyMatch(l -> l.equals("0")), "the robot never saw /api/reboot:\n" + ran);
        } finally {
            stop(demo);
        }
        String logged = Files.readString(log);
        assertFalse(logged.contains("demo-secret"), "the API token is not logged");
    }

    @Test
    void serveRunsFromAConfigFile() throws Exception {
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            Path cfg = dir.resolve("mistyproxy.yaml");
            String id = "4bd03d8b-edbe-458a-8ca2-20dbf8e0543b";
            Files.writeString(cfg, String.join("\n",
                    "listen: {host: 127.0.0.1, port: 0}",
                    "data_dir: ./data",
                    "users:",
                    "  - {name: alice, role: owner, token_sha256: " + User.sha256Hex(Rig.OWNER) + "}",
                    "deployments:",
                    "  - id: " + id,
                    "    type: fixed_misty2",
                    "    region: lab",
                    "    description: served from a file",
                    "    robot: 127.0.0.1:" + robot.port(),
                    ""));
            Process serve = Tools.mistyproxy(dir.resolve("serve.log"), "serve", "--config", cfg.toString());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
                String line = readUntil(out, "mistyproxy serving").get(0);
                String base = line.substring(line.indexOf("http://"));
                Api a = Api.of(base, Rig.OWNER);
                String iid = a.ready(id);
                a.activate(iid);
                assertEquals(200, Rig.fetch(base + "/healthz").status());
            } finally {
                stop(serve);
            }
            assertTrue(Files.exists(dir.resolve("data").resolve(Journal.FILE)), "data_dir resolved against the config file");
            assertTrue(Files.readString(dir.resolve("serve.log")).contains("event=stopped"), "graceful shutdown ran");
        }
    }

    @Test
    void serveReportsConfigErrorsWithLines() throws Exception {
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, "listen: {host: 127.0.0.1, port: 99999}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "serve", "--config", cfg.toString());
        assertEquals(1, code);
        assertTrue(err.toString().contains("bad.yaml:1:"), err.toString());
        assertEquals(2, Main.run(new PrintWriter(out), new PrintWriter(err), "serve"), "--config is required");
    }
}
