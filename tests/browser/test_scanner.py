"""The scanner station in a real browser: a card read by the (fake) camera, check-ins made
offline and synced once when the connection comes back, a walk-in. Phone viewport 390x844."""

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from attendance.checkin import tokens
from attendance.models import Attendance, Person, ScanAttempt

from .camera import qr_camera_file

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN",
         "timezone_id": "Asia/Ho_Chi_Minh", "is_mobile": True, "has_touch": True}


def phone_page(browser, **kwargs):
    context = browser.new_context(**PHONE, **kwargs)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def open_session(live):
    """A session starting in 30 minutes (check-in open) and a staff member at its hall."""
    session = live.make_session(now=datetime.now(timezone.utc))
    hall = session.venues[0]
    staff = live.make_user(role="staff", venue=hall)  # the snapshot has the id it needs
    return session, hall, staff


def attendance_rows(live, session_id):
    return live.query(lambda db: db.execute(
        select(Attendance.person_id, Attendance.method, Attendance.venue_id)
        .where(Attendance.session_id == session_id).order_by(Attendance.person_id)).all())


def attempts(live, session_id):
    return live.query(lambda db: db.scalar(
        select(func.count()).select_from(ScanAttempt).where(ScanAttempt.session_id == session_id)))


def test_camera_reads_a_card_and_the_person_is_checked_in(live, chromium_with_camera, sign_in,
                                                          screenshot, tmp_path):
    session, hall, staff = open_session(live)
    person = live.make_person(session.id, full_name="Trần Văn Quét Thẻ",
                              position="Chánh Văn phòng Thị ủy")
    key = tokens.derive_key(live.app.config["SECRET_KEY"], "card")
    token = tokens.card_token(key, session.id, person.id, person.card_version)
    browser = chromium_with_camera(qr_camera_file(token, tmp_path / "card.y4m"))
    context, page = phone_page(browser, permissions=["camera"])

    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")

    result = page.locator("#scan-result")
    expect(result).to_have_class("scan-result result-ok")
    expect(page.locator("#result-name")).to_have_text("Trần Văn Quét Thẻ")
    expect(page.locator("#result-title")).to_have_text("Có mặt")
    expect(page.locator("#result-detail")).to_contain_text("Thường trực Thị ủy")
    expect(page.locator("#result-pending")).to_be_hidden()  # the server has answered
    expect(page.locator("#count-here")).to_have_text("1")
    expect(page.locator("#count-queue")).to_have_text("0")
    screenshot(page, "scanner-card-accepted")

    assert attendance_rows(live, session.id) == [(person.id, "card", hall.id)]
    # The card stays in front of the camera: it is read once, not every 3 seconds.
    page.wait_for_timeout(3500)
    assert attempts(live, session.id) == 1
    expect(page.locator("#recent li")).to_have_count(1)
    context.close()


def test_offline_check_ins_wait_and_sync_exactly_once(live, browser, sign_in, screenshot):
    session, hall, staff = open_session(live)
    names = ["Nguyễn Thị Ánh", "Phạm Đức Bình", "Lê Văn Cường"]
    people = [live.make_person(session.id, full_name=name) for name in names]
    context, page = phone_page(browser)
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")
    expect(page.locator("#roster-info")).to_contain_text("3 người")
    # The service worker has taken the page in, so it reloads offline.
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => caches.keys())"
        ".then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.match(location.href)))))"
        ".then(hits => hits.some(Boolean))")

    context.set_offline(True)
    expect(page.locator("#net-status")).to_contain_text("Mất kết nối")
    page.click("#search-panel summary")
    for query, person in zip(["anh", "duc binh", "CUONG"], people):
        page.fill("#search", query)  # no accents typed: the search folds them
        page.click(f"#search-results button[data-person-id='{person.id}']")
        expect(page.locator("#result-name")).to_have_text(person.full_name)
        expect(page.locator("#scan-result")).to_have_class("scan-result result-ok")
        expect(page.locator("#result-pending")).to_be_visible()

    expect(page.locator("#count-queue")).to_have_text("3")
    expect(page.locator("#net-status")).to_have_text("Mất kết nối — 3 lượt đang chờ gửi")
    screenshot(page, "scanner-offline-3-waiting")
    assert attendance_rows(live, session.id) == []

    # Picking the same person again offline answers "already checked in" from the device.
    page.fill("#search", "anh")
    page.click(f"#search-results button[data-person-id='{people[0].id}']")
    expect(page.locator("#scan-result")).to_have_class("scan-result result-dup")
    expect(page.locator("#result-title")).to_contain_text("Đã điểm danh tại Hội trường UBND thị xã")
    expect(page.locator("#count-queue")).to_have_text("4")

    page.reload()  # offline: the service worker serves the page, the queue is still there
    expect(page.locator("#count-queue")).to_have_text("4")
    expect(page.locator("#roster-info")).to_contain_text("3 người")

    context.set_offline(False)
    expect(page.locator("#count-queue")).to_have_text("0", timeout=15_000)
    expect(page.locator("#net-status")).to_have_text("Đã kết nối — mọi lượt đã gửi")
    expect(page.locator("#count-here")).to_have_text("3")
    screenshot(page, "scanner-synced")

    rows = attendance_rows(live, session.id)
    assert rows == sorted((p.id, "manual", hall.id) for p in people)
    assert attempts(live, session.id) == 4  # three check-ins and one duplicate, each once
    assert page.evaluate(f"DiemCauStore.count({session.id})") == 0
    context.close()


def test_walk_in_is_registered_and_checked_in(live, browser, sign_in, screenshot):
    session, hall, staff = open_session(live)
    context, page = phone_page(browser)
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")

    page.click("#walkin-panel summary")
    page.click("#walkin-form button[type=submit]")  # no name
    expect(page.locator("[data-error-for=full_name]")).to_have_text("Không được để trống.")
    page.fill("#walkin-name", "Đỗ Thị Vãng Lai")
    page.fill("#walkin-position", "Phóng viên")
    page.fill("#walkin-unit", "Đài Truyền thanh thị xã")
    page.select_option("#walkin-category", label="Báo cáo viên Thị ủy")
    screenshot(page, "scanner-walk-in-form")
    page.click("#walkin-form button[type=submit]")

    expect(page.locator("#scan-result")).to_have_class("scan-result result-ok")
    expect(page.locator("#result-name")).to_have_text("Đỗ Thị Vãng Lai")
    expect(page.locator("#roster-info")).to_contain_text("1 người")
    person = live.query(lambda db: db.execute(
        select(Person.id, Person.walk_in, Person.search_name)
        .where(Person.session_id == session.id)).one())
    assert person.walk_in and person.search_name == "do thi vang lai"
    assert attendance_rows(live, session.id) == [(person.id, "walk_in", hall.id)]

    context.set_offline(True)
    page.click("#walkin-panel summary")
    page.fill("#walkin-name", "Người Khác")
    page.click("#walkin-form button[type=submit]")
    expect(page.locator("#walkin-message")).to_contain_text("cần kết nối mạng")
    context.close()
