package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** External programs some tests need: in CI (CI=true) their absence fails the test, elsewhere it skips it. */
final class Tools {
    static final String PYTHON = "/usr/bin/python3";

    private Tools() {}

    static void require(boolean present, String what) {
        if (present) return;
        if ("true".equals(System.getenv("CI"))) fail(what + " is missing (required in CI)");
        assumeTrue(false, what + " is missing; skipping");
    }

    static void requirePythonWithRequests() {
        requirePython("requests");
    }

    /** {@code /usr/bin/python3} able to import {@code modules} (comma-separated; Debian python3-&lt;module&gt;). */
    static void requirePython(String modules) {
        require(Files.isExecutable(Path.of(PYTHON)) && runs(PYTHON, "-c", "import " + modules), PYTHON + " with " + modules);
    }

    static void requireCurl() {
        require(runs("curl", "--version"), "curl");
    }

    private static boolean runs(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** The repository root (tests run in the proxy module's folder). */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("examples")) ? here : here.getParent();
    }

    /** A JVM running {@code mistyproxy} with this test's classpath; stderr goes to {@code log}. */
    static Process mistyproxy(Path log, String... args) throws java.io.IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin, "-cp", System.getProperty("java.class.path"),
                "-Dmistyproxy.log.level=info", "-Dorg.jboss.logging.provider=slf4j", Main.class.getName()));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    }
}
