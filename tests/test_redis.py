"""One app node with its state in Redis, for real (issue 20): a redis-server of its own on
loopback, gunicorn with 4 sync workers (as `make run`), the job worker as its own process.

- Rate limits are counted in Redis: a client gets the limit, not 4 times it, whichever worker
  answers (with the default memory:// storage each worker counts alone).
- A revoked token is refused by every worker from the moment `revoke-tokens` returns.
- An export asked of the web node runs in the worker through the Redis queue, and its file is
  served by the node.

Under CI=true these never skip (.ci/run installs redis-server).
"""

import os
import threading
import time

import pytest

from .deploy import REDIS, Deployment, request

pytestmark = pytest.mark.skipif(
    not os.path.exists(REDIS) and os.environ.get("CI") != "true",
    reason="needs redis-server (apt-get install redis-server)")

LIMIT = 40  # API requests per token per minute, for this node


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    with Deployment(tmp_path_factory.mktemp("redis-node")) as deployment:
        redis = deployment.redis()
        deployment.env.update(RATELIMIT_STORAGE_URI=redis, JOBS_REDIS_URL=redis)
        (deployment.tmp / "instance" / "config.py").write_text(
            f'RATELIMIT_API_TOKEN = "{LIMIT}/minute"\n')
        port = deployment.node(workers=4)
        yield deployment, port


def _at_once(port: int, token: str, count: int, clients: int = 8) -> list[int]:
    """``count`` GET /api/v1/sessions from ``clients`` threads at once, each on a new
    connection: the 4 sync workers all take some. Their statuses."""
    statuses, lock = [], threading.Lock()

    def client(n):
        for _ in range(n):
            status = request(port, "GET", "/api/v1/sessions", token=token)[0]
            with lock:
                statuses.append(status)
    shares = [count // clients + (1 if i < count % clients else 0) for i in range(clients)]
    threads = [threading.Thread(target=client, args=(n,)) for n in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_a_client_gets_the_limit_not_four_times_it(node):
    deployment, port = node
    statuses = _at_once(port, deployment.data["viewers"]["limited"], 3 * LIMIT)
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == 2 * LIMIT, statuses


def test_a_revoked_token_is_refused_by_every_worker_at_once(node):
    deployment, port = node
    token = deployment.data["viewers"]["revoked"]
    # Every worker has answered for this token (and kept its copies) before the revoke.
    assert set(_at_once(port, token, 12)) == {200}
    deployment.flask("revoke-tokens", "revoked")
    assert set(_at_once(port, token, 16)) == {401}


def test_an_export_runs_in_the_worker_through_the_redis_queue(node):
    deployment, port = node
    log = deployment.worker()
    data = deployment.data
    status, headers, body = request(port, "POST", f"/api/v1/sessions/{data['session']}/exports",
                                    token=data["token"],
                                    body={"what": "summary", "format": "csv"})
    assert status == 202, body
    job = _done(port, data["token"], dict(headers)["Location"])
    assert job["state"] == "done", job
    status, _, csv = request(port, "GET", job["download"], token=data["token"])
    assert status == 200 and "Địa điểm" in csv.decode("utf-8-sig")
    assert "on RedisHuey" in log.read_text()  # not the SQLite queue of the instance folder


def _done(port: int, token: str, location: str, seconds: float = 60) -> dict:
    import json

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, body = request(port, "GET", location, token=token)
        assert status == 200, body
        job = json.loads(body)
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(1.0)
    raise AssertionError(f"job not finished within {seconds} s: {job}")
