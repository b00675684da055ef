"""/metrics: closed without METRICS_TOKEN, refused without its Bearer, and counting what the
operator watches (check-ins by outcome and code, batch sizes, latency, jobs)."""

from datetime import datetime, timezone

from attendance.accounts import users as accounts
from attendance.checkin import tokens

from .factories import NOW


def test_metrics_need_the_configured_token(app, client):
    assert client.get("/metrics").status_code == 404  # no token configured: not served
    app.config["METRICS_TOKEN"] = "s3cret-scrape"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def _value(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_check_ins_and_jobs_are_counted(app, client, db, make_session, make_person, make_user):
    app.config["METRICS_TOKEN"] = "s3cret-scrape"
    scrape = {"Authorization": "Bearer s3cret-scrape"}
    session = make_session(now=datetime.now(timezone.utc))
    person = make_person(session)
    user = make_user()
    headers = {"Authorization": f"Bearer {accounts.issue_api_token(db, user, now=NOW)}"}
    db.commit()
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")
    token = tokens.card_token(key, session.id, person.id, person.card_version)
    accepted = 'diemcau_checkins_total{code="ok",outcome="accepted",venue_kind="hall"}'
    forged = 'diemcau_checkins_total{code="bad_signature",outcome="rejected",venue_kind="hall"}'
    before = client.get("/metrics", headers=scrape).get_data(as_text=True)
    items = [{"nonce": "m-1", "token": token, "venue_id": session.venues[0].id},
             {"nonce": "m-2", "token": token[:-3] + "xyz", "venue_id": session.venues[0].id}]
    answer = client.post(f"/api/v1/sessions/{session.id}/checkins", json={"items": items},
                         headers=headers)
    assert [r["outcome"] for r in answer.get_json()["results"]] == ["accepted", "rejected"]
    client.post(f"/api/v1/sessions/{session.id}/exports",
                json={"what": "posters", "format": "pdf"}, headers=headers)
    after = client.get("/metrics", headers=scrape)
    assert after.headers["Content-Type"].startswith("text/plain")
    text = after.get_data(as_text=True)
    assert _value(text, accepted) == _value(before, accepted) + 1
    assert _value(text, forged) == _value(before, forged) + 1
    assert _value(text, "diemcau_checkin_batch_size_bucket{le=\"2.0\"}") >= 1
    assert 'diemcau_http_request_duration_seconds_bucket{family="api/checkins"' in text
    assert _value(text, 'diemcau_jobs{state="queued"}') == 0
    assert "diemcau_job_seconds_max_recent" in text and "diemcau_jobs_failed_recent 0.0" in text


def test_route_families_are_the_apps_own_words(app):
    from webapp.metrics import _Timing

    timing = app.wsgi_app
    while not isinstance(timing, _Timing):
        timing = timing.wsgi_app
    assert timing.family("/api/v1/sessions/7/checkins") == "api/checkins"
    assert timing.family("/sessions/7/dashboard") == "dashboard"
    assert timing.family("/c/abc123") == "c"
    assert timing.family("/healthz") == "healthz"
    assert timing.family("/wp-admin/x.php") == "other"  # no label per scanner's guess
    assert timing.family("/sessions/7/x" + "y" * 50) == "other"
