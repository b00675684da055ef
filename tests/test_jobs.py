"""Background jobs: the rules of attendance.jobs without HTTP, then the exports API and the job
page through the test client (jobs run at once in the request: huey's immediate mode)."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from attendance import jobs
from attendance.errors import Forbidden, ValidationError
from attendance.models import DONE, FAILED, QUEUED, RUNNING, Job

from .factories import NOW


def test_an_export_is_checked_field_by_field_and_nothing_is_created(db, make_session,
                                                                    make_user):
    session, other = make_session(), make_session()
    organizer = make_user()
    for what, fmt, venue_id, field in [
            ("everything", "pdf", None, "what"), ("cards", "xlsx", None, "format"),
            ("cards", "pdf", other.venues[0].id, "venue_id"),
            ("summary", "csv", session.venues[0].id, "venue_id")]:
        with pytest.raises(ValidationError) as caught:
            jobs.create_export(db, session, what=what, fmt=fmt, venue_id=venue_id,
                               actor=organizer, now=NOW)
        assert set(caught.value.errors) == {field}
    assert db.query(Job).count() == 0


def test_who_may_run_an_export_follows_the_direct_downloads(db, make_session, make_user):
    session = make_session()
    viewer, staff = make_user(role="viewer"), make_user(role="staff", venue=session.venues[0])
    with pytest.raises(Forbidden):  # QR cards check people in: organizers only
        jobs.create_export(db, session, what="cards", fmt="pdf", venue_id=None, actor=viewer,
                           now=NOW)
    with pytest.raises(Forbidden):
        jobs.create_export(db, session, what="summary", fmt="csv", venue_id=None,
                           actor=staff, now=NOW)
    job = jobs.create_export(db, session, what="summary", fmt="csv", venue_id=None,
                             actor=viewer, now=NOW)
    assert (job.state, job.progress, job.expires_at) == (QUEUED, 0, NOW + jobs.KEEP)
    assert jobs.may_see(viewer, job) and not jobs.may_see(staff, job)


def test_a_job_is_started_once_and_progress_stays_below_done(db, make_session, make_user):
    session = make_session()
    job = jobs.create_export(db, session, what="posters", fmt="pdf", venue_id=None,
                             actor=make_user(), now=NOW)
    assert jobs.start(db, job.id, now=NOW).state == RUNNING
    assert jobs.start(db, job.id, now=NOW) is None  # a task delivered twice runs once
    jobs.progress(db, job.id, 250)
    db.refresh(job)
    assert job.progress == 99
    jobs.finish(db, job, file_name="x.pdf", now=NOW, result={"count": 3})
    assert (job.state, job.progress, jobs.result(job)) == (DONE, 100, {"count": 3})


def test_expired_jobs_are_listed_for_deletion(db, make_session, make_user):
    session = make_session()
    job = jobs.create_export(db, session, what="posters", fmt="pdf", venue_id=None,
                             actor=make_user(), now=NOW)
    assert jobs.expired(db, now=NOW + jobs.KEEP - timedelta(seconds=1)) == []
    assert jobs.expired(db, now=NOW + jobs.KEEP + timedelta(seconds=1)) == [job]


# ---- HTTP ---------------------------------------------------------------------------------

def test_cards_export_runs_and_its_file_downloads(app, client, db, bearer, make_session,
                                                  make_person, make_user):
    session = make_session()
    for _ in range(3):
        make_person(session)
    headers = bearer(make_user())
    answer = client.post(f"/api/v1/sessions/{session.id}/exports",
                         json={"what": "cards", "format": "pdf"}, headers=headers)
    assert answer.status_code == 202
    job = answer.get_json()["job"]
    assert set(job) == {"id", "state", "progress"}
    state = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).get_json()
    assert (state["state"], state["progress"], state["error"]) == ("done", 100, None)
    assert state["result"] == {"count": 3}
    file = client.get(state["download"], headers=headers)
    assert file.status_code == 200 and file.data.startswith(b"%PDF")
    assert "the-dai-bieu-hoi-nghi" in file.headers["Content-Disposition"]
    file.close()
    # Someone who may not print cards neither sees the job nor gets its file.
    viewer = bearer(make_user(role="viewer"))
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=viewer).status_code == 403
    assert client.get(state["download"], headers=viewer).status_code == 403
    assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 401


def test_summary_export_for_a_viewer_and_bad_requests(client, bearer, make_session,
                                                      make_user):
    session = make_session()
    viewer = bearer(make_user(role="viewer"))
    url = f"/api/v1/sessions/{session.id}/exports"
    answer = client.post(url, json={"what": "summary", "format": "xlsx"}, headers=viewer)
    state = client.get(f"/api/v1/jobs/{answer.get_json()['job']['id']}", headers=viewer)
    assert state.get_json()["state"] == "done"
    assert client.post(url, json={"what": "cards", "format": "pdf"},
                       headers=viewer).status_code == 403
    bad = client.post(url, json={"what": "summary", "format": "docx"}, headers=viewer)
    assert bad.status_code == 400 and set(bad.get_json()["error"]["fields"]) == {"format"}
    assert client.post(url, json={"what": "summary", "format": "csv", "venue_id": "x"},
                       headers=viewer).status_code == 400
    for dialect in ({}, "semicolon"):  # a dialect is one of the names (fuzzing sent {})
        bad = client.post(url, json={"what": "summary", "format": "csv", "dialect": dialect},
                          headers=viewer)
        assert bad.status_code == 400 and set(bad.get_json()["error"]["fields"]) == {"dialect"}
    assert client.post("/api/v1/sessions/999999/exports", json={"what": "summary"},
                       headers=viewer).status_code == 404
    assert client.get("/api/v1/jobs/nope", headers=viewer).status_code == 404


def test_a_failed_job_says_why(app, client, db, bearer, make_session, make_user, monkeypatch):
    from attendance.jobs import exports

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(exports, "write", broken)
    session = make_session()
    headers = bearer(make_user())
    job = client.post(f"/api/v1/sessions/{session.id}/exports",
                      json={"what": "posters", "format": "pdf"},
                      headers=headers).get_json()["job"]
    state = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).get_json()
    assert state["state"] == FAILED and state["download"] is None
    assert state["error"]["code"] == "server_error"
    assert "lỗi hệ thống" in state["error"]["message"]
    assert "disk full" not in json.dumps(state)
    assert list(Path(app.instance_path, "jobs").glob("*")) == []  # no half-written file


def test_the_page_starts_a_job_and_shows_its_progress(client, login, make_session, make_user):
    session = make_session()
    login(make_user())
    answer = client.post(f"/sessions/{session.id}/exports",
                         data={"what": "posters", "format": "pdf"})
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "<progress" in page and 'value="100"' in page and "Tải tệp về" in page
    assert "/api/v1/jobs/" in page


def test_direct_downloads_of_a_large_session_offer_a_job(app, client, login, make_session,
                                                         make_person, make_user):
    app.config.update(JOBS_DIRECT_CARDS=2, JOBS_DIRECT_PEOPLE=2)
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    for _ in range(3):
        make_person(session, venue=hall)
    make_person(session, venue=point)
    login(make_user())
    for url in (f"/sessions/{session.id}/cards.pdf",
                f"/sessions/{session.id}/report/absentees.xlsx"):
        page = client.get(url)
        assert page.status_code == 200 and page.mimetype == "text/html", url
        assert f'action="/sessions/{session.id}/exports"' in page.get_data(as_text=True)
    # One point's cards are few enough to make at once.
    small = client.get(f"/sessions/{session.id}/cards.pdf?venue_id={point.id}")
    assert small.mimetype == "application/pdf"


def test_a_job_cut_off_mid_run_fails_and_expired_files_go(app, db, make_session, make_user):
    from datetime import datetime, timezone

    from webapp.jobs import files, runner

    now = datetime.now(timezone.utc)  # expire() runs at the clock's time
    session = make_session()
    user = make_user()
    stale = jobs.create_export(db, session, what="posters", fmt="pdf", venue_id=None,
                               actor=user, now=now)
    jobs.start(db, stale.id, now=now - jobs.STALE - timedelta(minutes=1))
    old = jobs.create_export(db, session, what="posters", fmt="pdf", venue_id=None,
                             actor=user, now=now - jobs.KEEP - timedelta(hours=1))
    jobs.finish(db, old, file_name="old.pdf", now=now - jobs.KEEP - timedelta(hours=1))
    old_id, stale_id = old.id, stale.id
    db.commit()
    (files.folder(app) / "old.pdf").write_bytes(b"%PDF")
    assert runner.expire(app) == 1
    db.expunge_all()
    assert db.get(Job, old_id) is None and not (files.folder(app) / "old.pdf").exists()
    assert (db.get(Job, stale_id).state, db.get(Job, stale_id).error) == (FAILED,
                                                                          "job_interrupted")


ROSTER = ("Họ và tên,Thành phần,Địa điểm,Số điện thoại\n"
          "Nguyễn Văn An,Thường trực Thị ủy,Hội trường UBND thị xã,0912000001\n"
          "Trần Thị Bình,Thường trực Thị ủy,Hội trường UBND thị xã,0912000002\n")


def _upload(client, session, text):
    import io

    return client.post(f"/sessions/{session.id}/roster/import",
                       data={"file": (io.BytesIO(text.encode()), "roster.csv")},
                       content_type="multipart/form-data")


def test_a_large_roster_file_is_checked_then_imported_by_jobs(app, client, db, login,
                                                              make_session, make_user):
    from attendance.models import Person

    app.config["JOBS_DIRECT_IMPORT_ROWS"] = 1  # every file counts as large here
    session = make_session()
    login(make_user())
    checked = _upload(client, session, ROSTER)
    assert checked.status_code == 303
    page = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert "Tệp hợp lệ: 2 người." in page and db.query(Person).count() == 0
    job_id = checked.headers["Location"].rsplit("/", 1)[1]
    imported = client.post(f"/sessions/{session.id}/jobs/{job_id}/import")
    assert imported.status_code == 303
    page = client.get(imported.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 2 người vào danh sách." in page
    assert sorted(p.full_name for p in db.query(Person)) == ["Nguyễn Văn An", "Trần Thị Bình"]
    # A check job is imported once: its upload is gone after the import.
    again = client.post(f"/sessions/{session.id}/jobs/{job_id}/import")
    state = client.get(f"/api/v1/jobs/{again.headers['Location'].rsplit('/', 1)[1]}").get_json()
    assert state["state"] == "failed" and state["error"]["code"] == "upload_gone"
    assert db.query(Person).count() == 2


def test_a_large_roster_file_with_a_bad_row_imports_nothing(app, client, db, login,
                                                            make_session, make_user):
    from attendance.models import Person

    app.config["JOBS_DIRECT_IMPORT_ROWS"] = 1
    session = make_session()
    login(make_user())
    checked = _upload(client, session, ROSTER + ",Thường trực Thị ủy,Hội trường UBND thị xã,\n")
    page = client.get(checked.headers["Location"]).get_data(as_text=True)
    job_id = checked.headers["Location"].rsplit("/", 1)[1]
    assert "Dòng 4" in page and f"/jobs/{job_id}/import" not in page  # no confirm button
    second = client.post(f"/sessions/{session.id}/jobs/{job_id}/import")
    state = client.get(f"/api/v1/jobs/{second.headers['Location'].rsplit('/', 1)[1]}")
    assert state.get_json()["error"]["message"].startswith("Tệp có 1 dòng lỗi")
    assert db.query(Person).count() == 0
