"""A bridge-point coordinator's roll on a phone (390x844): marks made online (Enter in the reason
box keeps the typed reason; the counters follow each tap), then offline with the headcount,
link checklist and the sign-off (after its in-page question), all kept on the phone and said to
wait, still there after reloading the page offline (the service worker keeps the page), then
sent once, in order, when the connection is back; meanwhile the organizer's live dashboard, in
a second browser context, shows the new figures without a reload. Then the roll's search."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from attendance.models import Attendance, ExpectedCount, ScanAttempt, StudySession, Venue

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


def _reasons(live, session_id):
    return live.query(lambda db: dict(db.execute(
        select(Attendance.person_id, Attendance.absence_reason)
        .where(Attendance.session_id == session_id, Attendance.status == "absent_excused")
    ).all()))


def _signed_off(live, venue_id):
    return live.query(lambda db: db.get(Venue, venue_id).signed_off_at)


def test_coordinator_marks_offline_and_the_dashboard_follows(live, browser, sign_in,
                                                             screenshot):
    session = live.make_session(bridge_points=3, checkin_window="open")  # marks use the real clock
    point = session.venues[1]
    counted = next(c for c in session.categories if c.headcount_only
                   and c.venue_kind == point.kind)
    names = ["Lê Văn An", "Phạm Thị Bình", "Hoàng Văn Cường", "Đỗ Thị Dung", "Vũ Văn Em"]
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
        row(1).get_by_role("button", name="Đi muộn").click()
        expect(row(1).locator("[data-status]")).to_have_text("Đi muộn")
        # The point's counters follow the taps (offline below, where no refresh can help).
        expect(roll.locator('#counts [data-count="present"]')).to_have_text("2")
        expect(roll.locator('#counts [data-count="late"]')).to_have_text("1")
        expect(roll.locator('#counts [data-count="rate"]')).to_have_text("20,00\u00a0%")
        expect(roll.locator("#net-status")).to_have_text("Đã kết nối — mọi thao tác đã gửi")
        expect(present).to_have_text("2", timeout=20_000)  # the 5 s refresh, no reload
        assert _statuses(live, session.id) == {ids[0]: "present", ids[1]: "late"}

        # Enter in the reason box saves the reason as typed (it used to save "ốm").
        row(4).locator("details.excused summary").click()
        row(4).locator('input[name="reason"]').fill("đi họp ở tỉnh")
        row(4).locator('input[name="reason"]').press("Enter")
        expect(row(4).locator("[data-status]")).to_have_text("Vắng có lý do: đi họp ở tỉnh")
        expect(roll.locator('#counts [data-count="absent_excused"]')).to_have_text("1")
        expect(roll.locator("#net-status")).to_have_text("Đã kết nối — mọi thao tác đã gửi")
        roll.wait_for_function("() => !document.querySelector('#p-%d[data-pending=\"1\"]')"
                               % ids[4])
        assert _reasons(live, session.id) == {ids[4]: "đi họp ở tỉnh"}
        screenshot(roll, "coordinator-roll-phone")
        # The service worker has taken the page in, with the marks sent, so it reloads offline.
        roll.wait_for_function(
            """marker => navigator.serviceWorker.ready.then(() => caches.keys())
              .then(keys => Promise.all(keys.map(k => caches.open(k)
                .then(c => c.match(location.href)).then(r => r ? r.text() : ""))))
              .then(pages => pages.some(html => html.includes(marker)))""",
            arg=f'id="p-{ids[1]}" class="roll-person status-late"', timeout=15_000)

        # Offline: marks, the headcount and the link checklist wait on the phone, and say so.
        phone.set_offline(True)
        row(2).get_by_role("button", name="Có mặt").click()
        row(3).locator("details.excused summary").click()
        row(3).get_by_role("button", name="ốm").click()
        expect(roll.locator('#counts [data-count="present"]')).to_have_text("3")  # offline
        roll.fill(f"#count-{counted.id}", "12")
        roll.get_by_role("button", name="Lưu số người").click()
        expect(roll.locator('#counts [data-count="present"]')).to_have_text("15")  # 3 + 12
        roll.locator("#link-check input[name=sound][value=fail]").check()  # the checklist
        roll.fill("#link-note", "mất tiếng")
        roll.get_by_role("button", name="Lưu kiểm tra").click()
        expect(roll.locator("#net-status")).to_contain_text("4 thao tác đang chờ gửi")
        expect(roll.locator("#roll-waiting")).to_have_text(
            "Đang chờ gửi: 2 điểm danh, số người, kiểm tra đường truyền")
        expect(row(3).locator("[data-pending]")).to_be_visible()
        expect(row(3).locator("[data-status]")).to_have_text("Vắng có lý do: ốm")
        screenshot(roll, "coordinator-roll-phone-offline-waiting")
        assert len(_statuses(live, session.id)) == 3

        # Reloaded offline: the page comes from the service worker, everything still waits.
        roll.reload()
        expect(roll.locator("#net-status")).to_contain_text("4 thao tác đang chờ gửi")
        expect(row(1).locator("[data-status]")).to_have_text("Đi muộn")  # sent before, in the copy
        expect(row(2).locator("[data-pending]")).to_be_visible()
        expect(row(3).locator("[data-status]")).to_have_text("Vắng có lý do: ốm")
        expect(roll.locator(f"#count-{counted.id}")).to_have_value("12")
        expect(roll.locator('#counts [data-count="present"]')).to_have_text("15")

        # The sign-off asks first, in the page, and queues like the rest.
        roll.locator("#sign-off summary").click()
        expect(roll.locator("#sign-off .confirm-box")).to_contain_text("danh sách bị khóa")
        roll.get_by_role("button", name="Hủy").click()
        expect(roll.locator("#sign-off .confirm-box")).to_be_hidden()
        roll.locator("#sign-off summary").click()
        screenshot(roll, "coordinator-roll-phone-sign-off-question")
        roll.get_by_role("button", name="Đồng ý ký và khóa danh sách").click()
        expect(roll.locator("#roll-waiting")).to_contain_text("ký xác nhận")
        expect(row(0).get_by_role("button", name="Có mặt")).to_be_hidden()  # locked here too
        assert _signed_off(live, point.id) is None

        # Back online: sent once, in order; the page reloads locked, the dashboard follows.
        phone.set_offline(False)
        expect(roll.locator("p#sign-off")).to_contain_text("danh sách đã khóa", timeout=20_000)
        assert _statuses(live, session.id) == {
            ids[0]: "present", ids[1]: "late", ids[2]: "present", ids[3]: "absent_excused",
            ids[4]: "absent_excused"}
        assert _signed_off(live, point.id) is not None
        assert live.query(lambda db: (db.get(Venue, point.id).readiness,
                                      db.get(ExpectedCount, (point.id, counted.id)).headcount)
                          ) == ("problem", 12)
        marks = live.query(lambda db: db.scalars(select(ScanAttempt.method).where(
            ScanAttempt.session_id == session.id)).all())
        assert marks == ["roll"] * 8
        expect(present).to_have_text("15", timeout=20_000)  # 3 named people and 12 counted
        screenshot(roll, "coordinator-roll-phone-signed-off")
        screenshot(dashboard, "organizer-dashboard-desktop")

        # Search and category jump on the phone.
        roll.fill("#roll-search", "cuong")
        expect(row(2)).to_be_visible()
        expect(row(0)).to_be_hidden()
        expect(roll.locator("#roll-search-info")).to_have_text("1 người")
    finally:
        phone.close()
        desk.close()
