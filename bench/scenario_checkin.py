"""Check-in throughput: single scans and batches of 100, each with fresh valid card tokens;
afterwards the attendance rows must equal the accepted answers."""

import json
import re
import subprocess
import sys
import time

from run import BIN, ROOT, Figures, parse_wrk, scenario

# Fresh tokens per wrk thread and second of load: 1.5 to 2 times what this machine uses.
PER_THREAD_SECOND = {1: 2_000, 100: 25_000}
THREADS = 2
BATCH = 100
_state = {"next": 0, "accepted": 0, "single": {}}


def _load(bench) -> dict:
    if "load" not in _state:
        count = THREADS * sum(PER_THREAD_SECOND.values()) * bench.planned_seconds
        tokens_file = str(bench.env["DIEMCAU_INSTANCE"]) + "/tokens.txt"
        done = subprocess.run([str(BIN / "python"), str(bench.here / "make_checkin_load.py"),
                               str(count), tokens_file], cwd=ROOT, env=bench.env,
                              capture_output=True, text=True, check=True)
        _state["load"] = json.loads(done.stdout.strip().splitlines()[-1])
    return _state["load"]


def _run(bench, connections: int, batch: int) -> tuple[Figures, int]:
    load = _load(bench)
    per_thread = PER_THREAD_SECOND[batch] * bench.duration
    env = {"TOKENS": load["tokens_file"], "FIRST": str(_state["next"]),
           "PER_THREAD": str(per_thread), "BATCH": str(batch), "VENUE": str(load["venue"]),
           "API_TOKEN": load["api_token"], "SESSION": str(load["session"])}
    _state["next"] += THREADS * per_thread
    command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{bench.duration}s",
               "--timeout", "10s", "--latency", "-s", str(bench.here / "checkin.lua"),
               bench.base_url + "/api/v1/"]
    assert bench.base_url.startswith("http://127.0.0.1:")
    done = subprocess.run(command, capture_output=True, text=True, check=True,
                          env={**bench.env, **env}, timeout=bench.duration + 60)
    outcomes = dict(re.findall(r"(\w+)=(\d+)", done.stdout.split("OUTCOMES", 1)[1]))
    accepted = int(outcomes["accepted"])
    if int(outcomes["exhausted"]) or int(outcomes["rejected"]):
        print(f"  warning: {outcomes}", file=sys.stderr)
    _state["accepted"] += accepted
    return parse_wrk(done.stdout), accepted


def _counts(bench, session_id: int) -> tuple[int, int, int]:
    """Attendance rows, accepted attempts and doubled people, read in one statement so that
    both counts come from the same snapshot."""
    (counts,) = bench.sql(
        "SELECT (SELECT count(*) FROM attendances WHERE session_id = :s), "
        "(SELECT count(*) FROM scan_attempts WHERE session_id = :s AND outcome = 'accepted'), "
        "(SELECT count(*) FROM (SELECT person_id FROM attendances WHERE session_id = :s "
        "GROUP BY person_id HAVING count(*) > 1) AS d)", s=session_id)
    return tuple(counts)


def _verify(bench) -> None:
    """Rows must equal the check-ins the server accepted, and no answer may claim more.
    wrk stops with requests in flight, which the server still finishes (it may accept a few
    whose answers nobody reads): wait until the counts stop moving, then compare."""
    session_id = _load(bench)["session"]
    counts, before = _counts(bench, session_id), None
    deadline = time.monotonic() + 30
    while counts != before and time.monotonic() < deadline:
        time.sleep(1)
        before, counts = counts, _counts(bench, session_id)
    rows, attempts, doubled = counts
    ok = rows == attempts and _state["accepted"] <= rows and doubled == 0
    print(f"  verify: {rows} attendance rows = {attempts} accepted scans recorded; "
          f"{_state['accepted']} accepted answers received; {doubled} doubled: "
          f"{'OK' if ok else 'MISMATCH'}", flush=True)


@scenario("check-in, 1 scan/request", prepare=_load)
def single(bench, connections: int) -> Figures:
    figures, _ = _run(bench, connections, 1)
    if not bench.warming_up:
        _state["single"][connections] = figures.requests_per_s
    return figures


@scenario("check-in, 100/request (scans/s)", prepare=_load)
def batched(bench, connections: int) -> Figures:
    figures, _ = _run(bench, connections, BATCH)
    scans = figures.requests_per_s * BATCH
    if not bench.warming_up:
        single_rate = _state["single"].get(connections)
        if single_rate:
            print(f"  batch of {BATCH}: {scans:.0f} scans/s = {scans / single_rate:.1f}× single",
                  flush=True)
        _verify(bench)
    return Figures(scans, figures.p50_ms, figures.p99_ms, figures.errors)
