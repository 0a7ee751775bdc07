package org.mistyproxy.bench.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.policy.PolicyException;
import org.mistyproxy.policy.RequestCheck;
import org.mistyproxy.policy.RequestHead;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions per second of a 50-rule policy for typical requests, one thread. Each benchmark makes
 * one complete decision, both phases included: canonical path and query, rule lookup, schema
 * checks, and for bodies the lenient JSON parse and strict re-serialisation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {
    private Policy policy;
    private RequestHead driveHead;
    private byte[] driveBody;
    private RequestHead pictureHead;
    private RequestHead batteryHead;
    private RequestHead messyHead;

    /** 50 rules in the shape of misty-safe: exact uris, two patterns, schemas with ranges. */
    static String fiftyRules() {
        List<String> r = new ArrayList<>();
        r.add("default: block");
        r.add("rules:");
        String[] infoPaths = {"battery", "device", "help", "networks/scan", "logs/level", "services/audio",
            "services/camera", "services/slam", "camera", "websockets", "websocket/version", "audio/volume", "faces",
            "skills", "skills/running", "system/updates", "manufacturing/enabled", "actions", "states",
            "conversations", "dialogs/contexts", "python/running", "python/output", "temperature/array",
            "slam/status", "slam/map/ids", "hazards/settings", "blink/settings", "videos/recordings/list",
            "tutorials/check", "serial"};
        for (String p : infoPaths) {
            r.add("  - verb: GET");
            r.add("    uri: /api/" + p);
            r.add("    default: block");
        }
        r.add("  - verb: GET");
        r.add("    uri: /api/*/list");
        r.add("  - verbs: [POST, DELETE]");
        r.add("    uri: /api/system/**");
        r.add("    action: block");
        String[] expr = {"led", "blink", "flashlight", "audio/stop", "audio/pause", "tts/stop", "text/error/clear",
            "display/settings", "images/settings", "text/settings"};
        for (String p : expr) {
            r.add("  - verb: POST");
            r.add("    uri: /api/" + p);
            r.add("    default: allow");
            r.add("    schema:");
            r.add("      - name: RevertToDefault");
            r.add("        type: bool");
            r.add("        optional: true");
        }
        r.add("  - verb: GET");
        r.add("    uri: /api/cameras/rgb");
        r.add("    default: block");
        r.add("    schema:");
        r.add("      - {name: Base64, type: bool, optional: true}");
        r.add("      - {name: Width, type: int, range: [320, 4160], optional: true}");
        r.add("      - {name: Height, type: int, range: [240, 3120], optional: true}");
        r.add("      - {name: DisplayOnScreen, type: bool, optional: true}");
        r.add("  - verb: POST");
        r.add("    uri: /api/drive");
        r.add("    schema:");
        r.add("      - {name: LinearVelocity, type: float, range: [-30, 30]}");
        r.add("      - {name: AngularVelocity, type: float, range: [-50, 50]}");
        r.add("  - verb: POST");
        r.add("    uri: /api/head");
        r.add("    schema:");
        r.add("      - {name: Pitch, type: float, range: [-40, 26]}");
        r.add("      - {name: Roll, type: float, range: [-40, 40]}");
        r.add("      - {name: Yaw, type: float, range: [-81, 81]}");
        r.add("      - {name: Units, type: string, enum: [degrees], optional: true}");
        r.add("  - verb: POST");
        r.add("    uri: /api/drive/time");
        r.add("    default: block");
        r.add("    schema:");
        r.add("      - {name: LinearVelocity, type: float, range: [-30, 30]}");
        r.add("      - {name: AngularVelocity, type: float, range: [-50, 50]}");
        r.add("      - {name: TimeMs, type: int, range: [100, 10000]}");
        r.add("      - {name: Degree, type: float, optional: true}");
        r.add("  - verb: POST");
        r.add("    uri: /api/drive/stop");
        r.add("    schema:");
        r.add("      - {name: Hold, type: bool, enum: [false], optional: true}");
        r.add("  - verb: POST");
        r.add("    uri: /api/arms");
        r.add("    schema:");
        r.add("      - {name: Arm, type: string, enum: [left, right, both]}");
        r.add("      - {name: Position, type: float, range: [-29, 90]}");
        r.add("  - verb: POST");
        r.add("    uri: /api/tts/speak");
        r.add("    schema:");
        r.add("      - {name: Text, type: string, max_length: 1000}");
        return String.join("\n", r) + "\n";
    }

    @Setup
    public void setup() throws PolicyException {
        String yaml = fiftyRules();
        policy = Policy.parse(yaml, "bench-50.yaml");
        long rules = yaml.lines().filter(l -> l.startsWith("  - ")).count();
        if (rules != 50) {
            throw new IllegalStateException("expected 50 rules, got " + rules);
        }
        driveBody = "{\"LinearVelocity\": 10.5, \"AngularVelocity\": 0, \"TimeMs\": 1000}".getBytes(StandardCharsets.UTF_8);
        driveHead = new RequestHead("POST", "/api/drive/time", null,
                Map.of("content-type", List.of("application/json")), driveBody.length);
        pictureHead = new RequestHead("GET", "/api/cameras/rgb", "Base64=true&Width=640&Height=480", Map.of(), 0);
        batteryHead = new RequestHead("GET", "/api/battery", null, Map.of(), 0);
        messyHead = new RequestHead("GET", "/API//Cameras/./RGB/", "base64=TRUE&width=6.4e2", Map.of(), 0);
        check(driveDecision().allowed(), "drive");
        check(cameraDecision().allowed(), "camera");
        check(batteryDecision().allowed(), "battery");
        check(messyDecision().allowed(), "messy");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " should be allowed");
        }
    }

    /** The typical motion command: POST with a small JSON body (both phases). */
    @Benchmark
    public PolicyDecision driveDecision() {
        RequestCheck c = policy.check(driveHead, "instance-1");
        return c.needsBody() ? c.withBody(driveBody) : c.decision();
    }

    /** The typical camera read: GET with three checked query parameters. */
    @Benchmark
    public PolicyDecision cameraDecision() {
        return policy.check(pictureHead, "instance-1").decision();
    }

    /** The cheapest request: an info GET without parameters. */
    @Benchmark
    public PolicyDecision batteryDecision() {
        return policy.check(batteryHead, "instance-1").decision();
    }

    /** A camera read spelled untidily: the slow path of canonicalisation. */
    @Benchmark
    public PolicyDecision messyDecision() {
        return policy.check(messyHead, "instance-1").decision();
    }
}
