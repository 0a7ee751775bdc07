package org.mistyproxy.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.proxy.Main;

/** {@code mistyproxy policy check|explain}, run through {@link Main#run}. */
class PolicyCommandTest {
    @TempDir
    Path dir;

    /** Exit code, standard output and standard error of one run. */
    record Run(int code, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static final String DRIVE = String.join("\n",
            "default: block",
            "rules:",
            "  - verb: POST",
            "    uri: /api/drive/time",
            "    schema:",
            "      - name: LinearVelocity",
            "        type: int",
            "        range: [-12, 12]",
            "");

    @Test
    void checkAcceptsAGoodFile() throws IOException {
        Run r = run("policy", "check", write("good.yaml", DRIVE).toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("good.yaml: ok (1 rule, default block, /pubsub refused)\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void checkListsEveryErrorWithItsLineAndExits1() throws IOException {
        Path bad = write("bad.yaml", "default: maybe\nrules:\n  - verb: FETCH\n    uri: /api/x\n    rate: fast\n");
        Run r = run("policy", "check", bad.toString());
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals(String.join("\n",
                "bad.yaml:1:10 default: must be allow or block, not \"maybe\"",
                "bad.yaml:3:11 rules[0].verb: unknown HTTP method \"FETCH\" (use GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS)",
                "bad.yaml:5:11 rules[0].rate: must look like 5/s, 30/min or 100/h, not \"fast\"",
                "3 errors",
                ""), r.err());
    }

    @Test
    void checkKnowsTheShippedPolicies() {
        for (String name : new String[] {"allow-all", "misty-safe", "misty-readonly"}) {
            Run r = run("policy", "check", name);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith(name + ".yaml: ok ("), r.out());
        }
    }

    @Test
    void checkOfAMissingFileSaysSo() {
        Run r = run("policy", "check", dir.resolve("nope.yaml").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("nope.yaml:0:0 (top level): cannot read "), r.err());
    }

    @Test
    void explainPrintsTheCanonicalRequestTheDecisionAndTheReason() throws IOException {
        Path f = write("drive.yaml", DRIVE);
        Run blocked = run("policy", "explain", f.toString(), "POST /API//drive/time/", "--body", "{'linearVelocity': 40}");
        assertEquals(0, blocked.code(), blocked.err());
        assertEquals(String.join("\n",
                "policy:    drive.yaml",
                "request:   POST /API//drive/time/ {'linearVelocity': 40}",
                "canonical: (not forwarded) POST /api/drive/time",
                "decision:  blocked (HTTP 403, rule 1, drive.yaml:3)",
                "reason:    blocked: POST /api/drive/time: LinearVelocity=40 is outside [-12, 12] (rule 1, drive.yaml:3)",
                ""), blocked.out());
        Run allowed = run("policy", "explain", f.toString(), "POST /api/drive/time?x=1", "--body", "{'linearVelocity': 4.0}");
        assertEquals(String.join("\n",
                "policy:    drive.yaml",
                "request:   POST /api/drive/time?x=1 {'linearVelocity': 4.0}",
                "canonical: POST /api/drive/time?x=1 {\"linearVelocity\":4}",
                "decision:  allowed (HTTP 200, rule 1, drive.yaml:3)",
                "reason:    allowed: POST /api/drive/time (rule 1, drive.yaml:3)",
                ""), allowed.out());
    }

    @Test
    void explainShowsRedactionsAndHeaders() {
        Run drive = run("policy", "explain", "misty-safe", "POST /api/drive", "--body", "{\"LinearVelocity\": 10, \"AngularVelocity\": 0}");
        assertTrue(drive.out().contains("leased:    motion (lease: motion)"), drive.out());
        assertTrue(!run("policy", "explain", "misty-safe", "POST /api/drive/stop").out().contains("leased:"));
        Run r = run("policy", "explain", "misty-safe", "GET /api/device");
        assertTrue(r.out().contains("redacts:   **.currentPreSharedKey, **.password, **.preSharedKey (from the response)"),
                r.out());
        Run o = run("policy", "explain", "allow-all", "POST /api/drive", "-H", "X-HTTP-Method-Override: DELETE");
        assertTrue(o.out().contains("reason:    blocked: POST /api/drive: the method-override header x-http-method-override"
                + " is refused"), o.out());
    }

    @Test
    void explainRefusesABadRequestLineAsUsage() {
        Run r = run("policy", "explain", "allow-all", "/api/drive");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("REQUEST must be a method and a target, such as 'POST /api/drive/time?x=1',"
                + " not '/api/drive'"), r.err());
    }

    @Test
    void policyWithoutASubcommandIsAUsageError() {
        assertEquals(2, run("policy").code());
    }
}
