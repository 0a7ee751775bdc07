import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live-feed load against a running mistyproxy: creates an instance, activates the cam add-on, then
 * for each viewer count opens that many MJPEG feeds ({@code mjpeg_url} of the cam status) of one
 * camera and reads them as fast as this process can (one selector thread for all viewers: the
 * client must not need a thread per viewer either). Reports, per step: feeds refused, frames
 * delivered per viewer per second (mean and the slowest 1 %), the age of the frames delivered
 * (time the whole part was in minus the part's X-Frame-Captured-At), server CPU (/proc), server RSS (max over the
 * step), frames sent (/metrics) and encodes per captured frame.
 *
 * With {@code --kind websocket}, the viewers open the WebSocket feed ({@code feed_url}) instead and
 * count whole text frames (frame ages n/a: a WebSocket frame carries no capture time).
 *
 * Run with the JDK's source launcher:
 * java FeedBench.java --base URL --token T --deployment ID --pid PID [--viewers 10,100,1000] [--seconds 10]
 *      [--kind mjpeg|websocket]
 */
public class FeedBench {

    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static String base;
    static String token;
    /** WebSocket viewers ({@code feed_url}, text frames) instead of MJPEG; frame ages are then n/a (no timestamp in a frame). */
    static boolean webSocket;

    record Step(int viewers, int open, int refused, int dropped, double seconds, double[] fpsPerViewer,
                long[] ageMicros, double cpuSec, long rssMaxKb, double sent, double encodes, double frames,
                double clientCpuSec) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        base = a.get("--base");
        token = a.get("--token");
        String deployment = a.get("--deployment");
        long pid = Long.parseLong(a.get("--pid"));
        int seconds = Integer.parseInt(a.getOrDefault("--seconds", "10"));
        int[] counts = Arrays.stream(a.getOrDefault("--viewers", "10,100,1000").split(",")).mapToInt(Integer::parseInt).toArray();
        webSocket = a.getOrDefault("--kind", "mjpeg").equals("websocket");

