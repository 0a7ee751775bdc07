"""Soak benchmark of mistyproxy (see run.sh for what it does). Prints a table; exit 1 if any
acknowledged change was lost."""
import argparse, hashlib, json, os, select, shutil, signal, socket, subprocess, sys, tempfile, threading, time, uuid

import requests
import websocket

OWNER = "soak-owner-" + uuid.uuid4().hex
BORROWER = "soak-borrower-" + uuid.uuid4().hex


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_http(url, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("soak: %s never answered" % url)


class Server:
    def __init__(self, jar, config, log):
        self.jar, self.config, self.log = jar, config, log
        self.proc = None

    def start(self, port):
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(["java", "-jar", self.jar, "serve", "--config", self.config],
                                     stdout=out, stderr=out)
        wait_http("http://127.0.0.1:%d/healthz" % port)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def rss_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))


class Api:
    def __init__(self, base, token, latencies):
        self.base, self.token, self.latencies = base, token, latencies
        self.http = requests.Session()

    def call(self, method, path, body=None):
        t = time.perf_counter()
        r = self.http.request(method, self.base + path, json=body, timeout=30,
                              headers={"Authorization": "Bearer " + self.token})
        self.latencies.append((time.perf_counter() - t) * 1000)
        return r


def percentile(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def open_sockets(url, n, nonreaders):
    socks = []
    for i in range(n):
        ws = websocket.create_connection(url, timeout=10,
                                         sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),) if i < nonreaders else ())
        ws.send(json.dumps({"Operation": "subscribe", "Type": "TimeOfFlight", "DebounceMs": 100,
                            "EventName": "tof%d" % i}))
        socks.append(ws)
    return socks[:nonreaders], socks[nonreaders:]


