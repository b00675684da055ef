"""A bridge-point coordinator's roll on a phone (390x844): marks made online, then offline
(kept on the phone, and still there after reloading the page offline: the service worker keeps
the page), then sent once the connection is back; meanwhile the organizer's live
dashboard, in a second browser context, shows the new figures without a reload."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from attendance.models import Attendance, ScanAttempt, StudySession, Venue

from .. import factories

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN",
         "timezone_id": "Asia/Ho_Chi_Minh", "is_mobile": True, "has_touch": True}


def _people_at(live, session_id, venue_id, names):
    def build(db):
        session, venue = db.get(StudySession, session_id), db.get(Venue, venue_id)
        return [factories.gen_person(db, session, venue=venue, full_name=name)
                for name in names]

    with live.app.app_context():
        from webapp.extensions import db

        people = build(db.session)
        db.session.commit()
        ids = [p.id for p in people]
        db.session.remove()
    return ids


def _statuses(live, session_id):
    return live.query(lambda db: dict(db.execute(
        select(Attendance.person_id, Attendance.status)
        .where(Attendance.session_id == session_id)).all()))


def test_coordinator_marks_offline_and_the_dashboard_follows(live, browser, sign_in,
                                                             screenshot):
    session = live.make_session(bridge_points=3, checkin_window="open")  # marks use the real clock
    point = session.venues[1]
    names = ["Lê Văn An", "Phạm Thị Bình", "Hoàng Văn Cường", "Đỗ Thị Dung"]
    ids = _people_at(live, session.id, point.id, names)
    coordinator = live.make_user(role="coordinator", venue=point)
    organizer = live.make_user(role="organizer")

    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(15_000)
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                               timezone_id="Asia/Ho_Chi_Minh")
    desk.set_default_timeout(15_000)
    try:
        roll = phone.new_page()
        sign_in(roll, coordinator)
        roll.goto(f"{live.url}/sessions/{session.id}/venues/{point.id}/roll")
        dashboard = desk.new_page()
        sign_in(dashboard, organizer)
        dashboard.goto(f"{live.url}/sessions/{session.id}/dashboard")
        present = dashboard.locator("[data-kpi=present]")
        expect(present).to_have_text("0")

        def row(i):
            return roll.locator(f"#p-{ids[i]}")

        # Online: two taps, sent at once.
        row(0).get_by_role("button", name="Có mặt").click()
        row(1).get_by_role("button", name="Muộn").click()
        expect(row(1).locator("[data-status]")).to_have_text("Muộn")
        expect(roll.locator("#net-status")).to_have_text("Đã kết nối — mọi thao tác đã gửi")
        expect(present).to_have_text("2", timeout=20_000)  # the 5 s refresh, no reload
        assert _statuses(live, session.id) == {ids[0]: "present", ids[1]: "late"}
        # The service worker has taken the page in, with the marks sent, so it reloads offline.
        roll.wait_for_function(
            """marker => navigator.serviceWorker.ready.then(() => caches.keys())
              .then(keys => Promise.all(keys.map(k => caches.open(k)
                .then(c => c.match(location.href)).then(r => r ? r.text() : ""))))
              .then(pages => pages.some(html => html.includes(marker)))""",
            arg=f'id="p-{ids[1]}" class="roll-person status-late"', timeout=15_000)

        # Offline: the marks wait on the phone.
        phone.set_offline(True)
        row(2).get_by_role("button", name="Có mặt").click()
        row(3).locator("details.excused summary").click()
        row(3).get_by_role("button", name="ốm").click()
        expect(roll.locator("#net-status")).to_contain_text("2 thao tác đang chờ gửi")
        expect(row(3).locator("[data-pending]")).to_be_visible()
        expect(row(3).locator("[data-status]")).to_have_text("Vắng có lý do: ốm")
        expect(roll.locator("#sign-off button")).to_be_disabled()  # needs the connection
        screenshot(roll, "coordinator-offline-2-waiting")
        assert len(_statuses(live, session.id)) == 2

        # Reloaded offline: the page comes from the service worker, the marks still wait.
        roll.reload()
        expect(roll.locator("#net-status")).to_contain_text("2 thao tác đang chờ gửi")
        expect(row(1).locator("[data-status]")).to_have_text("Muộn")  # sent before, in the copy
        expect(row(2).locator("[data-pending]")).to_be_visible()
        expect(row(3).locator("[data-status]")).to_have_text("Vắng có lý do: ốm")
        expect(roll.locator("#sign-off button")).to_be_disabled()
        assert len(_statuses(live, session.id)) == 2

        # Back online: sent once, and the dashboard follows by itself.
        phone.set_offline(False)
        expect(roll.locator("#net-status")).to_have_text("Đã kết nối — mọi thao tác đã gửi",
                                                         timeout=20_000)
        expect(row(3).locator("[data-pending]")).to_be_hidden()
        expect(roll.locator("#sign-off button")).to_be_enabled()
        assert _statuses(live, session.id) == {
            ids[0]: "present", ids[1]: "late", ids[2]: "present", ids[3]: "absent_excused"}
        marks = live.query(lambda db: db.scalars(select(ScanAttempt.method).where(
            ScanAttempt.session_id == session.id)).all())
        assert marks == ["roll"] * 4
        expect(present).to_have_text("3", timeout=20_000)
        expect(dashboard.locator("tr[data-venue-id='%d'] td" % point.id).nth(4)
               ).to_have_text("1")  # absent with reason
        screenshot(roll, "coordinator-synced")
        screenshot(dashboard, "coordinator-dashboard-live")
    finally:
        phone.close()
        desk.close()
