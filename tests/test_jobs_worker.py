"""The real job worker: `flask --app webapp jobs-worker` in its own process takes a job that the
web queued (huey's SQLite queue in the instance folder) and the web then serves its file."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from attendance.accounts import users as accounts

from .factories import NOW


@pytest.fixture
def app_config(app_config):
    return dict(app_config, JOBS_IMMEDIATE=False)  # queued for the worker, not run at once


def test_the_worker_process_runs_a_queued_export(app, client, db, make_session, make_person,
                                                 make_user):
    session = make_session()
    make_person(session)
    user = make_user()
    headers = {"Authorization": f"Bearer {accounts.issue_api_token(db, user, now=NOW)}"}
    db.commit()
    job = client.post(f"/api/v1/sessions/{session.id}/exports",
                      json={"what": "cards", "format": "pdf"}, headers=headers).get_json()["job"]
    assert job["state"] == "queued"
    flask = Path(sys.executable).with_name("flask")
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY=app.config["SECRET_KEY"], DIEMCAU_INSTANCE=app.instance_path)
    worker = subprocess.Popen([str(flask), "--app", "webapp", "jobs-worker", "--workers", "1"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            state = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).get_json()
            if state["state"] in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGINT)  # huey's graceful stop
        try:
            output = worker.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0].decode()
    assert state["state"] == "done", output
    file = client.get(state["download"], headers=headers)
    assert file.data.startswith(b"%PDF")
    file.close()
