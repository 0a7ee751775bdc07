package org.mistyproxy.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.mistyproxy.sim.RecordedRequest;
import org.mistyproxy.sim.Simulator;

/** What the safety tests share: driving through a proxy URL, and reading the robot's log as the oracle. */
final class SafetyRig {
    static final String DRIVE_BODY = "{\"LinearVelocity\": 20, \"AngularVelocity\": 0}";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SafetyRig() {}

    static HttpResponse<String> post(String url, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("POST " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** POST /api/drive through the proxy URL; returns the response (200 and the lease header expected). */
    static HttpResponse<String> drive(String proxyUrl) {
        HttpResponse<String> r = post(proxyUrl + "/api/drive", DRIVE_BODY);
        if (r.statusCode() != 200) throw new AssertionError("drive: " + r.statusCode() + " " + r.body());
        return r;
    }

    static long count(Simulator robot, String method, String path) {
        return robot.requests().stream().filter(q -> q.method().equals(method) && q.path().equals(path)).count();
    }

    /**
     * What reached the robot on behalf of borrowers and the control API: everything but mistyproxy's
     * own safety traffic (health probes, on_end stops and halts), which tests of refusals ignore.
     */
    static List<org.mistyproxy.sim.RecordedRequest> borrowers(Simulator robot) {
        return robot.requests().stream()
                .filter(q -> !q.headers().getOrDefault("user-agent", List.of()).contains("mistyproxy-safety")).toList();
    }

    /** The robot's requests of mistyproxy itself (stops, halts, probes), as "METHOD path". */
    static List<String> fromProxy(Simulator robot) {
        return robot.requests().stream()
                .filter(q -> q.headers().getOrDefault("user-agent", List.of()).contains("mistyproxy-safety"))
                .map(q -> q.method() + " " + q.path()).toList();
    }

    /**
     * Waits until the robot's log holds {@code method path} more than {@code before} times; returns
     * the milliseconds from {@code sinceNanos} to when it was seen (polled every 5 ms), or fails
     * after {@code withinMillis}.
     */
    static long awaitLogged(Simulator robot, String method, String path, long before, long sinceNanos, long withinMillis) {
        long deadline = sinceNanos + withinMillis * 1_000_000L;
        while (true) {
            if (count(robot, method, path) > before) return (System.nanoTime() - sinceNanos) / 1_000_000L;
            if (System.nanoTime() > deadline) {
                throw new AssertionError(method + " " + path + " did not reach the robot within " + withinMillis + " ms; log: "
                        + robot.requests().stream().map(RecordedRequest::path).toList());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static boolean driving(Simulator robot) {
        try {
            return Rig.JSON.readTree(robot.stateJson()).at("/drive/driving").asBoolean();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The instance log's entries written by mistyproxy's safety actions. */
    static List<JsonNode> safetyEntries(Rig.Api api, String iid) {
        JsonNode entries = api.get("/addon/mistyproxy/" + iid + "/log").json().get("entries");
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        entries.forEach(e -> {
            if (e.path("channel").asText().equals("safety")) out.add(e);
        });
        return out;
    }

    /** The value of one Prometheus sample line (name with labels, as printed), or 0 when absent. */
    static double metric(String scrape, String nameWithLabels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(nameWithLabels + " ")) return Double.parseDouble(line.substring(nameWithLabels.length() + 1).trim());
        }
        return 0;
    }

    /**
     * A {@code /pubsub} client on a plain socket, so a test can make it vanish the way a crashed
     * browser or a lost network does: no close frame, just a reset.
     */
    static final class RawPubSub implements AutoCloseable {
        final Socket socket;
        /** When the client last sent a frame. */
        private volatile long lastSent;
        /** Guarded by this: whether the client has gone silent, and the pings it answered before. */
        private boolean silent;
        private int pongs;
        /** Set once {@link #answerPings} reads the socket: how the server ended it (see {@link #awaitServerClose}). */
        private volatile boolean answering;
        private final java.util.concurrent.CompletableFuture<Integer> serverClose = new java.util.concurrent.CompletableFuture<>();

        RawPubSub(String proxyUrl) throws IOException {
            URI u = URI.create(proxyUrl + "/pubsub");
            socket = new Socket();
            socket.connect(new InetSocketAddress(u.getHost(), u.getPort()), 5000);
            socket.setSoTimeout(5000);
            byte[] nonce = new byte[16];
            new SecureRandom().nextBytes(nonce);
            String req = "GET " + u.getRawPath() + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort() + "\r\n"
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n";
            socket.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) break;
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) throw new AssertionError("upgrade refused: " + head);
            lastSent = System.nanoTime();
        }

        /** Sends one masked text frame (clients must mask). */
        void sendText(String text) throws IOException {
            send(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        private synchronized void send(int opcode, byte[] payload) throws IOException {
            if (payload.length > 125) throw new IllegalArgumentException("short messages only");
            byte[] mask = new byte[4];
            new SecureRandom().nextBytes(mask);
            byte[] frame = new byte[2 + 4 + payload.length];
            frame[0] = (byte) (0x80 | opcode);
            frame[1] = (byte) (0x80 | payload.length);
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            socket.getOutputStream().write(frame);
            lastSent = System.nanoTime();
        }

        /** One frame from the server (servers do not mask); null at the end of the stream. */
        private static byte[][] readFrame(InputStream in) throws IOException {
            int b0 = in.read();
            if (b0 < 0) return null;
            int len = in.read() & 0x7f;
            if (len == 126) len = (in.read() << 8) | in.read();
            else if (len == 127) throw new AssertionError("unexpected huge frame");
            return new byte[][] {{(byte) (b0 & 0x0f)}, in.readNBytes(len)};
        }

        private static int closeCode(byte[] payload) {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        /**
         * Reads what the server sends and answers every ping with a pong, as any live WebSocket
         * client does, until {@link #goSilent}. {@link #awaitServerClose} still works.
         */
        void answerPings() {
            Thread reader = new Thread(() -> {
                try {
                    InputStream in = socket.getInputStream();
                    while (true) {
                        byte[][] f;
                        try {
                            f = readFrame(in);
                        } catch (java.net.SocketTimeoutException quiet) {
                            continue; // nothing to answer for a while: no error for this client
                        }
                        if (f == null) {
                            serverClose.complete(-1);
                            return;
                        }
                        if (f[0][0] == 0x8) {
                            serverClose.complete(closeCode(f[1]));
                            return;
                        }
                        if (f[0][0] != 0x9) continue;
                        synchronized (this) {
                            // Silent: the frame is read (so that the server's close can be seen) but
                            // never answered. The proxy cannot tell that from a network that is
                            // gone: either way nothing comes back.
                            if (silent) continue;
                            send(0xA, f[1]);
                            pongs++;
                        }
                    }
                } catch (IOException e) {
                    serverClose.complete(-1); // reset by the server (or closed by the test)
                }
            }, "raw-pubsub-reader");
            reader.setDaemon(true);
            reader.start();
            answering = true;
        }

        synchronized int pongs() {
            return pongs;
        }

        /**
         * From now on the client answers nothing, and keeps its TCP connection open: a half-open
         * socket, as when the borrower's network goes away. Returns the
         * {@link System#nanoTime()} of the last frame it sent, when its silence began.
         */
        long goSilent() {
            synchronized (this) {
                silent = true;
                return lastSent;
            }
        }

        /** Drops the connection with a TCP reset: no close frame, as when a borrower's machine dies. */
        void vanish() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /**
         * Reads until the server closes: returns the close code of its close frame, or -1 when the
         * connection ended without one. Fails if nothing ends within the socket timeout.
         */
        int awaitServerClose() throws IOException {
            if (answering) {
                try {
                    return serverClose.get(socket.getSoTimeout(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the server did not close the socket within " + socket.getSoTimeout() + " ms");
                } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(e);
                }
            }
            InputStream in = socket.getInputStream();
            while (true) {
                byte[][] f = readFrame(in);
                if (f == null) return -1;
                if (f[0][0] == 0x8) return closeCode(f[1]);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
