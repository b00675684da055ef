"""Two app nodes behave as one (issue 20): two gunicorn instances on two ports, on the same
PostgreSQL and the same Redis (rate limits, job queue), the job worker as its own process and
nginx from Debian in front of both (README: Several app nodes).

- Each card is sent to both nodes at once, and again through nginx: exactly one scan per
  person is accepted, the others answer "duplicate", and one attendance row per person.
- A job asked of node A is seen running and done on node B, which serves its file.
- A token revoked on node A's users page is refused by node B (and through nginx) at once.
"""

import json
import os
import threading
import time
from datetime import datetime, timezone

import pytest

from .deploy import NGINX, REDIS, Deployment, csrf, request

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not (os.path.exists(REDIS) and os.path.exists(NGINX)) and os.environ.get("CI") != "true",
        reason="needs redis-server and nginx (apt-get install redis-server nginx)"),
]


@pytest.fixture
def nodes(tmp_path):
    with Deployment(tmp_path) as deployment:
        redis = deployment.redis()
        # As on separate machines: each node and the worker with its own instance folder,
        # sharing the database, Redis and the jobs' folder only.
        deployment.env.update(RATELIMIT_STORAGE_URI=redis, JOBS_REDIS_URL=redis,
                              JOBS_FOLDER=str(tmp_path / "shared-jobs"))
        a, b = deployment.nodes(2, workers=2, own_instance=True)
        front = deployment.nginx([a, b])
        yield deployment, a, b, front


def _scan(port: int, data: dict, person_id: str, nonce: str) -> dict:
    item = {"nonce": nonce, "token": data["cards"][person_id], "venue_id": data["venue"],
            "scanned_at": datetime.now(timezone.utc).isoformat()}
    status, _, body = request(port, "POST", f"/api/v1/sessions/{data['session']}/checkins",
                              token=data["token"], body={"items": [item]})
    assert status == 200, body
    return json.loads(body)["results"][0]


def test_two_nodes_behind_nginx_behave_as_one(nodes):
    deployment, a, b, front = nodes
    data = deployment.data
    people = sorted(data["cards"], key=int)[:40]

    # Check-ins: every card at both nodes at the same moment, then once more through nginx.
    outcomes: dict[str, list[str]] = {p: [] for p in people}
    lock = threading.Lock()

    def door(port: int, tag: str, share: list[str]) -> None:
        for person in share:
            outcome = _scan(port, data, person, f"{tag}-{person}")["outcome"]
            with lock:
                outcomes[person].append(outcome)
    threads = [threading.Thread(target=door, args=(port, f"{port}-{i}", people[i::2]))
               for port in (a, b) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for person in people:
        outcomes[person].append(_scan(front, data, person, f"front-{person}")["outcome"])
    assert all(sorted(o) == ["accepted", "duplicate", "duplicate"] for o in outcomes.values()), \
        outcomes
    session = data["session"]
    assert deployment.count(f"SELECT count(*) FROM attendances WHERE session_id = {session}") \
        == len(people)
    assert deployment.count(f"SELECT count(DISTINCT person_id) FROM attendances "
                            f"WHERE session_id = {session}") == len(people)

    # A job asked of node A, watched and downloaded on node B.
    deployment.worker(own_instance=True)
    status, headers, body = request(a, "POST", f"/api/v1/sessions/{session}/exports",
                                    token=data["token"], body={"what": "summary",
                                                               "format": "xlsx"})
    assert status == 202, body
    job = _finished_on(b, data["token"], dict(headers)["Location"])
    assert job["state"] == "done", job
    status, _, xlsx = request(b, "GET", job["download"], token=data["token"])
    assert status == 200 and xlsx[:2] == b"PK"

    # A token revoked on node A is refused by node B at once, and through nginx.
    for port in (a, b, front):
        assert request(port, "GET", "/api/v1/sessions", token=data["token"])[0] == 200
    browser = deployment.sign_in(a)
    page = browser.get(f"/users/{data['user_id']}")[2].decode()
    token_id = deployment.count(f"SELECT id FROM api_tokens WHERE user_id = {data['user_id']}")
    status = browser.post(f"/users/{data['user_id']}/tokens/{token_id}/revoke",
                          {"csrf_token": csrf(page)})[0]
    assert status == 302
    for port in (b, a, front, front):
        assert request(port, "GET", "/api/v1/sessions", token=data["token"])[0] == 401


def _finished_on(port: int, token: str, location: str, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, body = request(port, "GET", location, token=token)
        assert status == 200, body
        job = json.loads(body)
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job not finished within {seconds} s: {job}")
