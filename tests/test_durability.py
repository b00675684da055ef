"""Durability: gunicorn killed with SIGKILL in the middle of a burst of check-ins loses no
acknowledged check-in and doubles none; retried scans (same nonces) after the restart are
answered, not counted again. Also 200 concurrent clients mixing new, duplicate and replayed scans.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ON_POSTGRES, POSTGRES_URL
from tests.factories import SECRET_KEY

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """A database at head with a session, 600 people and an organizer token; a function that
    starts gunicorn on it (as `make run` serves) and returns (port, process)."""
    from webapp.config import _sqlalchemy_url

    instance = tmp_path / "instance"
    cleanup = None
    if ON_POSTGRES:
        schema = f"dur_{os.getpid()}_{int(time.time())}"
        engine = create_engine(_sqlalchemy_url(POSTGRES_URL))
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        from sqlalchemy.engine import make_url
        url = make_url(_sqlalchemy_url(POSTGRES_URL)).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)

        def cleanup():
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'durable.sqlite3'}"
    env = {**os.environ, "DIEMCAU_INSTANCE": str(instance), "DATABASE_URL": url,
           "SECRET_KEY": SECRET_KEY}
    subprocess.run([str(BIN / "flask"), "--app", "webapp", "init-db"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    setup = subprocess.run([sys.executable, "-c", _SETUP], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True)
    data = json.loads(setup.stdout.strip().splitlines()[-1])
    processes = []

    def start():
        port = _free_port()
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--no-control-socket", "-w", "2", "-b", f"127.0.0.1:{port}",
             "--log-level", "error", "webapp:create_app()"],
            cwd=ROOT, env=env, start_new_session=True)
        processes.append(process)
        deadline = time.monotonic() + 60  # a busy 2-core CI machine can take a while
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return port, process
            except OSError:
                time.sleep(0.1)
            finally:
                conn.close()
        raise RuntimeError("gunicorn did not start")

    def count(sql):
        engine = create_engine(_sqlalchemy_url(url))
        with engine.connect() as conn:
            value = conn.execute(text(sql)).scalar()
        engine.dispose()
        return value

    yield data, start, count
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
    if cleanup:
        cleanup()


_SETUP = """
import json
from datetime import datetime, timezone
from attendance.accounts import users as accounts
from attendance.checkin import tokens
from tests import factories
from webapp import create_app
from webapp.extensions import db
app = create_app()
with app.app_context():
    now = datetime.now(timezone.utc)
    session = factories.gen_session(db.session, now=now, checkin_window="open")
    people = [factories.gen_person(db.session, session) for _ in range(600)]
    user = factories.gen_user(db.session, role="organizer")
    token = accounts.issue_api_token(db.session, user, now=now)
    db.session.commit()
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")
    print(json.dumps({"session": session.id, "venue": session.venues[0].id, "token": token,
                      "cards": {p.id: tokens.card_token(key, session.id, p.id, 1)
                                for p in people}}))
"""


def _post(port, data, items, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", f"/api/v1/sessions/{data['session']}/checkins",
                     body=json.dumps({"items": items}),
                     headers={"Authorization": f"Bearer {data['token']}",
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200, (response.status, body[:300])
    return json.loads(body)["results"]


def _item(data, person_id, nonce):
    return {"nonce": nonce, "token": data["cards"][str(person_id)], "venue_id": data["venue"],
            "scanned_at": datetime.now(timezone.utc).isoformat()}


def test_sigkill_mid_burst_loses_no_acknowledged_checkin(served):
    data, start, count = served
    port, process = start()
    people = sorted(int(p) for p in data["cards"])
    acknowledged, unanswered = {}, []
    lock = threading.Lock()

    def client(share):
        for person_id in share:
            item = _item(data, person_id, f"kill-{person_id}")
            try:
                result = _post(port, data, [item], timeout=5)[0]
            except (OSError, http.client.HTTPException):
                with lock:
                    unanswered.append(item)
                continue
            with lock:
                acknowledged[person_id] = result["outcome"]

    threads = [threading.Thread(target=client, args=(people[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 150:  # mid-burst
        assert any(t.is_alive() for t in threads), "the burst ended before 150 answers"
        assert time.monotonic() < deadline, "fewer than 150 answers in two minutes"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)
    for thread in threads:
        thread.join()
    assert unanswered, "the kill came too late to test anything"
    accepted = {p for p, outcome in acknowledged.items() if outcome == "accepted"}
    assert len(accepted) >= 150

    rows_after_crash = count(f"SELECT count(*) FROM attendances WHERE session_id = {data['session']}")
    assert rows_after_crash >= len(accepted)  # nothing acknowledged was lost

    # Restart; devices retry what got no answer, with the same nonces.
    port, _ = start()
    retried = _post(port, data, unanswered)
    assert {r["outcome"] for r in retried} <= {"accepted", "duplicate"}
    # A person whose scan was written but not answered before the kill is "accepted" again
    # (the nonce's first answer), never counted twice.
    again = _post(port, data, [_item(data, p, f"kill-{p}") for p in sorted(accepted)[:50]])
    assert all(r["outcome"] == "accepted" for r in again)
    rows = count(f"SELECT count(*) FROM attendances WHERE session_id = {data['session']}")
    doubled = count("SELECT count(*) FROM (SELECT person_id FROM attendances "
                    "GROUP BY session_id, person_id HAVING count(*) > 1) AS d")
    assert rows == len(people) == len(acknowledged) + len(unanswered)
    assert doubled == 0


def test_200_concurrent_clients_mixing_new_duplicate_and_replayed_scans(served):
    data, start, count = served
    port, _ = start()
    people = sorted(int(p) for p in data["cards"])
    errors, outcomes = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(200)

    def client(n):
        person = people[n % 100]  # 100 people, two clients each: one new, one duplicate
        items = [_item(data, person, f"c{n}")]
        try:
            barrier.wait(30)
            first = _post(port, data, items, timeout=60)
            replay = _post(port, data, items, timeout=60)  # the same nonce again
            with lock:
                outcomes.append((first[0]["outcome"], replay[0]["outcome"]))
        except Exception as error:  # reported below
            with lock:
                errors.append(repr(error))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert all(first == replay for first, replay in outcomes)  # a replay changes nothing
    accepted = sum(1 for first, _ in outcomes if first == "accepted")
    duplicates = sum(1 for first, _ in outcomes if first == "duplicate")
    assert (accepted, duplicates) == (100, 100)
    rows = count(f"SELECT count(*) FROM attendances WHERE session_id = {data['session']}")
    assert rows == accepted
