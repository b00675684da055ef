"""Every page each role uses, on a 1366 px desktop and a 390 px phone: it answers without an
error, has its one heading, and is saved to test-artifacts/ (ROLE-PAGE-desktop|phone.png) for
a person to look at. The journeys themselves are the other browser tests'; this one only
walks the pages, reusing two browser contexts per role."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from attendance.models import Attendance, Unit
from attendance.outcomes import reports as rr
from attendance.roll import marks as roll

from .. import factories

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _world(live):
    """A session under way: a hall and two points, people, a few marks, a reporting unit."""
    session = live.make_session(now=datetime.now(timezone.utc), bridge_points=2,
                                title="Hội nghị quán triệt Kết luận 57-KL/TW (trang theo vai)")
    hall, point = session.venues[0], session.venues[1]

    def build(db):
        from attendance.models import StudySession, Venue

        s, v = db.get(StudySession, session.id), db.get(Venue, point.id)
        unit = Unit(code=f"PH{session.id}", name=f"Đảng ủy phường Phổ Hòa {session.id}",
                    kind="committee")
        db.add(unit)
        db.flush()
        people = [factories.gen_person(db, s, venue=v, full_name=name, unit_id=unit.id)
                  for name in ("Lê Văn An", "Phạm Thị Bình", "Hoàng Văn Cường")]
        factories.gen_person(db, s, full_name="Trần Thị Hội Trường")
        organizer = factories.gen_user(db, role="organizer")
        now = datetime.now(timezone.utc)
        roll.mark(db, venue=v, person=people[0], status="present", now=now, actor=organizer)
        roll.mark(db, venue=v, person=people[1], status="absent_excused", reason="ốm", now=now,
                  actor=organizer)
        rr.set_reporting_units(db, s, [unit.id], now=now, actor=None)
        db.commit()
        attendance = db.scalar(select(Attendance.id).where(Attendance.person_id == people[1].id))
        return unit.id, people[0].id, attendance, organizer.username

    unit_id, person_id, attendance_id, organizer = live.query(build)
    return session, hall, point, unit_id, person_id, attendance_id, organizer


def _walk(browser, live, role, username, pages, missing):
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh",
                                      is_mobile=name == "phone", has_touch=name == "phone")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{live.url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", factories.PASSWORD)
        page.click("form button[type=submit]:not(.compact)")
        page.wait_for_url(lambda url: "/login" not in url)
        for label, path in pages:
            response = page.goto(f"{live.url}{path}")
            assert response.status < 400, (role, label, response.status)
            if page.locator("h1").count() != 1:
                missing.append(f"{role}-{label}-{name}")
            page.screenshot(path=str(_artifact(f"{role}-{label}-{name}")), full_page=True)
        context.close()


def _artifact(name):
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_every_page_of_every_role_desktop_and_phone(live, browser):
    session, hall, point, unit_id, person_id, attendance_id, organizer = _world(live)
    s = f"/sessions/{session.id}"
    staff = live.make_user(role="staff", venue=hall)
    coordinator = live.make_user(role="coordinator", venue=point)
    reporter = live.make_user(role="reporter", unit_id=unit_id)
    viewer = live.make_user(role="viewer")
    missing = []
    _walk(browser, live, "organizer", organizer, [
        ("session", s), ("expected-grid", f"{s}/expected"), ("roster", f"{s}/roster/"),
        ("card", f"{s}/people/{person_id}/card"), ("scanner", f"{s}/scan?venue_id={hall.id}"),
        ("rolls", f"{s}/roll"), ("roll", f"{s}/venues/{point.id}/roll"),
        ("dashboard", f"{s}/dashboard"), ("attendance", f"{s}/attendance"),
        ("attendance-record", f"{s}/attendance/{attendance_id}"),
        ("summary", f"{s}/report"), ("reports", f"{s}/reports"), ("users", "/users/")], missing)
    _walk(browser, live, "staff", staff.username, [
        ("session", s), ("scanner", f"{s}/scan"), ("roster", f"{s}/roster/")], missing)
    _walk(browser, live, "coordinator", coordinator.username, [
        ("session", s), ("roll", f"{s}/venues/{point.id}/roll"), ("scanner", f"{s}/scan")], missing)
    _walk(browser, live, "reporter", reporter.username, [
        ("session", s), ("report", f"{s}/reports/{unit_id}")], missing)
    _walk(browser, live, "viewer", viewer.username, [
        ("session", s), ("dashboard", f"{s}/dashboard"), ("summary", f"{s}/report")], missing)
    assert missing == []  # each page has exactly one h1
