"""The morning of a province at the door: every kind of request the half hour before the start
brings, mixed, at that half hour's rates, with p50/p99 per kind and zero errors.

226 bridge points and 32,000 people (bench/morning_data.py), of whom about 90 % arrive in the
30 minutes before the start: 16 arrivals a second. The kinds and their rates (per second, at
×1; the scenario runs at ×1 and at ×4, the four-times-denser burst of a late crowd):

    scan       8     staff scanning cards one by one (the hall's four doors and 60 points)
    batch      0.2   a coordinator's phone back online, sending 20 queued scans (60 points)
    roll       2.4   a coordinator's tap on the roll, sent at once (60 points)
    self       1.6   a participant's own check-in: the form, then name + digits + code (2 requests)
    dashboard  2     ten organizers' live dashboards, refreshed every 5 s (?partial=1)
    point      4     120 coordinators' own point summary, every 30 s (summary API, venue_id)

Open loop: each request is due at its planned instant whether or not the server kept up, and
its latency counts from that instant (a server that falls behind shows it in p99 instead of
slowing the load down). The clients are `connections` threads. After each figure the
attendance rows must equal the accepted answers of every kind, nobody counted twice.
"""

import http.client
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from run import BIN, ROOT, Figures, scenario

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from attendance.checkin.tokens import presence_code  # noqa: E402
from scenario_dashboard import AGENT, sign_in  # noqa: E402

RATES = {"scan": 8.0, "batch": 0.2, "roll": 2.4, "self": 1.6, "dashboard": 2.0, "point": 4.0}
BATCH = 20
_state: dict = {}


@dataclass
class Kind:
    times: list = field(default_factory=list)  # seconds from due to answered
    errors: int = 0
    requests: int = 0
    accepted: int = 0  # check-ins recorded (scans of a batch one each)
    problems: Counter = field(default_factory=Counter)


