"""Each user lands on their task after sign-in (attendance.sessions.landing), and the sign-in
form takes them there in one step."""

from datetime import timedelta

from attendance.accounts import assignments
from attendance.models import ResultReport, Unit
from attendance.sessions.landing import landing

from .factories import NOW, PASSWORD


def _sessions(make_session):
    """Last month's, today's (starting in 30 minutes) and next month's sessions."""
    past = make_session(now=NOW - timedelta(days=30), title="Tháng trước")
    today = make_session(now=NOW, title="Hôm nay")
    future = make_session(now=NOW + timedelta(days=30), title="Tháng sau")
    return past, today, future


def test_each_role_lands_on_todays_task(db, make_session, make_user):
    past, today, future = _sessions(make_session)
    staff = make_user(role="staff")
    coordinator = make_user(role="coordinator")
    for session in (past, today, future):
        assignments.assign(db, staff, session.venues[0], now=NOW, actor=None)
        assignments.assign(db, coordinator, session.venues[1], now=NOW, actor=None)
    assert tuple(vars(landing(db, staff, now=NOW)).values()) == ("scan", today.id, today.venues[0].id, None)
    assert tuple(vars(landing(db, coordinator, now=NOW)).values()) == ("roll", today.id, today.venues[1].id, None)
    assert landing(db, make_user(role="organizer"), now=NOW).session_id == today.id
    # The evening after, today's is still the one; a week later, the next one.
    assert landing(db, coordinator, now=NOW + timedelta(hours=10)).session_id == today.id
    assert landing(db, coordinator, now=NOW + timedelta(days=7)).session_id == future.id
    assert landing(db, make_user(role="staff"), now=NOW).task == "sessions"  # no venue yet


def test_a_reporter_lands_on_the_report_their_unit_owes(db, make_session, make_user):
    past, today, future = _sessions(make_session)
    unit = Unit(code="PH", name="Đảng ủy phường Phổ Hòa", kind="committee")
    db.add(unit)
    db.flush()
    db.add(ResultReport(session_id=past.id, unit_id=unit.id))
    db.flush()
    reporter = make_user(role="reporter", unit_id=unit.id)
    assert tuple(vars(landing(db, reporter, now=NOW)).values()) == ("report", past.id, None, unit.id)


def test_a_cell_secretary_without_a_session_lands_on_the_classes(db, make_user):
    cell = Unit(code="CB1", name="Chi bộ tổ dân phố 1", kind="cell")
    db.add(cell)
    db.flush()
    assert landing(db, make_user(role="organizer", unit_id=cell.id), now=NOW).task == "classes"


def test_signing_in_leads_staff_to_the_scanner(db, make_session, make_user, client):
    session = make_session(now=NOW)
    staff = make_user(role="staff")
    assignments.assign(db, staff, session.venues[0], now=NOW, actor=None)
    db.commit()
    response = client.post("/login", data={"username": staff.username, "password": PASSWORD},
                           follow_redirects=True)
    assert response.request.path == f"/sessions/{session.id}/scan"
