"""/metrics in Prometheus format (prometheus_client): the numbers to watch on a morning.

- diemcau_checkins_total{outcome, code, venue_kind}: every scan answered (accepted, duplicate,
  rejected with its code), counted once per batch and key, not per scan;
- diemcau_checkin_batch_size: scans per check-in request (1 = a live scan, more = an offline
  queue being sent);
- diemcau_http_request_duration_seconds{family, method}: latency per route family (the word of
  the path after the session: api/checkins, api/roll, dashboard, c (self check-in), ...);
- diemcau_db_errors_total{kind}: connections lost and other database errors;
- diemcau_jobs{state}, diemcau_jobs_failed_recent, diemcau_job_seconds_max_recent,
  diemcau_job_queue_pending: read from the jobs table and the queue at scrape time, so they
  are right whichever process or node ran the jobs.

Under gunicorn every worker is a process: with PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py
sets it) the counters live in files there and a scrape adds them up over the workers.
The endpoint answers only a Bearer METRICS_TOKEN (404 when none is configured): it says how
busy each venue kind is, which is not for the public.
"""

import hmac
import os
import time
from collections import Counter as Tally
from datetime import datetime, timedelta, timezone

from flask import Response, abort, current_app, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest)
from prometheus_client.core import GaugeMetricFamily

CHECKINS = Counter("diemcau_checkins", "Scans answered by the check-in API",
                   ["outcome", "code", "venue_kind"])
BATCH_SIZE = Histogram("diemcau_checkin_batch_size", "Scans per check-in request",
                       buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500))
LATENCY = Histogram("diemcau_http_request_duration_seconds", "Request latency",
                    ["family", "method"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
DB_ERRORS = Counter("diemcau_db_errors", "Database errors answered", ["kind"])


def count_scans(results, kinds: list[str]) -> None:
    """``kinds[i]`` is the venue kind of the i-th scan ("" when its venue was unknown)."""
    BATCH_SIZE.observe(len(results))
    tally = Tally((r.outcome, r.code, kind) for r, kind in zip(results, kinds))
    for (outcome, code, kind), count in tally.items():
        CHECKINS.labels(outcome, code, kind or "unknown").inc(count)


def database_error(kind: str) -> None:
    DB_ERRORS.labels(kind).inc()


class JobsCollector:
    """Job figures from the database at scrape time (every node and worker writes there)."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        from sqlalchemy import func, select

        from attendance.jobs import queue_depth
        from attendance.models import FAILED, Job

        from .extensions import db
        from .jobs.queue import huey_of

        since = datetime.now(timezone.utc) - timedelta(hours=1)
        depth = queue_depth(db.session)
        states = GaugeMetricFamily("diemcau_jobs", "Background jobs waiting or running",
                                   labels=["state"])
        for state, count in depth.items():
            states.add_metric([state], count)
        yield states
        failed = db.session.scalar(select(func.count()).select_from(Job).where(
            Job.state == FAILED, Job.finished_at >= since))
        yield GaugeMetricFamily("diemcau_jobs_failed_recent", "Jobs failed in the last hour",
                                value=failed or 0)
        longest = 0.0
        for started, finished in db.session.execute(
                select(Job.started_at, Job.finished_at).where(Job.finished_at >= since)):
            if started and finished:
                longest = max(longest, (finished - started).total_seconds())
        yield GaugeMetricFamily("diemcau_job_seconds_max_recent",
                                "Longest job finished in the last hour, seconds", value=longest)
        try:
            pending = huey_of(self.app).pending_count()
        except Exception:  # the queue's store unreachable: say so by the figure's absence
            return
        yield GaugeMetricFamily("diemcau_job_queue_pending", "Tasks waiting in the job queue",
                                value=pending)


def metrics():
    token = current_app.config.get("METRICS_TOKEN") or ""
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(401)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (CHECKINS, BATCH_SIZE, LATENCY, DB_ERRORS):
            registry.register(collector)
    registry.register(JobsCollector(current_app._get_current_object()))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


class _Timing:
    """WSGI middleware timing every request: cheaper than Flask's before/after hooks (it is on
    every scan's path). The family is the request's route family from its path: the page or
    API word after the session (``api/checkins``, ``dashboard``, ``c`` for self check-in),
    only words that the app's own URL rules contain, so the labels stay few."""

    def __init__(self, wsgi_app, words: frozenset):
        self.wsgi_app, self.words = wsgi_app, words

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            LATENCY.labels(self.family(environ.get("PATH_INFO", "")),
                           environ.get("REQUEST_METHOD", "")).observe(
                time.perf_counter() - started)

    def family(self, path: str) -> str:
        parts = path.strip("/").split("/")
        api = parts[:2] == ["api", "v1"]
        if api:
            parts = parts[2:]
        if len(parts) >= 3 and parts[0] == "sessions" and parts[1].isdigit():
            word = parts[2]  # /sessions/<id>/<word>...
        else:
            word = parts[0] if parts and parts[0] else "home"
        word = word if word in self.words else "other"
        return f"api/{word}" if api else word


# The routes of the morning's alerts and console (deploy/prometheus/), timed from 0 as well.
WATCHED_ROUTES = (("api/checkins", "POST"), ("api/roll", "POST"), ("dashboard", "GET"),
                  ("c", "GET"), ("c", "POST"))


def _start_at_zero() -> None:
    """Every check-in outcome and refusal code of both venue kinds, at 0, and the watched
    routes' latency: a series that appears only at its first scan would hide that scan from
    Prometheus' increase() and rate() (an alert on forged cards would miss the first ones)."""
    from attendance.checkin.rule import REFUSALS

    for family, method in WATCHED_ROUTES:
        LATENCY.labels(family, method)

    for kind in ("hall", "bridge_point"):
        CHECKINS.labels("accepted", "ok", kind)
        CHECKINS.labels("duplicate", "already_checked_in", kind)
        for code in REFUSALS:
            CHECKINS.labels("rejected", code, kind)


def init_app(app) -> None:
    _start_at_zero()
    if os.environ.get("METRICS_TOKEN"):
        app.config["METRICS_TOKEN"] = os.environ["METRICS_TOKEN"]
    app.add_url_rule("/metrics", "metrics", metrics)
    words = frozenset(part for rule in app.url_map.iter_rules()
                      for part in rule.rule.strip("/").split("/") if part and "<" not in part)
    app.wsgi_app = _Timing(app.wsgi_app, words)