        String iid = field(send("POST", "/new/" + deployment), "id");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!send("GET", "/instance/" + iid).contains("\"READY\"")) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("instance " + iid + " never READY");
            Thread.sleep(100);
        }
        String status = send("POST", "/addon/cam/" + iid);
        URI mjpeg = URI.create(field(status, webSocket ? "feed_url" : "mjpeg_url"));
        run(mjpeg, 4, 3, pid); // warm-up: natives, JIT, capture running
        List<Step> steps = new ArrayList<>();
        for (int n : counts) {
            steps.add(run(mjpeg, n, seconds, pid));
        }
        send("POST", "/terminate/" + iid);

        System.out.println();
        System.out.println("| viewers | open | refused | dropped | frames/s per viewer (mean) | (slowest 1 %) | frame age p50 ms | p99 ms | feed frames sent/s | encodes per frame | server CPU (cores) | server RSS max MB | bench client CPU (cores) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Step s : steps) {
            double mean = Arrays.stream(s.fpsPerViewer).average().orElse(Double.NaN);
            double[] sorted = s.fpsPerViewer.clone();
            Arrays.sort(sorted);
            double slow = sorted.length == 0 ? Double.NaN : sorted[(int) Math.floor(0.01 * sorted.length)];
            System.out.printf("| %d | %d | %d | %d | %.1f | %.1f | %s | %s | %.0f | %.2f | %.2f | %.0f | %.2f |%n",
                    s.viewers, s.open, s.refused, s.dropped, mean, slow, ms(s.ageMicros, 0.50), ms(s.ageMicros, 0.99),
                    s.sent / s.seconds, s.frames > 0 ? s.encodes / s.frames : Double.NaN, s.cpuSec / s.seconds,
                    s.rssMaxKb / 1024.0, s.clientCpuSec / s.seconds);
        }
    }

    static String ms(long[] sorted, double p) {
        if (sorted.length == 0) return "n/a";
        return String.format("%.1f", sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e3);
    }

    /** One MJPEG reader: parses the HTTP head, then part heads; skips the JPEG bodies. */
    static final class Viewer {
        final SocketChannel ch;
        final StringBuilder head = new StringBuilder();
        boolean httpHeadDone;
        int status;
        long skip;
        long frames;
        Instant pendingCapturedAt;
        boolean failed;
        boolean refused;

        Viewer(SocketChannel ch) {
            this.ch = ch;
        }

        // WebSocket frame parsing: header bytes so far, and the opcode of the frame being skipped.
        final byte[] wsHead = new byte[10];
        int wsHeadLength;
        int wsOpcode;

        /** After the HTTP head of a WebSocket feed: counts whole text frames, skipping their payloads. */
        private void consumeWebSocket(ByteBuffer b) {
            while (b.hasRemaining()) {
                if (skip > 0) {
                    int n = (int) Math.min(skip, b.remaining());
                    b.position(b.position() + n);
                    skip -= n;
                    if (skip == 0) {
                        frameDone();
                    }
                    continue;
                }
                wsHead[wsHeadLength++] = b.get();
                if (wsHeadLength < 2) {
                    continue;
                }
                int len7 = wsHead[1] & 0x7f;
                int need = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
                if (wsHeadLength < need) {
                    continue;
                }
                wsOpcode = wsHead[0] & 0x0f;
                long len = len7;
                if (len7 == 126) {
                    len = ((wsHead[2] & 0xffL) << 8) | (wsHead[3] & 0xffL);
                } else if (len7 == 127) {
                    len = 0;
                    for (int i = 2; i < 10; i++) len = (len << 8) | (wsHead[i] & 0xffL);
                }
                wsHeadLength = 0;
                skip = len;
                if (skip == 0) {
                    frameDone();
                }
            }
        }

        private void frameDone() {
            if (wsOpcode == 0x1) {
                frames++;
            } else if (wsOpcode == 0x8) {
                refused = true; // a close: the server refused or ended the feed
            }
        }

        /** Consumes bytes; adds frame ages (µs) to {@code ages}. */
        void consume(ByteBuffer b, long[] ages, int[] ageCount) {
            if (webSocket && httpHeadDone) {
                consumeWebSocket(b);
                return;
            }
            while (b.hasRemaining()) {
                if (skip > 0) {
                    int n = (int) Math.min(skip, b.remaining());
                    b.position(b.position() + n);
                    skip -= n;
                    if (skip == 0 && pendingCapturedAt != null) {
                        // A frame counts as delivered when all of it is in: a viewer shows whole frames.
                        frames++;
                        if (ageCount[0] < ages.length) {
                            ages[ageCount[0]++] = Duration.between(pendingCapturedAt, Instant.now()).toNanos() / 1000;
                        }
                        pendingCapturedAt = null;
                    }
                    continue;
                }
                char c = (char) (b.get() & 0xff);
                head.append(c);
                if (head.length() > 4096) {
                    failed = true;
                    return;
                }
                int len = head.length();
                if (len >= 4 && head.charAt(len - 1) == '\n' && head.charAt(len - 2) == '\r'
                        && head.charAt(len - 3) == '\n' && head.charAt(len - 4) == '\r') {
                    String h = head.toString();
                    head.setLength(0);
                    if (!httpHeadDone) {
                        httpHeadDone = true;
                        status = Integer.parseInt(h.substring(9, 12));
                        if (status != (webSocket ? 101 : 200)) {
                            refused = true;
                            return;
                        }
                        if (webSocket) {
                            consumeWebSocket(b);
                            return;
                        }
                        continue;
                    }
                    if (h.isBlank() || h.strip().startsWith("--") && !h.contains("Content-Length")) {
                        continue; // chunk framing lines are stripped below; tolerate blank lines
                    }
                    Matcher m = LENGTH.matcher(h);
                    if (!m.find()) {
                        continue;
                    }
                    skip = Long.parseLong(m.group(1)) + 2;
                    Matcher t = CAPTURED.matcher(h);
                    if (!h.contains("X-Frame-Sequence")) {
                        continue; // a notice card, not a frame
                    }
                    if (t.find()) {
                        pendingCapturedAt = Instant.parse(t.group(1).strip());
                    } else {
                        frames++; // an older server without X-Frame-Captured-At: count it, no age
                    }
                }
            }
        }
    }

    static final int RECEIVE_BUFFER = 128 * 1024;

    static final Pattern LENGTH = Pattern.compile("Content-Length: *([0-9]+)", Pattern.CASE_INSENSITIVE);
    static final Pattern CAPTURED = Pattern.compile("X-Frame-Captured-At: *([^\\r\\n]+)", Pattern.CASE_INSENSITIVE);

    static Step run(URI url, int viewers, int seconds, long pid) throws Exception {
        Selector sel = Selector.open();
        List<Viewer> all = new ArrayList<>();
        String req = "GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + (webSocket ? "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13"
                        + "\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==" : "\r\nConnection: keep-alive") + "\r\n\r\n";
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        long[] ages = new long[4_000_000];
        int[] ageCount = {0};
        // Connect all viewers one after the other (blocking connects, so the listen backlog is never overrun).
        for (int i = 0; i < viewers; i++) {
            SocketChannel ch = SocketChannel.open();
            // A viewer-sized receive buffer: left to autotuning, this one process reading 1,000
            // sockets would let megabytes of frames wait in its own buffers and measure its own lag.
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
            ch.connect(new InetSocketAddress(url.getHost(), url.getPort()));
            ch.configureBlocking(false);
            ch.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
            Viewer v = new Viewer(ch);
            all.add(v);
            ch.register(sel, SelectionKey.OP_READ, v);
        }
        Map<String, Double> m0 = metrics();
        double cpu0 = cpuSeconds(pid);
        double client0 = selfCpu();
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        long nextRss = 0;
        long rssMax = 0;
        // Chunked transfer encoding interleaves chunk sizes with part heads: bodies go through a de-chunker.
        Map<Viewer, Dechunker> dechunk = new HashMap<>();
        for (Viewer v : all) dechunk.put(v, new Dechunker());
        while (System.nanoTime() < end) {
            sel.select(100);
            for (SelectionKey k : sel.selectedKeys()) {
                Viewer v = (Viewer) k.attachment();
                buf.clear();
                int n;
                try {
                    n = v.ch.read(buf);
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0) {
                    v.failed = true;
                    k.cancel();
                    continue;
                }
                buf.flip();
                dechunk.get(v).feed(v, buf, ages, ageCount);
                if (v.refused) {
                    k.cancel();
                }
            }
            sel.selectedKeys().clear();
            if (System.nanoTime() > nextRss) {
                rssMax = Math.max(rssMax, rssKb(pid));
                nextRss = System.nanoTime() + 500_000_000L;
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = cpuSeconds(pid) - cpu0;
        double client = selfCpu() - client0;
        Map<String, Double> m1 = metrics();
        int refused = 0;
        int dropped = 0;
        List<Double> fps = new ArrayList<>();
        for (Viewer v : all) {
            if (v.refused) {
                refused++;
            } else if (v.failed) {
                dropped++;
            } else {
                fps.add(v.frames / wall);
            }
            v.ch.close();
        }
        sel.close();
        long[] a = Arrays.copyOf(ages, ageCount[0]);
        Arrays.sort(a);
        // Let the server notice the closed feeds before the next step.
        Thread.sleep(1000);
        return new Step(viewers, viewers - refused - dropped, refused, dropped, wall,
                fps.stream().mapToDouble(Double::doubleValue).toArray(), a, cpu, rssMax,
                d(m1, m0, "mistyproxy_camera_feed_frames_sent_total"), d(m1, m0, "mistyproxy_camera_encodes_total"),
                d(m1, m0, "mistyproxy_camera_frames_captured_total"), client);
    }

    /** Strips HTTP/1.1 chunked framing (if the response uses it) before the MJPEG parser. */
    static final class Dechunker {
        boolean decided;
        boolean chunked;
        long chunkLeft;
        final StringBuilder line = new StringBuilder();
        final StringBuilder httpHead = new StringBuilder();

        void feed(Viewer v, ByteBuffer b, long[] ages, int[] ageCount) {
            if (!decided) {
                while (b.hasRemaining() && !decided) {
                    char c = (char) (b.get() & 0xff);
                    httpHead.append(c);
                    if (httpHead.length() >= 4 && httpHead.substring(httpHead.length() - 4).equals("\r\n\r\n")) {
                        decided = true;
                        String h = httpHead.toString();
                        chunked = h.toLowerCase().contains("transfer-encoding: chunked");
                        v.consume(ByteBuffer.wrap(h.getBytes(StandardCharsets.ISO_8859_1)), ages, ageCount);
                        if (v.refused) return;
                    }
                }
                if (!decided) return;
            }
            if (!chunked) {
                v.consume(b, ages, ageCount);
                return;
            }
            while (b.hasRemaining()) {
                if (chunkLeft > 0) {
                    int n = (int) Math.min(chunkLeft, b.remaining());
                    ByteBuffer slice = b.slice();
                    slice.limit(n);
                    v.consume(slice, ages, ageCount);
                    b.position(b.position() + n);
                    chunkLeft -= n;
                    continue;
                }
                char c = (char) (b.get() & 0xff);
                if (c == '\n') {
                    String s = line.toString().strip();
                    line.setLength(0);
                    if (!s.isEmpty()) {
                        int semi = s.indexOf(';');
                        chunkLeft = Long.parseLong(semi < 0 ? s : s.substring(0, semi), 16);
                    }
                } else {
                    line.append(c);
                }
            }
        }
    }

    static double d(Map<String, Double> m1, Map<String, Double> m0, String k) {
        return m1.getOrDefault(k, 0.0) - m0.getOrDefault(k, 0.0);
    }

    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static double selfCpu() throws IOException {
        return cpuSeconds(ProcessHandle.current().pid());
    }

    static long rssKb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
        return 0;
    }

    static final Pattern METRIC = Pattern.compile("^(mistyproxy_camera_[a-z_]+_total) ([0-9.eE+-]+)$", Pattern.MULTILINE);

    static Map<String, Double> metrics() throws Exception {
        Map<String, Double> out = new HashMap<>();
        Matcher m = METRIC.matcher(send("GET", "/metrics"));
        while (m.find()) out.put(m.group(1), Double.parseDouble(m.group(2)));
        return out;
    }

    static String send(String method, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        return r.body();
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + name + " in " + json);
        return m.group(1);
    }
}
