package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.proxy.ConfigFile.Robot;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.sim.Simulator;

/**
 * {@code mistyproxy serve} in its own JVM, reloaded the two ways an owner does it: {@code kill -HUP}
 * and {@code mistyproxy reload --config FILE} (itself a child process, with the owner's token in
 * its environment).
 */
final class ReloadSignalTest {
    @TempDir
    Path dir;

    private Simulator sim;
    private Process child;
    private Path log;

    @BeforeEach
    void start() {
        sim = Simulator.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.destroy(); // SIGTERM: the graceful shutdown
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        sim.close();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> mistyproxy(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "-Dmistyproxy.log.level=info", "-Dorg.jboss.logging.provider=slf4j", Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void sighupAndTheReloadCommandReloadARunningServer() throws Exception {
        Robot a = new Robot(UUID.randomUUID(), sim.port(), null);
        Robot b = new Robot(UUID.randomUUID(), sim.port(), "b-policy.yaml");
        ConfigFile file = new ConfigFile(dir);
        file.policy("b-policy.yaml", "default: allow\n");
        file.write(List.of(ReloadTest.OLIVE, ReloadTest.URSULA), List.of(a));
        log = dir.resolve("serve.log");
        child = new ProcessBuilder(mistyproxy("serve", "--config", file.path().toString())).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("mistyproxy serving 1 deployment(s) at "), line + "\n" + logText());
        String base = line.substring(line.lastIndexOf(' ') + 1);
        Api victor = Api.of(base, Rig.VICTOR);
        assertEquals(401, victor.get("/deployments").status());

        // SIGHUP: the new user works at once
        file.write(List.of(ReloadTest.OLIVE, ReloadTest.URSULA, ReloadTest.VICTOR), List.of(a));
        hangup();
        Rig.await(() -> victor.get("/deployments").status() == 200, Duration.ofSeconds(20),
                () -> "victor never accepted after SIGHUP:\n" + logText());

        // SIGHUP with a broken file: refused, logged with file:line:column, the old one serves on
        String good = file.read();
        file.writeRaw(good.replace("robot: 127.0.0.1:" + sim.port(), "robot: 127.0.0.1:0"));
        hangup();
        Rig.await(() -> logText().contains("event=config_reload_refused"), Duration.ofSeconds(20), this::logText);
        assertTrue(logText().contains(file.path() + ":16:12 deployments[0].robot: must be host:port"), logText());
        assertEquals(200, victor.get("/deployments").status());

        // mistyproxy reload: a file whose policy does not compile passes the local check; the
        // server refuses it and the command prints the policy's line and column, exit 1
        file.write(List.of(ReloadTest.OLIVE, ReloadTest.URSULA, ReloadTest.VICTOR), List.of(a, b));
        file.policy("b-policy.yaml", "default: allow\nrules:\n  - verb: FETCH\n    uri: /api/battery\n");
        Run refused = reloadCommand(file, base);
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("refused, the running configuration stays"), refused::toString);
        assertTrue(refused.err().lines().anyMatch(l -> l.matches("(.*/)?b-policy\\.yaml:3:\\d+ .*")), refused::toString);
        assertEquals(404, victor.get("/deployment/" + b.id()).status());

        file.policy("b-policy.yaml", "default: allow\n");
        Run applied = reloadCommand(file, base);
        assertEquals(0, applied.exit(), applied::toString);
        assertTrue(applied.out().contains("added deployment " + b.id()), applied::toString);
        assertEquals(200, victor.get("/deployment/" + b.id()).status());

        // without an owner's token the command refuses before sending anything
        Run noToken = run(new ProcessBuilder(mistyproxy("reload", "--config", file.path().toString(), "--url", base)), null);
        assertEquals(1, noToken.exit(), noToken::toString);
        assertTrue(noToken.err().contains("MISTYPROXY_API_TOKEN"), noToken::toString);
    }

    private void hangup() throws Exception {
        Process kill = new ProcessBuilder("sh", "-c", "kill -HUP " + child.pid()).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP (the shell's builtin, so no procps is needed)");
    }

    record Run(int exit, String out, String err) {}

    private Run reloadCommand(ConfigFile file, String base) throws Exception {
        return run(new ProcessBuilder(mistyproxy("reload", "--config", file.path().toString(), "--url", base)), Rig.OWNER);
    }

    private Run run(ProcessBuilder pb, String token) throws Exception {
        pb.environment().remove("MISTYPROXY_API_TOKEN");
        if (token != null) pb.environment().put("MISTYPROXY_API_TOKEN", token);
        Path o = Files.createTempFile(dir, "out", ".txt");
        Path e = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "reload command finished");
        return new Run(p.exitValue(), Files.readString(o), Files.readString(e));
    }
}
