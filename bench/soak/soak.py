"""Soak benchmark of mistyproxy (see run.sh for what it does). Prints a table; exit 1 if any
acknowledged change was lost."""
import argparse, hashlib, os, random, re, select, shutil, signal, socket, subprocess, sys, tempfile, threading, time, uuid
import json

import requests
import websocket

OWNER = "soak-owner-" + uuid.uuid4().hex
BORROWER = "soak-borrower-" + uuid.uuid4().hex
WAITER = "soak-waiter-" + uuid.uuid4().hex


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
    def __init__(self, jar, config, log, port):
        self.jar, self.config, self.log, self.port = jar, config, log, port
        self.proc = None
        # Set while the server answers; cleared from the kill until the check after the restart,
        # so that no change is made (and acknowledged) while the survivors are being counted.
        self.up = threading.Event()

    def start(self):
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(["java", "-jar", self.jar, "serve", "--config", self.config],
                                     stdout=out, stderr=out)
        wait_http("http://127.0.0.1:%d/healthz" % self.port)

    def kill9(self):
        self.up.clear()
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

    def live_heap_mb(self):
        """Heap in use right after a full collection (jcmd from the same JDK): what the server really
        holds, which RSS (sized by the JVM's lazy default heap) does not tell."""
        jcmd = os.path.join(os.path.dirname(os.path.realpath(shutil.which("java"))), "jcmd")
        subprocess.run([jcmd, str(self.proc.pid), "GC.run"], capture_output=True, timeout=60)
        info = subprocess.run([jcmd, str(self.proc.pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
        m = re.search(r"used (\d+)K", info)
        return int(m.group(1)) / 1024.0 if m else float("nan")


class Api:
    """Control-API calls of one user. A call the server never answered (it was killed under it)
    returns None: its change is not acknowledged, whatever became of it."""

    def __init__(self, base, token, latencies, up):
        self.base, self.token, self.latencies, self.up = base, token, latencies, up
        self.http = requests.Session()

    def call(self, method, path, body=None):
        self.up.wait()
        t = time.perf_counter()
        try:
            r = self.http.request(method, self.base + path, json=body, timeout=30,
                                  headers={"Authorization": "Bearer " + self.token})
        except requests.RequestException:
            self.http = requests.Session()
            return None
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


class Acked:
    """Every change the API acknowledged, by kind. Guarded by one lock: the churn, the governance
    thread and the killer read and write it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.instances = {}     # iid -> "INIT" (created), "INIT_FAIL" or "TERMINATED"
        self.rules = {}         # rule id -> True (present) / False (deleted)
        self.reservations = {}  # reservation id -> True (waiting) / False (cancelled)
        self.lockout = None     # the last acknowledged lock state of deployment A
        self.count = 0

    def set(self, kind, key, value):
        with self.lock:
            getattr(self, kind)[key] = value
            self.count += 1

    def snapshot(self):
        with self.lock:
            return dict(self.instances), dict(self.rules), dict(self.reservations), self.lockout

    def lost(self, owner, bea, waiter, dep_a):
        """Acknowledged changes the server does not show now (0 unless something was lost)."""
        instances, rules, reservations, lockout = self.snapshot()
        lost = []
        for iid, st in instances.items():
            r = bea.call("GET", "/instance/" + iid)
            cur = r.json().get("status") if r is not None and r.status_code == 200 else None
            if cur is None or (st in ("TERMINATED", "INIT_FAIL") and cur != st):
                lost.append("instance %s: acknowledged %s, now %s" % (iid, st, cur))
        listed = {r["id"] for r in owner.call("GET", "/deployment/%s/rules" % dep_a).json()["rules"]}
        for rid, present in rules.items():
            if present != (rid in listed):
                lost.append("rule %s: acknowledged %s" % (rid, "added" if present else "deleted"))
        waiting = {r["id"] for r in waiter.call("GET", "/reservations").json()["reservations"]}
        for rid, present in reservations.items():
            if present != (rid in waiting):
                lost.append("reservation %s: acknowledged %s" % (rid, "waiting" if present else "cancelled"))
        if lockout is not None and owner.call("GET", "/deployment/" + dep_a).json().get("lockout") != lockout:
            lost.append("lock-out of A: acknowledged %s" % lockout)
        return lost


def governance(owner, waiter, dep_a, acked, stop):
    """The owner's and a waiting borrower's side, all the time, on the busy deployment A: access
    rules added and deleted, A locked and unlocked, reservations made and cancelled."""
    n = 0
    while not stop.is_set():
        n += 1
        r = owner.call("POST", "/deployment/%s/rule" % dep_a, {"cap": "CAP_INSTANTIATE", "user": "*"})
        if r is not None and r.status_code == 200:
            acked.set("rules", r.json()["rule_id"], True)
        if n % 3 == 0:
            with acked.lock:
                present = [k for k, v in acked.rules.items() if v]
            if present:
                rid = present[0]
                r = owner.call("DELETE", "/deployment/%s/rule/%s" % (dep_a, rid))
                if r is not None and r.status_code == 200:
                    acked.set("rules", rid, False)
        locking = n % 2 == 1
        r = owner.call("POST" if locking else "DELETE", "/deployment/%s/lockout" % dep_a,
                       {"reason": "soak %d" % n} if locking else None)
        if r is not None and r.status_code == 200:
            with acked.lock:
                acked.lockout = locking
                acked.count += 1
        if not locking:  # a reservation is taken while A is unlocked (and busy with its holder)
            r = waiter.call("POST", "/new/" + dep_a, {"reserve": True})
            if r is not None and r.status_code == 200 and r.json().get("success") is False:
                acked.set("reservations", r.json()["id"], True)
        if n % 4 == 0:
            with acked.lock:
                waiting = [k for k, v in acked.reservations.items() if v]
            if waiting:
                r = waiter.call("DELETE", "/reservation/" + waiting[0])
                if r is not None and r.status_code == 200:
                    acked.set("reservations", waiting[0], False)
        stop.wait(0.05)


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
    stop = threading.Event()
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
            # The control-API rate limit is raised: the script is three users calling as fast as
            # they can, which the default (300/min per token) would rightly refuse.
            f.write("""listen: {host: 127.0.0.1, port: %d}
data_dir: %s/data
control_api: {rate_limit: 9999999/min}
users:
  - {name: olive, role: owner, token_sha256: %s}
  - {name: bea, role: user, token_sha256: %s}
  - {name: cal, role: user, token_sha256: %s}
deployments:
  - id: %s
    type: soak_a
    robot: 127.0.0.1:%d
    quotas: {connections: 512, pubsub_sockets: 256, subscriptions: 512, ws_messages_per_second: 1000}
  - id: %s
    type: soak_b
    robot: 127.0.0.1:%d
    health: {auto_lock: false}
""" % (ports["proxy"], work, sha(OWNER), sha(BORROWER), sha(WAITER), dep_a, ports["sim_a"], dep_b, ports["sim_b"]))
        base = "http://127.0.0.1:%d" % ports["proxy"]
        server = Server(a.jar, config, os.path.join(work, "server.log"), ports["proxy"])
        server.start()
        server.up.set()
        lat = []
        owner = Api(base, OWNER, lat, server.up)
        bea = Api(base, BORROWER, lat, server.up)
        cal = Api(base, WAITER, lat, server.up)
        journal = os.path.join(work, "data", "instances.jsonl")

        # the long-lived instance on A and its sockets
        holder = owner.call("POST", "/new/" + dep_a, {}).json()["id"]
        while owner.call("GET", "/instance/" + holder).json()["status"] != "READY":
            time.sleep(0.05)
        url = owner.call("POST", "/addon/mistyproxy/" + holder).json()["url"][1]
        ws_url = url.replace("http", "ws", 1) + "/pubsub"
        sockets = {}
        sockets["nonreaders"], readers = open_sockets(ws_url, a.sockets, a.nonreaders)
        counts = [0]
        threading.Thread(target=reader, args=(readers, stop, counts), daemon=True).start()
        heap_start = server.live_heap_mb()

        acked = Acked()
        threading.Thread(target=governance, args=(owner, cal, dep_a, acked, stop), daemon=True).start()
        samples = []
        kill = {"at": None, "lost_after_restart": None, "acked_before": 0, "down_s": 0.0}

        def killer(at):
            # kill -9 while the churn and the governance calls are in flight, restart on the same
            # data_dir, and count what the API had acknowledged before the kill and is gone now
            time.sleep(random.uniform(0, 0.3))
            t = time.time()
            server.kill9()
            kill["at"] = at
            with acked.lock:
                kill["acked_before"] = acked.count
            for w in sockets["nonreaders"] + readers:
                w.connected = False
            server.start()
            kill["down_s"] = time.time() - t
            # counted before anyone may change anything again: the others wait on server.up
            always = threading.Event()
            always.set()
            ow, be, ca = (Api(base, tok, [], always) for tok in (OWNER, BORROWER, WAITER))
            kill["lost_after_restart"] = acked.lost(ow, be, ca, dep_a)
            # the holder's URL survives the restart: reopen the sockets on it
            sockets["nonreaders"], readers[:] = open_sockets(ws_url, a.sockets, a.nonreaders)
            server.up.set()

        faults = ["{\"failStatus\": 500}", "{\"latencyMs\": 200}", None]
        start = time.time()
        done = 0
        kill_thread = None
        sim_b = "http://127.0.0.1:%d/_sim" % ports["sim_b"]
        i = 0
        prepared = -1
        while i < a.lifecycles:
            if time.time() - start > a.max_seconds:
                print("soak: stopped at the time bound after %d lifecycles" % i)
                break
            if i == prepared:
                pass  # a retry of lifecycle i (the kill came under it): its set-up is done
            elif i % 50 == 0:
                f = faults[(i // 50) % len(faults)]
                if f:
                    requests.put(sim_b + "/faults", data=f, headers={"Content-Type": "application/json"}, timeout=5)
                else:
                    requests.delete(sim_b + "/faults", timeout=5)
                    requests.post(sim_b + "/faults/close-websockets?code=1011&reason=soak", timeout=5)
            if i % 100 == 0 and i != prepared and server.up.is_set():
                samples.append((i, server.rss_mb(), server.fds()))
            prepared = i
            if i == a.lifecycles // 2 and kill_thread is None:
                kill_thread = threading.Thread(target=killer, args=(i,), daemon=True)
                kill_thread.start()
            r = bea.call("POST", "/new/" + dep_b, {"expire_d": 600})
            if r is None:
                continue  # killed under it: not acknowledged; try again once the server is back
            if r.status_code != 200:
                # B is held by an instance whose create was not acknowledged (the kill): end it
                mine = bea.call("GET", "/instances")
                for iid in (mine.json().get("workspace_instances", []) if mine is not None and mine.status_code == 200 else []):
                    t = bea.call("POST", "/terminate/" + iid)
                    if t is not None and t.status_code == 200:
                        acked.set("instances", iid, "TERMINATED")
                continue
            iid = r.json()["id"]
            acked.set("instances", iid, "INIT")
            status = "INIT"
            for _ in range(200):
                s = bea.call("GET", "/instance/" + iid)
                status = s.json()["status"] if s is not None else status
                if status != "INIT":
                    break
                time.sleep(0.02)
            if status == "INIT_FAIL":
                acked.set("instances", iid, "INIT_FAIL")
                done += 1
                i += 1
                continue
            p = bea.call("POST", "/addon/mistyproxy/" + iid)
            if p is not None and p.status_code == 200:
                try:
                    requests.get(p.json()["url"][1] + "/api/battery", timeout=5)
                except requests.RequestException:
                    pass
            t = bea.call("POST", "/terminate/" + iid)
            if t is not None and t.status_code == 200:
                acked.set("instances", iid, "TERMINATED")
            done += 1
            i += 1
        if kill_thread:
            kill_thread.join()
        stop.set()
        time.sleep(0.2)  # the governance thread's last call
        server.up.set()
        samples.append((done, server.rss_mb(), server.fds()))
        elapsed = time.time() - start
        heap_end = server.live_heap_mb()
        lost_end = acked.lost(owner, bea, cal, dep_a)
        events = counts[0]
        journal_kb = os.path.getsize(journal) / 1024.0
        print()
        print("| measure | value |")
        print("|---|---|")
        print("| lifecycles completed (B, robot faults on) | %d in %.0f s |" % (done, elapsed))
        print("| kill -9 | at lifecycle %s with calls in flight; back in %.1f s; %d changes acknowledged before it |" % (
            kill["at"], kill["down_s"], kill["acked_before"]))
        print("| /pubsub sockets on A (non-readers) | %d (%d); events read by the readers: %d |" % (a.sockets, a.nonreaders, events))
        for (n, rss, fds) in samples:
            print("| RSS / open fds at lifecycle %d | %.0f MB / %d |" % (n, rss, fds))
        print("| live heap after a full GC, start / end | %.1f MB / %.1f MB |" % (heap_start, heap_end))
        with acked.lock:
            kinds = (len(acked.instances), len(acked.rules), len(acked.reservations), acked.count)
        print("| acknowledged changes | %d (instances %d, access rules %d, reservations %d, the rest lock-outs and ends) |" % (
            kinds[3], kinds[0], kinds[1], kinds[2]))
        print("| journal size at the end | %.1f KiB |" % journal_kb)
        print("| control calls | %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms |" % (
            len(lat), percentile(lat, 50), percentile(lat, 99), max(lat)))
        after = kill["lost_after_restart"]
        print("| lost acknowledged changes after the restart / at the end | %s / %d |" % (
            "n/a" if after is None else len(after), len(lost_end)))
        for line in (after or []) + lost_end:
            print("lost: " + line)
        for w in sockets["nonreaders"] + readers:
            try:
                w.close()
            except Exception:
                pass
        return 1 if (after or lost_end) else 0
    finally:
        stop.set()
        if server:
            server.up.set()
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
