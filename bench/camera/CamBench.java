import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshot load against a running mistyproxy: creates an instance, activates the cam add-on, then
 * for each client count runs that many closed-loop clients fetching GET /addon/cam/{iid}/{cam}/img
 * for a fixed time. Reports latency p50/p99, snapshots/s, encodes/s and frames/s (from /metrics),
 * the age of the frame served (client receive time minus X-Frame-Captured-At), and CPU: the
 * server process's CPU (from /proc) and the share spent in capture + encode (from /metrics).
 *
 * Run with the JDK's source launcher: java CamBench.java --base URL --token T --deployment ID --pid PID
 */
public class CamBench {

    record Result(int clients, long requests, long failures, double seconds, long[] latNanos, long[] ageMicros,
                  double encodes, double frames, double captureSec, double encodeSec, double cpuSec, double serverMeanMs) {}

    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static String base;
    static String token;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        base = a.get("--base");
        token = a.get("--token");
        String deployment = a.get("--deployment");
        String camera = a.getOrDefault("--camera", "bench");
        long pid = Long.parseLong(a.get("--pid"));
        int seconds = Integer.parseInt(a.getOrDefault("--seconds", "10"));
        String query = a.getOrDefault("--query", "");
        int[] clientCounts = Arrays.stream(a.getOrDefault("--clients", "1,10,50").split(",")).mapToInt(Integer::parseInt).toArray();

        String iid = field(send("POST", "/new/" + deployment), "id");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!send("GET", "/instance/" + iid).contains("\"READY\"")) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("instance " + iid + " never READY");
            Thread.sleep(100);
        }
        send("POST", "/addon/cam/" + iid);
        String path = "/addon/cam/" + iid + "/" + camera + "/img" + query;
        // Warm up: natives loaded, JIT warm, first frames in.
        run(path, 4, 3, pid);

        List<Result> results = new ArrayList<>();
        for (int c : clientCounts) {
            results.add(run(path, c, seconds, pid));
        }
        send("POST", "/terminate/" + iid);

        System.out.println();
        System.out.println("| clients | snapshots/s | p50 ms | p99 ms | server-side mean ms | frame age p50 ms | frame age p99 ms | encodes/s | frames/s | server CPU (cores) | capture+encode (cores) | capture+encode share of server CPU | failures |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf("| %d | %.0f | %.2f | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f | %.2f | %.3f | %.0f%% | %d |%n",
                    r.clients, r.requests / r.seconds, pct(r.latNanos, 0.50) / 1e6, pct(r.latNanos, 0.99) / 1e6,
                    r.serverMeanMs,
                    pct(r.ageMicros, 0.50) / 1e3, pct(r.ageMicros, 0.99) / 1e3,
                    r.encodes / r.seconds, r.frames / r.seconds, r.cpuSec / r.seconds,
                    (r.captureSec + r.encodeSec) / r.seconds,
                    r.cpuSec > 0 ? 100 * (r.captureSec + r.encodeSec) / r.cpuSec : 0, r.failures);
        }
    }

    static Result run(String path, int clients, int seconds, long pid) throws Exception {
        Map<String, Double> m0 = metrics();
        double[] timer0 = serverTimer();
        double cpu0 = cpuSeconds(pid);
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        List<long[]> lats = new ArrayList<>();
        List<long[]> ages = new ArrayList<>();
        long[] counts = new long[clients * 2];
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int me = c;
            long[] lat = new long[2_000_000];
            long[] age = new long[2_000_000];
            lats.add(lat);
            ages.add(age);
            Thread t = new Thread(() -> {
                HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token).GET().build();
                int n = 0;
                long failures = 0;
                while (System.nanoTime() < end && n < lat.length) {
                    long s = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        long e = System.nanoTime();
                        Instant now = Instant.now();
                        String at = r.headers().firstValue("x-frame-captured-at").orElse(null);
                        if (r.statusCode() != 200 || at == null) {
                            failures++;
                            continue;
                        }
                        lat[n] = e - s;
                        age[n] = Duration.between(Instant.parse(at), now).toNanos() / 1000;
                        n++;
                    } catch (IOException | InterruptedException ex) {
                        failures++;
                    }
                }
                counts[me * 2] = n;
                counts[me * 2 + 1] = failures;
                done.countDown();
            });
            t.start();
        }
        done.await();
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = cpuSeconds(pid) - cpu0;
        Map<String, Double> m1 = metrics();
        double[] timer1 = serverTimer();
        double serverMeanMs = timer1[0] > timer0[0] ? 1e3 * (timer1[1] - timer0[1]) / (timer1[0] - timer0[0]) : Double.NaN;
        long total = 0;
        long failures = 0;
        for (int c = 0; c < clients; c++) {
            total += counts[c * 2];
            failures += counts[c * 2 + 1];
        }
        long[] allLat = new long[(int) total];
        long[] allAge = new long[(int) total];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            int n = (int) counts[c * 2];
            System.arraycopy(lats.get(c), 0, allLat, k, n);
            System.arraycopy(ages.get(c), 0, allAge, k, n);
            k += n;
        }
        Arrays.sort(allLat);
        Arrays.sort(allAge);
        return new Result(clients, total, failures, wall, allLat, allAge,
                d(m1, m0, "mistyproxy_camera_encodes_total"), d(m1, m0, "mistyproxy_camera_frames_captured_total"),
                d(m1, m0, "mistyproxy_camera_capture_seconds_total"), d(m1, m0, "mistyproxy_camera_encode_seconds_total"), cpu,
                serverMeanMs);
    }

    static double d(Map<String, Double> m1, Map<String, Double> m0, String k) {
        return m1.getOrDefault(k, 0.0) - m0.getOrDefault(k, 0.0);
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    /** utime + stime of the server process, from /proc/PID/stat (clock ticks, 100 per second on Linux). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static final Pattern SNAPSHOT_TIMER = Pattern.compile(
            "^mistyproxy_camera_snapshot_latency_seconds_(count|sum)\\{[^}]*outcome=\"ok\"[^}]*\\} ([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    /** The server's own snapshot handling timer: {count, seconds}, summed over formats. */
    static double[] serverTimer() throws Exception {
        Matcher m = SNAPSHOT_TIMER.matcher(send("GET", "/metrics"));
        double[] out = new double[2];
        while (m.find()) out[m.group(1).equals("count") ? 0 : 1] += Double.parseDouble(m.group(2));
        return out;
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
