"""Progress of the summary, list and outcomes jobs in steps as the work advances (issue 20):
each venue's sheet, list row, unit and laid-out page moves the bar, never backwards; and a
running job's figure is what GET /api/v1/jobs/{id} (which the job page polls) answers."""

import threading
from datetime import timedelta
from io import BytesIO

import pytest

from attendance.jobs import exports
from attendance.models import ABSENT_EXCUSED, LATE, PRESENT, Attendance, Job
from attendance.reports.progress import Steps

from .factories import NOW


def test_steps_report_whole_percentages_forward_only():
    seen = []
    steps = Steps(seen.append)
    phase = steps.phase(10, 50, 400)
    for _ in range(400):
        phase.step()
    steps.at(30)  # a second layout of the pages: never back
    steps.at(250)
    assert seen == sorted(set(seen)) and seen[0] == 10 and seen[-1] == 99
    assert len([p for p in seen if 10 <= p <= 50]) == 41  # each whole percent once
    assert Steps(None).silent and not steps.silent


@pytest.fixture
def filled(db, make_session, make_person):
    """12 bridge points, 5 people each: present, late, absent with a reason, two not come."""
    session = make_session(bridge_points=12)
    session.signer_title = "T/M BAN THƯỜNG VỤ\nBÍ THƯ"  # a signed PDF needs who signs
    for venue in session.venues:
        category = session.categories_for(venue.kind)[0]
        for n, status in enumerate((PRESENT, LATE, ABSENT_EXCUSED, None, None)):
            person = make_person(session, venue=venue, category=category)
            if status:
                db.add(Attendance(session_id=session.id, person_id=person.id, venue_id=venue.id,
                                  status=status, method="card", device="",
                                  at=session.starts_at + timedelta(minutes=n * 10),
                                  absence_reason="Ốm" if status == ABSENT_EXCUSED else ""))
    db.commit()
    return session


@pytest.mark.parametrize("what,fmt,least", [
    ("summary", "xlsx", 12), ("summary", "pdf", 10), ("summary", "csv", 12),
    ("absentees", "pdf", 10), ("absentees", "xlsx", 20), ("late", "csv", 12),
    ("outcomes", "xlsx", 2),
])
def test_summary_list_and_outcomes_exports_report_progress_in_steps(db, filled, what, fmt,
                                                                    least):
    job = Job(id="progress", session=filled, session_id=filled.id, what=what, format=fmt,
              venue_id=None, params="{}")
    seen = []
    exports.write(db, job, BytesIO(), key=b"k" * 32, now=NOW,
                  url_for_venue=lambda v: f"https://example.vn/c/{v.code}",
                  progress=seen.append)
    assert len(seen) >= least, seen
    assert seen == sorted(set(seen)) and 0 <= seen[0] and seen[-1] <= 99, seen
    assert seen[-1] >= 80, seen  # the bar reached the end of the work, not only its start


def test_the_api_answers_a_running_jobs_progress(app, client, db, filled, make_user,
                                                 bearer, monkeypatch):
    from webapp.jobs import runner

    headers = bearer(make_user())
    answered = []
    report = runner._progress

    def watched(job_id):
        write = report(job_id)

        def progress(percent):
            write(percent)
            # Asked from another thread: its own app context and database session, as
            # another gunicorn worker would answer it.
            ask = threading.Thread(target=lambda: answered.append(client.get(
                f"/api/v1/jobs/{job_id}", headers=headers).get_json()))
            ask.start()
            ask.join(10)
        return progress
    monkeypatch.setattr(runner, "_progress", watched)
    started = client.post(f"/api/v1/sessions/{filled.id}/exports",
                          json={"what": "summary", "format": "xlsx"}, headers=headers)
    assert started.status_code == 202
    running = [(a["state"], a["progress"]) for a in answered]
    assert len(running) >= 12 and {state for state, _ in running} == {"running"}, running
    figures = [p for _, p in running]
    assert figures == sorted(set(figures)) and figures[-1] >= 80, figures
