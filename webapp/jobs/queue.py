"""The huey queue of this app: SQLite in the instance folder, or Redis (JOBS_REDIS_URL).

The queue carries only job ids; everything else (what, for whom, progress, the result) is the
job's row in the database, which every process shares.
"""

import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey, crontab


def init_app(app) -> None:
    url = os.environ.get("JOBS_REDIS_URL") or app.config.get("JOBS_REDIS_URL")
    immediate = bool(app.config["JOBS_IMMEDIATE"])
    if url and not immediate:
        huey = RedisHuey("diemcau", url=url)
    else:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("diemcau", filename=str(Path(app.instance_path) / "jobs-queue.sqlite3"),
                          immediate=immediate)
    app.extensions["diemcau.huey"] = huey

    from . import runner, sweep

    @huey.task(name="run_job")
    def run_job(job_id: str) -> None:
        runner.run(app, job_id)

    @huey.task(name="refresh_cascade")
    def refresh_cascade(session_id: int) -> None:
        runner.refresh_cascade(app, session_id)

    @huey.periodic_task(crontab(minute="*/10"), name="sweep")
    def sweep_old() -> None:
        sweep.sweep(app)

    app.extensions["diemcau.run_job"] = run_job
    app.extensions["diemcau.refresh_cascade"] = refresh_cascade


def enqueue(app, job_id: str) -> None:
    app.extensions["diemcau.run_job"](job_id)


def refresh_cascade(app, session_id: int) -> None:
    """Recompute a session's kept outcome cascade in the background (attendance.outcomes.kept)."""
    app.extensions["diemcau.refresh_cascade"](session_id)


def huey_of(app):
    return app.extensions["diemcau.huey"]
