package org.mistyproxy.proxy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.proxy.server.ServerOptions;
import org.mistyproxy.sim.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mistyproxy demo}: the simulator as the robot, the server in front of it with the shipped
 * {@code misty-safe} policy and a synthetic camera, and a walkthrough to copy and paste.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Try mistyproxy without a robot: starts the Misty II simulator and a server in front of it",
            "(policy misty-safe.yaml, one synthetic camera) and prints commands to try. Ctrl-C stops both."
        })
final class DemoCommand implements Callable<Integer> {
    /** Fixed, so that the walkthrough and a reused --data-dir stay valid across runs. */
    static final UUID DEPLOYMENT = UUID.fromString("6d1e5e4a-0000-4000-8000-00000000d3e0");

    @Option(names = "--port", defaultValue = "8080", description = "server port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--sim-port", defaultValue = "0", description = "simulator port on 127.0.0.1 (default: any free port)")
    int simPort;

    @Option(names = "--api-token", description = "the owner's API token (default: a new random one, printed)")
    String apiToken;

    @Option(names = "--data-dir", description = "where instances are kept (default: a new temporary folder)")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String token = apiToken != null ? apiToken : newToken();
        Path data = dataDir != null ? dataDir : Files.createTempDirectory("mistyproxy-demo-");
        Simulator robot;
        try {
            robot = Simulator.start("127.0.0.1", simPort);
        } catch (RuntimeException e) {
            err.println("mistyproxy demo: cannot start the simulator on 127.0.0.1:" + simPort + ": " + e.getMessage());
            return 1;
        }
        ProxyServer server;
        try {
            server = ProxyServer.start(config(robot.port(), token, data), ServerOptions.defaults());
        } catch (IOException | RuntimeException e) {
            robot.close();
            err.println("mistyproxy demo: cannot start the server on 127.0.0.1:" + port + ": " + e.getMessage()
                    + (port != 0 ? " (try --port 0 or another port)" : ""));
            return 1;
        }
        out.print(walkthrough(server.publicBaseUrl(), robot.baseUrl(), token, data));
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(robot::close, "mistyproxy-demo-sim-shutdown"));
        ServeCommand.awaitSignal(server);
        return 0;
    }

    MistyProxyConfig config(int robotPort, String token, Path data) {
        Camera camera = new Camera("front", "synthetic", 640, 480, 10, Optional.empty(), 80);
        Deployment d = new Deployment(DEPLOYMENT, "fixed_misty2", "demo", "simulated Misty II (mistyproxy demo)",
                new RobotAddress("127.0.0.1", robotPort), Optional.empty(), List.of("*"), List.of(camera));
        User owner = new User("owner", Role.OWNER, User.sha256Hex(token));
        return new MistyProxyConfig(data.resolve("demo"), new Listen("127.0.0.1", port), Optional.empty(), Optional.empty(),
                data, List.of(owner), List.of(d));
    }

    static String walkthrough(String base, String sim, String token, Path data) {
        String py = "/usr/bin/python3 -c 'import sys, json; print(json.load(sys.stdin)%s)'";
        String auth = "-H \"Authorization: Bearer $TOKEN\"";
        return String.join("\n",
                "mistyproxy demo",
                "  server:          " + base,
                "  robot:           " + sim + "  (Misty II simulator; what reached it: " + sim + "/_sim/requests)",
                "  owner API token: " + token,
                "  data dir:        " + data,
                "  policy:          misty-safe.yaml (shipped)",
                "",
                "Copy and paste into another shell:",
                "",
                "  export API=" + base + " SIM=" + sim + " TOKEN=" + token,
                "",
                "  # 1. borrow the robot: create an instance; it is READY once the robot answers",
                "  IID=$(curl -s -X POST " + auth + " $API/new/fixed_misty2 | " + String.format(py, "[\"id\"]") + ")",
                "  until curl -s " + auth + " $API/instance/$IID | grep -q READY; do sleep 0.2; done",
                "  curl -s " + auth + " $API/instance/$IID; echo",
                "",
                "  # 2. activate the mistyproxy add-on; url[1] is the proxy URL for code",
                "  curl -s -X POST " + auth + " $API/addon/mistyproxy/$IID; echo",
                "  URL=$(curl -s " + auth + " $API/addon/mistyproxy/$IID | " + String.format(py, "[\"url\"][1]") + ")",
                "",
                "  # 3. talk to the robot through the policy",
                "  curl -s $URL/api/device; echo",
                "  curl -s -X POST $URL/api/reboot -d '{}'; echo     # refused by misty-safe: 403 and the reason",
                "  curl -s $SIM/_sim/requests | grep -c /api/reboot   # 0: the robot never saw it",
                "  curl -s " + auth + " \"$API/addon/mistyproxy/$IID/log?limit=5\"; echo   # the audit log",
                "",
                "  # 4. the camera: activate the cam add-on; snapshots as JSON (the rerobots contract), raw JPEG, and a NumPy array",
                "  curl -s -X POST " + auth + " $API/addon/cam/$IID; echo",
                "  curl -s " + auth + " $API/addon/cam/$IID/front/img | head -c 100; echo",
                "  curl -s " + auth + " $API/addon/cam/$IID/0/img | head -c 100; echo   # the same camera by position, as the rerobots client asks",
                "  curl -s " + auth + " -H 'Accept: image/jpeg' $API/addon/cam/$IID/front/img -o front.jpg   # open front.jpg",
                "  curl -s " + auth + " \"$API/addon/cam/$IID/front/img?format=npy\" -o front.npy",
                "  /usr/bin/python3 -c 'import numpy as np; a = np.load(\"front.npy\"); print(a.shape, a.dtype, a[0, 0], a[-1, -1])'"
                        + "   # (480, 640, 3) uint8 [255 0 0] [255 255 255]",
                "  curl -s " + auth + " $API/addon/cam/$IID | " + String.format(py, "[\"cameras\"][0][\"mjpeg_url\"]")
                        + "   # live MJPEG: open it in a browser",
                "",
                "  # 5. end the loan: the proxy URL answers 404 from now on",
                "  curl -s -X POST " + auth + " $API/terminate/$IID; echo",
                "  curl -s $URL/api/device; echo",
                "",
                "  # 6. the same flow with the rerobots Python client API (from the mistyproxy source tree)",
                "  /usr/bin/python3 examples/rerobots_flow.py --base-uri $API --api-token $TOKEN",
                "",
                "Ctrl-C stops the demo.",
                "");
    }

    private static String newToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
