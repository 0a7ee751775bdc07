package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * The web console in headless Chromium (playwright-core, driven by
 * {@code src/test/browser/console-page.mjs}) against a server and simulator started here, configured
 * like {@code mistyproxy demo} (misty-safe, a synthetic camera). Needs node, /usr/bin/chromium and
 * {@code npm ci --prefix proxy/src/test/browser}: skipped without them, failed under CI=true.
 */
class ConsoleBrowserTest {
    private static final Path SCRIPT_DIR = Path.of("src/test/browser");
    static final String HOSTILE = "<img src=x onerror=\"window.__pwned=(window.__pwned||0)+1\"></script><script>window.__pwned=1</script>";
    /**
     * Chromium logs every 4xx answer a fetch gets (and 503, the contract's "busy"); those are the
     * API's refusals, which the page shows, not errors of the page.
     */
    private static final Pattern REFUSAL_LOGGED = Pattern.compile(
            "[\\w ]+ console: Failed to load resource: the server responded with a status of (4\\d\\d|503) \\([^)]*\\)");

    @TempDir Path dir;
    Simulator robot;
    ProxyServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (robot != null) robot.close();
    }

    private String start(String description) throws IOException {
        robot = Simulator.start("127.0.0.1", 0);
        Deployment d = new Deployment(UUID.fromString("6d1e5e4a-0000-4000-8000-00000000d3e0"), "fixed_misty2", "demo", description,
                new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), List.of("*"),
                List.of(new Camera("front", "synthetic", 640, 480, 10, Optional.empty(), 80)));
        server = ProxyServer.start(Rig.config(dir, List.of(d)), Rig.fast());
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void aBorrowerBorrowsWatchesDrivesAndIsRefusedWithTheReasonAndTheOwnerSeesIt() throws Exception {
        requireTools();
        String base = start("simulated Misty II (mistyproxy demo)");
        // Screenshots go to target/; with UPDATE_SCREENSHOTS=true also to docs/ for the README (a
        // plain test run must not rewrite tracked files).
        Path shots = Path.of("target/console-screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        JsonNode r = run("flow", base, shots.toString());

        assertTrue(r.get("badSignIn").asText().contains("wrong authorization token"), r.toString());
        assertEquals(0, r.get("tokenInStorage").asInt(), "a refused token is not kept");
        assertFalse(r.get("tokenInUrl").asBoolean());
        JsonNode storage = r.get("storage");
        assertEquals(0, storage.get("local").asInt(), "nothing in localStorage");
        assertEquals("", storage.get("cookie").asText(), "no cookie");
        assertEquals(List.of("mistyproxy.console.token"), Rig.texts(storage.get("session")), "the token, in session storage only");

        // the loan seen in INIT (only that step reached, and current), then in READY
        JsonNode init = r.get("initSeen");
        assertTrue(init.get("status").asText().startsWith("INIT · started "), init.toString());
        assertEquals(List.of("INIT"), Rig.texts(init.get("done")), init.toString());
        assertEquals(List.of("INIT"), Rig.texts(init.get("current")), init.toString());
        JsonNode ready = r.get("readySeen");
        assertTrue(ready.get("status").asText().startsWith("READY · started "), ready.toString());
        assertEquals(List.of("INIT", "READY"), Rig.texts(ready.get("done")), ready.toString());
        assertEquals(List.of("READY"), Rig.texts(ready.get("current")), ready.toString());
        assertTrue(r.get("instanceStatus").asText().startsWith("READY"), r.toString());
        String shortUrl = r.get("shortUrl").asText();
        assertTrue(shortUrl.startsWith("127.0.0.1:" + server.port() + "/") && !shortUrl.contains("://"), shortUrl);
        assertTrue(r.get("longUrl").asText().startsWith(base + "/"), r.toString());
        assertTrue(r.get("shortHelp").asText().contains("paste into Misty's web tools"), r.toString());

        JsonNode cam = r.get("camera");
        assertEquals("data:image/jpeg;base64,", cam.get("firstPrefix").asText());
        assertTrue(cam.get("changed").asBoolean(), "two reads of the live picture differ");
        assertEquals(640, cam.get("width").asInt());
        assertTrue(r.get("snapshotJpeg").asBoolean(), "the JPEG snapshot download is a JPEG");
        assertEquals("NUMPY", r.get("snapshotNpy").asText());

        assertTrue(r.get("driveWhileHeld").get("linearVelocity").asDouble() > 0, r.toString());
        assertFalse(r.get("driveAfterRelease").get("driving").asBoolean());
        assertTrue(r.get("keyboardDrives").asBoolean());
        assertTrue(r.get("keyboardStops").asBoolean());
        assertEquals(128, r.get("led").get("green").asInt());

        String refusal = r.get("refusal").asText();
        assertTrue(refusal.contains("refused") && refusal.contains("blocked: POST /api/reboot") && refusal.contains("misty-safe.yaml:"), refusal);
        assertFalse(r.get("robotSawReboot").asBoolean());
        assertTrue(robot.requests().stream().noneMatch(q -> q.path().toLowerCase().contains("reboot")), "the refused command reached the robot");
        assertTrue(r.get("logBlockedRow").asText().contains("POST /api/reboot"), r.toString());
        assertTrue(r.get("logTotals").asText().contains("1 refused"), r.toString());
        assertTrue(r.get("event").asText().contains("distanceInMeters"), "a TimeOfFlight event: " + r.get("event"));

        assertTrue(r.get("ownerLoan").asText().contains("holder ursula"), r.toString());
        assertTrue(r.get("ownerLoan").asText().contains("1 refused"), r.toString());
        // battery: the percent the API reports (health.battery, read from the robot's fraction), shown
        // as the server words it: whole percents, one decimal below 1 %
        JsonNode battery = r.get("batteryNormal");
        double api = battery.get("api").asDouble();
        assertTrue(api > 50 && Math.abs(api - 100 * battery.get("sim").asDouble()) < 1, "the API's percent is the robot's charge: " + battery);
        assertEquals((int) Math.floor(api) + " %", battery.get("cell").asText(), battery.toString());
        JsonNode low = r.get("batteryLow");
        double lowApi = low.get("api").asDouble();
        assertTrue(lowApi > 0 && lowApi < 1 && Math.abs(lowApi - 100 * low.get("sim").asDouble()) < 0.5, low.toString());
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f %%", lowApi), low.get("cell").asText(), low.toString());
        assertFalse(r.get("auditBlockedOnly").isEmpty());
        r.get("auditBlockedOnly").forEach(row -> assertTrue(row.asText().contains("blocked") && row.asText().contains("/api/reboot"), row.asText()));
        assertTrue(r.get("chart").asText().startsWith("Requests per 5 s"), r.toString());

        // access rules: none at first, a deny rule added, listed and deleted
        assertEquals("No rules: every configured user may borrow.", r.get("rulesStatus").asText());
        assertStatus(r.get("ruleAdd"), "ok", "Rule 1 added.");
        assertTrue(r.get("ruleListed").asText().contains("may not borrow victor"), r.toString());
        assertStatus(r.get("ruleDeleted"), "info", "No rules: every configured user may borrow."); // the list read again after the delete
        assertEquals("Nobody is waiting.", r.get("reservationsStatus").asText());

        // the use-queue: behind the owner's reservation a second borrower waits at position 2, the
        // owner sees both with their places, cancels the first, and the borrower's page moves to 1
        assertTrue(r.get("ownerReserved").asBoolean(), r.toString());
        JsonNode queued = r.get("queued");
        assertEquals("info", queued.get("kind").asText(), r.toString());
        assertTrue(queued.get("text").asText().matches("Waiting in queue \\(reservation [0-9a-f-]{36}\\): queue position 2\\. The loan opens here .*"),
                queued.toString());
        List<String> listed = Rig.texts(r.get("ownerReservations"));
        assertEquals(2, listed.size(), listed.toString());
        assertTrue(listed.get(0).startsWith("position 1 ") && listed.get(0).contains("deployment 6d1e5e4a-0000-4000-8000-00000000d3e0 by olive"), listed.toString());
        assertTrue(listed.get(1).startsWith("position 2 ") && listed.get(1).contains("by victor"), listed.toString());
        assertEquals("3", r.get("ownerQueueLength").asText());
        JsonNode moved = r.get("queuedMoved");
        assertEquals("info", moved.get("kind").asText(), r.toString());
        assertTrue(moved.get("text").asText().contains("queue position 1, you are next."), moved.toString());
        List<String> left = Rig.texts(r.get("ownerReservationsAfterCancel"));
        assertTrue(left.get(0).startsWith("position 1 ") && left.get(0).contains("by victor"), left.toString());
        assertEquals("2", r.get("ownerQueueLengthAfterCancel").asText());
        assertTrue(r.get("servedFromQueue").asText().startsWith("READY"), r.toString());
        assertStatus(r.get("borrowAgain"), "ok", "Borrowed: your loan starts.");

        // lock-out: the owner's lock with its reason; the owner ends the loan; a borrow is refused with the reason
        assertStatus(r.get("lock"), "ok", "Locked: no new loans.");
        assertTrue(r.get("lockShown").asText().contains("locked charging until noon"), r.toString());
        assertStatus(r.get("ownerEnd"), "ok", "Loan ended.");
        assertTrue(r.get("endSeenByBorrower").asText().startsWith("TERMINATED"), r.toString());
        assertEquals(404, r.get("urlGoneAfterEnd").asInt(), "the ended loan's proxy URL is dead");
        assertTrue(r.get("borrowerSeesLock").asText().contains("locked"), r.toString());
        assertFalse(r.get("borrowerSeesLock").asText().contains("charging until noon"), "a borrower is not told the owner's note: " + r);
        JsonNode refused = r.get("borrowAfterLock");
        assertEquals("error", refused.get("kind").asText(), r.toString());
        assertTrue(refused.get("text").asText().contains("locked out by its owner: charging until noon"), r.toString());
        assertStatus(r.get("unlock"), "ok", "Unlocked.");
        assertStatus(r.get("borrowAfterUnlock"), "ok", "Borrowed: your loan starts.");

        // the owner's halt: the robot halted, the loan ended, and the borrower told why
        assertStatus(r.get("halt"), "ok", "Halted: robot stopped, loan ended.");
        assertTrue(r.get("haltsAtRobot").asInt() >= 1, "the robot got a halt: " + r);
        assertTrue(r.get("haltSeenByBorrower").asText().startsWith("TERMINATED — halted by owner"), r.toString());

        assertEquals(List.of(), Rig.texts(r.get("unlabelled")), "controls without a label");
        assertTrue(r.get("phoneOverflow").asInt() <= 0, "borrower view wider than a phone: " + r.get("phoneOverflow"));
        assertTrue(r.get("phoneOverflowOwner").asInt() <= 0, "owner view wider than a phone: " + r.get("phoneOverflowOwner"));
        assertClean(r);
        for (String png : List.of("console-borrower.png", "console-owner.png")) {
            assertTrue(Files.size(shots.resolve(png)) > 10_000, png);
            if ("true".equals(System.getenv("UPDATE_SCREENSHOTS"))) {
                Files.copy(shots.resolve(png), Tools.repoRoot().resolve("docs").resolve(png), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void hostileStringsFromTheRobotTheAuditLogTheConfigAndBorrowersAreShownAsTextAndNeverRun() throws Exception {
        requireTools();
        String base = start("demo " + HOSTILE);
        JsonNode r = run("hostile", base, "-");
        String img = "<img src=x onerror=\"window.__pwned=(window.__pwned||0)+1\">";

        // the configuration: the deployment's description, whole, in both views
        assertTrue(r.get("depShown").asText().contains("demo " + HOSTILE), r.get("depShown").toString());
        assertTrue(r.get("ownerDepShown").asText().contains("demo " + HOSTILE), r.get("ownerDepShown").toString());
        // the robot: an event echoing the utterance id, and the robot's own error naming the file
        assertEquals("POST /api/tts/speak: done (200)", r.get("speak").asText());
        assertTrue(r.get("eventShown").asText().contains(HOSTILE.replace("\"", "\\\"")), r.get("eventShown").toString());
        assertTrue(r.get("robotError").asText().startsWith("POST /api/audio/play: refused — Cannot PlayAudio - Audio file '" + img + "' not found."),
                r.get("robotError").toString());
        assertTrue(r.get("robotAnswer").asText().contains("Audio file '" + img.replace("\"", "\\\"") + "' not found."), r.get("robotAnswer").toString());
        // the audit log: a refused path and a refused parameter, in the borrower's log and the owner's stream
        assertTrue(r.get("refusedPath").asText().contains("blocked: GET /api/" + HOSTILE + ": no rule matches"), r.get("refusedPath").toString());
        assertTrue(r.get("refusedParam").asText().contains("blocked: POST /api/led: Red=\"<img src=x onerror="), r.get("refusedParam").toString());
        for (String where : List.of("logShown", "ownerAuditShown")) {
            String shown = r.get(where).asText();
            assertTrue(shown.contains("blocked: GET /api/" + HOSTILE) && shown.contains("Red=\"<img src=x onerror="), where + ": " + shown);
        }
        // the API echoing what the owner typed
        assertEquals("error", r.get("ruleStatus").get("kind").asText(), r.toString());
        assertTrue(r.get("ruleStatus").get("text").asText().contains("there is no user `" + HOSTILE + "`"), r.get("ruleStatus").toString());
        // the owner's lock reason, in the owner's table and the borrower's refusal
        assertEquals("Locked: no new loans.", r.get("lockStatus").asText());
        assertEquals("locked " + HOSTILE, r.get("lockShown").asText());
        assertEquals("error", r.get("borrowRefusal").get("kind").asText(), r.toString());
        assertTrue(r.get("borrowRefusal").get("text").asText().contains("locked out by its owner: " + HOSTILE + " (HTTP 403)"), r.toString());
        // the reservations list: a real entry, and the list's renderer with the string in every field
        assertTrue(r.get("secondReserved").asBoolean(), r.toString());
        JsonNode row = r.get("hostileReservation");
        assertEquals("position " + HOSTILE + " " + HOSTILE + " type " + HOSTILE + " by " + HOSTILE + " " + HOSTILE + " Cancel", row.get("text").asText());
        assertEquals("Cancel reservation " + HOSTILE, row.get("cancelLabel").asText());
        assertTrue(r.get("ownerReservations").asText().contains("by victor") && r.get("ownerReservations").asText().contains("by " + HOSTILE),
                r.get("ownerReservations").toString());

        for (String page : List.of("borrowerDom", "ownerDom")) {
            JsonNode dom = r.get(page);
            assertTrue(dom.get("pwned").isNull(), page + ": a hostile script ran: " + dom);
            assertEquals(0, dom.get("strayImages").asInt(), page + ": markup was parsed: " + dom);
            assertEquals(List.of("js/main.js"), Rig.texts(dom.get("scripts")), page);
        }
        assertClean(r);
    }

    private static void assertStatus(JsonNode status, String kind, String text) {
        assertEquals(kind + ": " + text, status.get("kind").asText() + ": " + status.get("text").asText());
    }

    /** No page error, no console error other than logged 4xx refusals, no CSP violation. */
    private static void assertClean(JsonNode r) {
        assertEquals(List.of(), Rig.texts(r.get("csp")), "CSP violations");
        List<String> problems = new ArrayList<>();
        for (String p : Rig.texts(r.get("problems"))) {
            if (!REFUSAL_LOGGED.matcher(p).matches()) problems.add(p);
        }
        assertEquals(List.of(), problems, "console errors");
    }

    private JsonNode run(String scenario, String base, String shots) throws Exception {
        Process node = new ProcessBuilder("node", "console-page.mjs", scenario, base, robot.baseUrl(), Rig.OWNER, Rig.URSULA, Rig.VICTOR, shots)
                .directory(SCRIPT_DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out;
        try {
            out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(node.waitFor(120, TimeUnit.SECONDS), "node did not finish");
        } finally {
            node.destroyForcibly();
        }
        assertEquals(0, node.exitValue(), "node failed: " + out);
        String seen = out.substring(out.lastIndexOf('\n') + 1);
        // what the page showed, kept for reading a failure (or a passing run) after the fact
        Files.writeString(Path.of("target/console-" + scenario + ".json"), seen);
        return Rig.JSON.readTree(seen);
    }

    private static void requireTools() {
        Tools.require(Files.isExecutable(Path.of("/usr/bin/chromium")), "/usr/bin/chromium (apt-get install chromium)");
        Tools.require(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core")),
                "playwright-core (npm ci --prefix proxy/src/test/browser)");
        Tools.require(nodeRuns(), "node");
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
