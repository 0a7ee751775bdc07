package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xnio.XnioWorker;

/**
 * A Misty II robot on a loopback port: the REST API under /api, the /pubsub WebSocket, a log of
 * everything that reached it, and fault knobs. Start one per test:
 *
 * <pre>{@code
 * try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
 *     ... send requests to robot.baseUrl() ...
 *     assertEquals(1, robot.requests().size());
 * }
 * }</pre>
 */
public final class Simulator implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final RequestLog log = new RequestLog();
    private final Faults faults = new Faults();
    private final RobotState state = new RobotState();
    private final Path dataDir;
    private final EventStream events;
    private final Listener listener;
    private final String host;
    /** The one scheduler for periodic events and timed faults; never a thread per subscription. */
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "misty-sim-clock");
        t.setDaemon(true);
        return t;
    });

    private Simulator(String host, int port) throws IOException {
        this.host = host;
        CompletableFuture<XnioWorker> worker = CompletableFuture.supplyAsync(Listener::newWorker);
        this.dataDir = Files.createTempDirectory("misty-sim-");
        LenientJson lenient = new LenientJson();
        EndpointCatalog catalog = EndpointCatalog.load(json);
        EventTemplates templates = new EventTemplates(json, state);
        events = new EventStream(templates, new SensorReadings(templates, state), clock, json, lenient, log);
        RobotCommands commands = new RobotCommands(json, state);
        new SystemCommands(state, json, events).registerWith(commands);
        new EventCommands(templates, state, json).registerWith(commands);
        new MotionCommands(state, json, events).registerWith(commands);
        new MediaCommands(new MediaStore(dataDir.resolve("images"), "image"), new MediaStore(dataDir.resolve("audio"), "audio"),
                new CameraSnapshot(state), state, json, events).registerWith(commands);
        ApiHandler api = new ApiHandler(catalog, commands, log, faults, lenient, json, dataDir);
        InspectionHandler inspection = new InspectionHandler(this, log, faults, state, json, lenient);
        // HttpContinueReadHandler answers "Expect: 100-continue" (curl sends it for large uploads)
        // when the body is first read, as a real server would.
        // BlockingHandler moves each request off the IO thread, as the handlers read bodies with streams.
        RootHandler root = new RootHandler(new io.undertow.server.handlers.BlockingHandler(inspection),
                new PubSubEndpoint(events, log, faults, json),
                new io.undertow.server.handlers.HttpContinueReadHandler(new io.undertow.server.handlers.BlockingHandler(api)));
        XnioWorker io = worker.join();
        try {
            listener = new Listener(host, port, root, io);
        } catch (RuntimeException cannotListen) {
            io.shutdownNow();
            clock.shutdownNow();
            deleteDataDir();
            throw cannotListen;
        }
    }

    /** Starts a simulator listening on {@code host:port}; port 0 picks a free port. */
    public static Simulator start(String host, int port) {
        try {
            return new Simulator(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.port();
    }

    /** {@code http://<host>:<port>}, with IPv6 hosts in brackets. */
    public String baseUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        if (h.equals("0.0.0.0")) {
            h = "127.0.0.1";
        }
        return "http://" + h + ":" + port();
    }

    /** Everything that reached the robot, in arrival order (the same as {@code GET /_sim/requests}). */
    public List<RecordedRequest> requests() {
        return log.snapshot();
    }

    public void clearRequests() {
        log.clear();
    }

    /**
     * Bounds the request log (default 50,000 entries); beyond it the oldest entries are dropped
     * and counted in {@code GET /_sim/state} as {@code requestLogDropped}.
     */
    public void requestLogLimit(int entries) {
        log.limit(entries);
    }

    /** The robot's state as JSON text, the same as {@code GET /_sim/state}. */
    public String stateJson() {
        return stateNode().toString();
    }

    com.fasterxml.jackson.databind.node.ObjectNode stateNode() {
        com.fasterxml.jackson.databind.node.ObjectNode o = state.toJson(json);
        o.set("pubsub", events.toJson());
        o.put("requestLogDropped", log.dropped());
        return o;
    }

    /**
     * Sets the battery, the same as {@code PUT /_sim/state {"battery": {"chargePercent": .., "isCharging": ..}}}:
     * {@code chargePercent} is a fraction from 0 to 1, as the robot reports it.
     */
    public void battery(double chargePercent, boolean isCharging) {
        if (chargePercent < 0 || chargePercent > 1) {
            throw new IllegalArgumentException("chargePercent is a fraction from 0 to 1, got " + chargePercent);
        }
        state.battery(chargePercent, isCharging);
    }

    /** Adds this much delay before every /api answer and WebSocket handshake; 0 turns it off. */
    public void latencyMs(long ms) {
        faults.latencyMs(ms);
    }

    /** Answers every /api request with this status (e.g. 500, 503) after logging it; 0 turns it off. */
    public void failWith(int status) {
        faults.failStatus(status);
    }

    /** Sends half of each /api response, then drops the connection. */
    public void resetMidResponse(boolean on) {
        faults.resetMidResponse(on);
    }

    /** Logs each /api request and never answers it. */
    public void stall(boolean on) {
        faults.stall(on);
    }

    /** Closes the listening socket and every open connection: new connections are refused. */
    public void refuseConnections() {
        listener.refuse();
    }

    /** Listens again on the same port after {@link #refuseConnections()}. */
    public void acceptConnections() {
        listener.open();
    }

    /** Refuses connections for {@code ms} milliseconds (0 = until {@link #acceptConnections()}). */
    public void refuseConnectionsFor(long ms) {
        listener.refuse();
        if (ms > 0) {
            clock.schedule(listener::open, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** Closes every open /pubsub socket with this close code; returns how many were open. */
    public int closeWebSockets(int code, String reason) {
        if (code < 1000 || code > 4999 || code == 1004 || code == 1005 || code == 1006 || code == 1015) {
            throw new IllegalArgumentException("close code must be 1000..4999 and not one of the reserved 1004, 1005, 1006, 1015; got " + code);
        }
        return events.closeAll(code, reason);
    }

    /** Makes a bump sensor (bfr, bfl, brr, brl) report contact, as if the robot hit something. */
    public void bump(String sensorId) {
        if (!java.util.Set.of("bfr", "bfl", "brr", "brl").contains(sensorId)) {
            throw new IllegalArgumentException("bump sensor must be one of bfr, bfl, brr, brl; got '" + sensorId + "'");
        }
        events.bump(sensorId);
    }

    /** Turns every fault off and accepts connections again. */
    public void clearFaults() {
        faults.clear();
        listener.open();
    }

    @Override
    public void close() {
        events.close();
        clock.shutdownNow();
        listener.close();
        deleteDataDir();
    }

    private void deleteDataDir() {
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // the temp folder is left behind; nothing else depends on it
        }
    }
}