class Client:
    """One HTTP exchange per connection (gunicorn's sync workers close it anyway)."""

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(base_url)
        assert parts.hostname == "127.0.0.1", "load only this machine"
        self.host, self.port = parts.hostname, parts.port

    def send(self, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> tuple[int, list[str], bytes]:
        """(status, Set-Cookie values, body)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, answer.msg.get_all("Set-Cookie") or [], answer.read()
        finally:
            connection.close()


class Morning:
    def __init__(self, bench, load: dict, cookie: str):
        self.client = Client(bench.base_url)
        self.load, self.cookie, self.session = load, cookie, load["session"]
        self.presence_key = bytes.fromhex(load["presence_key"])
        self.lock = threading.Lock()
        # Each person is checked in once by one kind: cursors into each kind's people.
        self.cursor = {kind: 0 for kind in RATES}
        self.kinds: dict[str, Kind] = {}
        self.nonce = 0

    def _next(self, kind: str, pools: list, take: int = 1):
        """(the pool's entry, ``take`` of its people) round-robin over the pools; None when
        the kind has nobody left."""
        with self.lock:
            for _ in range(len(pools)):
                index = self.cursor[kind] % len(pools)
                self.cursor[kind] += 1
                pool = pools[index]
                people = pool.setdefault("_left", list(pool.get("cards") or pool.get("people")))
                if people:
                    taken, pool["_left"] = people[:take], people[take:]
                    return pool, taken
            return None

    def _nonce(self) -> str:
        with self.lock:
            self.nonce += 1
            return f"morning-{self.session}-{time.time_ns()}-{self.nonce}"

    def _json(self, path: str, token: str, payload: dict) -> tuple[int, dict]:
        status, _, body = self.client.send(
            "POST", path, json.dumps(payload).encode(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        return status, json.loads(body) if body[:1] == b"{" else {}

    def _checkins(self, kind: str, take: int) -> tuple[bool, int, str]:
        picked = self._next(kind, self.load["scanners" if kind == "scan" else "batches"], take)
        if picked is None:
            return False, 0, "exhausted"
        pool, cards = picked
        scanned = datetime.now(timezone.utc).isoformat()
        status, answer = self._json(f"/api/v1/sessions/{self.session}/checkins", pool["token"], {
            "items": [{"nonce": self._nonce(), "token": card, "venue_id": pool["venue"],
                       "scanned_at": scanned} for card in cards]})
        outcomes = [r.get("outcome") for r in answer.get("results", [])]
        accepted = outcomes.count("accepted")
        problem = "" if status == 200 and accepted == len(cards) else \
            f"{status}:{','.join(sorted(set(o for o in outcomes if o != 'accepted')))}"
        return not problem, accepted, problem

    def scan(self):
        return self._checkins("scan", 1)

    def batch(self):
        return self._checkins("batch", BATCH)

    def roll(self):
        picked = self._next("roll", self.load["rolls"])
        if picked is None:
            return False, 0, "exhausted"
        pool, (person,) = picked
        status, answer = self._json(f"/api/v1/sessions/{self.session}/roll", pool["token"], {
            "items": [{"nonce": self._nonce(), "kind": "mark", "person_id": person,
                       "status": "present", "venue_id": pool["venue"]}]})
        result = (answer.get("results") or [{}])[0]
        ok = status == 200 and result.get("outcome") == "accepted"
        return ok, int(ok), "" if ok else f"{status}:{result.get('code')}"

    def self_check_in(self):
        picked = self._next("self", self.load["selves"])
        if picked is None:
            return False, 0, "exhausted"
        pool, ((name, digits),) = picked
        code = presence_code(self.presence_key, pool["venue"], datetime.now(timezone.utc))
        path = f"/c/{pool['code']}"
        status, cookies, body = self.client.send("GET", f"{path}?p={code}")
        page = body.decode()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page)
        if status != 200 or not csrf or not nonce:
            return False, 0, f"form {status}"
        cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
        form = urllib.parse.urlencode({"csrf_token": csrf[1], "nonce": nonce[1], "name": name,
                                       "digits": digits, "presence": code}).encode()
        status, _, body = self.client.send("POST", path, form, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        ok = status == 200
        return ok, int(ok), "" if ok else f"{status}"

    def dashboard(self):
        status, _, _ = self.client.send("GET", f"/sessions/{self.session}/dashboard?partial=1",
                                        headers={"Cookie": self.cookie, "User-Agent": AGENT})
        return status == 200, 0, "" if status == 200 else f"{status}"

    def point(self):
        with self.lock:
            pools = self.load["batches"] + self.load["rolls"]
            pool = pools[self.cursor["point"] % len(pools)]
            self.cursor["point"] += 1
        status, _, _ = self.client.send(
            "GET", f"/api/v1/sessions/{self.session}/summary?venue_id={pool['venue']}",
            headers={"Authorization": f"Bearer {pool['token']}"})
        return status == 200, 0, "" if status == 200 else f"{status}"

    def run(self, seconds: int, factor: float, threads: int) -> dict[str, Kind]:
        actions = {"scan": self.scan, "batch": self.batch, "roll": self.roll,
                   "self": self.self_check_in, "dashboard": self.dashboard, "point": self.point}
        rng = random.Random(len(self.kinds) + int(factor * 10))
        plan = []
        for kind, rate in RATES.items():
            gap, at = 1 / (rate * factor), rng.random() / (rate * factor)
            while at < seconds:
                plan.append((at, kind))
                at += gap
        plan.sort()
        kinds = {kind: Kind() for kind in RATES}

        def one(kind: str, due: float):
            try:
                ok, accepted, problem = actions[kind]()
            except (OSError, http.client.HTTPException, ValueError) as error:
                ok, accepted, problem = False, 0, type(error).__name__
            took = time.monotonic() - due
            with self.lock:
                record = kinds[kind]
                record.times.append(took)
                record.requests += 2 if kind == "self" else 1
                record.accepted += accepted
                if not ok:
                    record.errors += 1
                    record.problems[problem] += 1

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for at, kind in plan:
                delay = started + at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one, kind, started + at)
        return kinds


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def _prepare(bench) -> None:
    if _state:
        return
    out = Path(bench.env["DIEMCAU_INSTANCE"]) / "morning.json"
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "python"), str(HERE / "morning_data.py"), str(out)],
                          cwd=ROOT, env=bench.env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"morning set-up failed:\n{done.stderr[-3000:]}")
    load = json.loads(out.read_text())

    _state["morning"] = Morning(bench, load, sign_in(bench.base_url, load["organizer"],
                                                     load["password"]))
    _state["accepted"] = 0
    print(f"  morning of a province: {load['invited']:,} people at "
          f"{len(load['scanners']) + len(load['batches']) + len(load['rolls']) + len(load['selves'])}"
          f" venues acting, prepared in {time.perf_counter() - started:.0f} s", flush=True)


def _verify(bench, morning: Morning) -> str:
    """Attendance rows against the accepted check-ins of every kind (waiting for requests
    still in flight to land)."""
    query = ("SELECT (SELECT count(*) FROM attendances WHERE session_id = :s), "
             "(SELECT count(*) FROM (SELECT person_id FROM attendances WHERE session_id = :s "
             "GROUP BY person_id HAVING count(*) > 1) AS d)")
    counts, before, deadline = bench.sql(query, s=morning.session)[0], None, time.monotonic() + 30
    while counts != before and time.monotonic() < deadline:
        time.sleep(1)
        before, counts = counts, bench.sql(query, s=morning.session)[0]
    rows, doubled = counts
    ok = rows == _state["accepted"] and doubled == 0
    return (f"verify: {rows} attendance rows = {_state['accepted']} accepted check-ins; "
            f"{doubled} doubled: {'OK' if ok else 'MISMATCH'}")


def _morning(bench, connections: int, factor: float) -> Figures:
    _prepare(bench)
    morning: Morning = _state["morning"]
    kinds = morning.run(bench.duration, factor, connections)
    _state["accepted"] += sum(k.accepted for k in kinds.values())
    every = [t for k in kinds.values() for t in k.times]
    requests = sum(k.requests for k in kinds.values())
    errors = sum(k.errors for k in kinds.values())
    if not bench.warming_up:
        for name, kind in kinds.items():
            problems = ", ".join(f"{p} ×{n}" for p, n in kind.problems.most_common(3))
            print(f"    {name:<10} {len(kind.times):>6} done {len(kind.times) / bench.duration:>7.1f}/s"
                  f"  p50 {_quantile(kind.times, 0.5):8.1f} ms  p99 {_quantile(kind.times, 0.99):8.1f} ms"
                  f"  errors {kind.errors}{'  (' + problems + ')' if problems else ''}", flush=True)
        print(f"    {_verify(bench, morning)}", flush=True)
    return Figures(requests / bench.duration, _quantile(every, 0.5), _quantile(every, 0.99),
                   errors)


@scenario("morning ×1 (province, mixed)", prepare=_prepare)
def morning_once(bench, connections: int) -> Figures:
    return _morning(bench, connections, 1.0)


@scenario("morning ×4 (province, mixed)", prepare=_prepare)
def morning_four(bench, connections: int) -> Figures:
    return _morning(bench, connections, 4.0)