def reader(readers, stop, counts):
    while not stop.is_set():
        live = [w for w in readers if w.connected]
        if not live:
            time.sleep(0.1)
            continue
        ready, _, _ = select.select([w.sock for w in live], [], [], 0.5)
        by_sock = {w.sock: w for w in live}
        for s in ready:
            try:
                by_sock[s].recv()
                counts[0] += 1
            except Exception:
                by_sock[s].connected = False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", required=True)
    ap.add_argument("--lifecycles", type=int, default=1000)
    ap.add_argument("--sockets", type=int, default=200)
    ap.add_argument("--nonreaders", type=int, default=20)
    ap.add_argument("--max-seconds", type=int, default=900)
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="mistyproxy-soak-")
    sims = []
    server = None
    try:
        ports = {k: free_port() for k in ("sim_a", "sim_b", "proxy")}
        for k in ("sim_a", "sim_b"):
            sims.append(subprocess.Popen(["java", "-jar", a.jar, "sim", "--port", str(ports[k])],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for k in ("sim_a", "sim_b"):
            wait_http("http://127.0.0.1:%d/_sim/state" % ports[k])
        dep_a, dep_b = str(uuid.uuid4()), str(uuid.uuid4())
        sha = lambda t: hashlib.sha256(t.encode()).hexdigest()
        config = os.path.join(work, "soak.yaml")
        with open(config, "w") as f:
            f.write("""listen: {host: 127.0.0.1, port: %d}
data_dir: %s/data
users:
  - {name: olive, role: owner, token_sha256: %s}
  - {name: bea, role: user, token_sha256: %s}
deployments:
  - id: %s
    type: soak_a
    robot: 127.0.0.1:%d
    quotas: {connections: 512, pubsub_sockets: 256, subscriptions: 512, ws_messages_per_second: 1000}
  - id: %s
    type: soak_b
    robot: 127.0.0.1:%d
""" % (ports["proxy"], work, sha(OWNER), sha(BORROWER), dep_a, ports["sim_a"], dep_b, ports["sim_b"]))
        base = "http://127.0.0.1:%d" % ports["proxy"]
        server = Server(a.jar, config, os.path.join(work, "server.log"))
        server.start(ports["proxy"])
        lat = []
        owner = Api(base, OWNER, lat)
        bea = Api(base, BORROWER, lat)
        journal = os.path.join(work, "data", "instances.jsonl")

        # the long-lived instance on A and its sockets
        holder = owner.call("POST", "/new/" + dep_a, {}).json()["id"]
        while owner.call("GET", "/instance/" + holder).json()["status"] != "READY":
            time.sleep(0.05)
        url = owner.call("POST", "/addon/mistyproxy/" + holder).json()["url"][1]
        ws_url = url.replace("http", "ws", 1) + "/pubsub"
        nonreaders, readers = open_sockets(ws_url, a.sockets, a.nonreaders)
        stop = threading.Event()
        counts = [0]
        threading.Thread(target=reader, args=(readers, stop, counts), daemon=True).start()

        acked = {}  # instance id -> last acknowledged status ("INIT" on create, "TERMINATED" on terminate)
        samples = []
        faults = ["{\"failStatus\": 500}", "{\"latencyMs\": 200}", None]
        start = time.time()
        killed_at = None
        done = 0
        sim_b = "http://127.0.0.1:%d/_sim" % ports["sim_b"]
        for i in range(a.lifecycles):
            if time.time() - start > a.max_seconds:
                print("soak: stopped at the time bound after %d lifecycles" % i)
                break
            if i % 50 == 0:
                f = faults[(i // 50) % len(faults)]
                if f:
                    requests.put(sim_b + "/faults", data=f, headers={"Content-Type": "application/json"}, timeout=5)
                else:
                    requests.delete(sim_b + "/faults", timeout=5)
                    requests.post(sim_b + "/faults/close-websockets?code=1011&reason=soak", timeout=5)
            if i % 100 == 0:
                samples.append((i, server.rss_mb(), server.fds()))
            if i == a.lifecycles // 2 and killed_at is None:
                # kill -9 in the middle of the churn: create, then kill before anything else happens
                r = bea.call("POST", "/new/" + dep_b, {"eurl": "https://example.org/hook"})
                if r.status_code == 200:
                    acked[r.json()["id"]] = "INIT"
                server.kill9()
                killed_at = i
                for w in nonreaders + readers:
                    w.connected = False
                server.start(ports["proxy"])
                bea.http = requests.Session()
                owner.http = requests.Session()
                # the holder's URL survives the restart: reopen the sockets on it
                nonreaders, readers[:] = open_sockets(ws_url, a.sockets, a.nonreaders)
                # an INIT left over must end before B is free again
                for iid, st in list(acked.items()):
                    if st != "TERMINATED":
                        cur = bea.call("GET", "/instance/" + iid).json().get("status")
                        if cur in ("READY", "INIT"):
                            if bea.call("POST", "/terminate/" + iid).status_code == 200:
                                acked[iid] = "TERMINATED"
            r = bea.call("POST", "/new/" + dep_b, {"expire_d": 600})
            if r.status_code != 200:
                continue
            iid = r.json()["id"]
            acked[iid] = "INIT"
            status = "INIT"
            for _ in range(200):
                status = bea.call("GET", "/instance/" + iid).json()["status"]
                if status != "INIT":
                    break
                time.sleep(0.02)
            if status == "INIT_FAIL":
                acked[iid] = "INIT_FAIL"
                done += 1
                continue
            p = bea.call("POST", "/addon/mistyproxy/" + iid)
            if p.status_code == 200:
                try:
                    requests.get(p.json()["url"][1] + "/api/battery", timeout=5)
                except requests.RequestException:
                    pass
            if bea.call("POST", "/terminate/" + iid).status_code == 200:
                acked[iid] = "TERMINATED"
            done += 1
        samples.append((done, server.rss_mb(), server.fds()))
        elapsed = time.time() - start

        # lost acknowledged changes: every acknowledged create is there, every acknowledged end holds
        lost = 0
        for iid, st in acked.items():
            r = bea.call("GET", "/instance/" + iid)
            if r.status_code != 200:
                lost += 1
                continue
            cur = r.json()["status"]
            if st == "TERMINATED" and cur != "TERMINATED":
                lost += 1
            if st == "INIT_FAIL" and cur != "INIT_FAIL":
                lost += 1
        stop.set()
        events = counts[0]
        journal_kb = os.path.getsize(journal) / 1024.0
        print()
        print("| measure | value |")
        print("|---|---|")
        print("| lifecycles completed (B, robot faults on) | %d in %.0f s (kill -9 at lifecycle %s, restarted) |" % (done, elapsed, killed_at))
        print("| /pubsub sockets on A (non-readers) | %d (%d); events read by the readers: %d |" % (a.sockets, a.nonreaders, events))
        for (i, rss, fds) in samples:
            print("| RSS / open fds at lifecycle %d | %.0f MB / %d |" % (i, rss, fds))
        print("| journal size at the end | %.1f KiB (%d instances acknowledged) |" % (journal_kb, len(acked)))
        print("| control calls | %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms |" % (
            len(lat), percentile(lat, 50), percentile(lat, 99), max(lat)))
        print("| lost acknowledged changes | %d |" % lost)
        for w in nonreaders + readers:
            try:
                w.close()
            except Exception:
                pass
        return 1 if lost else 0
    finally:
        if server:
            server.stop()
        for s in sims:
            s.terminate()
        for s in sims:
            try:
                s.wait(10)
            except subprocess.TimeoutExpired:
                s.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
