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


def card_of(live, session_id, person):
    """The person's card token, as printed on their card."""
    key = tokens.derive_key(live.app.config["SECRET_KEY"], "card")
    return tokens.card_token(key, session_id, person.id, person.card_version)


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
    token = card_of(live, session.id, person)
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


def test_a_card_held_in_view_is_read_once_however_slow_the_frames(live, browser, sign_in):
    """On a busy phone jsQR's frames can come more than 3 s apart: a card that never left the
    view is not read again (it was, as a duplicate); once a frame without it has passed and
    3 s have gone by, showing it again reads it again."""
    session, hall, staff = open_session(live)
    person = live.make_person(session.id, full_name="Trần Văn Cầm Thẻ")
    token = card_of(live, session.id, person)
    context, page = phone_page(browser)
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")
    expect(page.locator("#roster-info")).to_contain_text("1 người")

    page.evaluate("token => DiemCauScanner.onCode(token)", token)  # the first frame with it
    expect(page.locator("#scan-result")).to_have_class("scan-result result-ok")
    expect(page.locator("#result-pending")).to_be_hidden()
    page.wait_for_timeout(3200)
    page.evaluate("token => DiemCauScanner.onCode(token)", token)  # the next, 3.2 s later
    page.wait_for_timeout(500)
    assert attempts(live, session.id) == 1
    expect(page.locator("#recent li")).to_have_count(1)

    page.evaluate("DiemCauScanner.noCode()")  # taken away...
    page.wait_for_timeout(3200)
    page.evaluate("token => DiemCauScanner.onCode(token)", token)  # ...and shown again
    expect(page.locator("#scan-result")).to_have_class("scan-result result-dup")
    expect(page.locator("#count-queue")).to_have_text("0")  # the server has it
    expect(page.locator("#result-pending")).to_be_hidden()
    expect(page.locator("#recent li")).to_have_count(2)
    assert attempts(live, session.id) == 2
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
    wait_until_cached(page)

    context.set_offline(True)
    expect(page.locator("#net-status")).to_contain_text("Mất kết nối")
    page.click("#search-panel summary")
    for query, person in zip(["anh", "duc binh", "CUONG"], people):
        page.fill("#search", query)  # no accents typed: the search folds them
        page.click(f"#search-results button[data-person-id='{person.id}']")
        page.get_by_role("button", name="Xác nhận điểm danh").click()  # asked first
        expect(page.locator("#result-name")).to_have_text(person.full_name)
        expect(page.locator("#scan-result")).to_have_class("scan-result result-ok")
        expect(page.locator("#result-pending")).to_be_visible()

    expect(page.locator("#count-queue")).to_have_text("3")
    expect(page.locator("#net-status")).to_have_text("Mất kết nối — 3 lượt đang chờ gửi")
    screenshot(page, "scanner-offline-3-waiting")
    assert attendance_rows(live, session.id) == []

    # Picking the same person again offline answers "already checked in" from the device.
    page.fill("#search", "anh")
    expect(page.locator("#search-results .badge-in")).to_contain_text("đã điểm danh")
    page.click(f"#search-results button[data-person-id='{people[0].id}']")
    expect(page.locator(".pick-confirm")).to_contain_text("đã điểm danh lúc")
    page.get_by_role("button", name="Xác nhận điểm danh").click()
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
    # Nothing chosen for the person: no category, not a party member.
    expect(page.locator("#walkin-category")).to_have_value("")
    expect(page.locator("#walkin-form input[name=party_member]")).not_to_be_checked()
    sent = []
    page.on("request", lambda request: sent.append(request.url)
            if "/walkins" in request.url else None)
    page.click("#walkin-form button[type=submit]")  # empty: both errors at once, nothing sent
    expect(page.locator("[data-error-for=full_name]")).to_have_text("Không được để trống.")
    expect(page.locator("[data-error-for=category_id]")).to_have_text("Chọn thành phần.")
    assert sent == []
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
    page.select_option("#walkin-category", label="Báo cáo viên Thị ủy")
    page.click("#walkin-form button[type=submit]")
    expect(page.locator("#walkin-message")).to_contain_text("cần kết nối mạng")
    context.close()


def test_the_panel_goes_back_to_ready_and_names_where_a_delegate_was_invited(
        live, browser, sign_in, screenshot):
    """A delegate of a bridge point scanned at the hall is told where they were invited; each
    result gives way to "Sẵn sàng quét" after a few seconds; the search marks who is in."""
    session, hall, staff = open_session(live)
    point = session.venues[1]
    guest = live.make_person(session.id, full_name="Võ Thị Điểm Cầu")
    live.query(lambda db: _move(db, guest.id, point.id))
    came = live.make_person(session.id, full_name="Ngô Văn Đã Đến")
    live.query(lambda db: _check_in(db, session.id, came.id, hall.id))
    token = card_of(live, session.id, guest)
    context, page = phone_page(browser)
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")
    expect(page.locator("#roster-info")).to_contain_text("1 người")
    page.evaluate("token => DiemCauScanner.onCode(token)", token)
    expect(page.locator("#result-name")).to_have_text("Võ Thị Điểm Cầu")
    expect(page.locator("#result-where")).to_have_text("Được mời tại Điểm cầu phường 1")
    screenshot(page, "staff-scanner-phone-invited-elsewhere")
    result = page.locator("#scan-result")
    expect(result).to_have_attribute("data-outcome", "ready", timeout=9_000)
    expect(page.locator("#result-title")).to_have_text("Sẵn sàng quét")
    expect(page.locator("#result-where")).to_be_hidden()
    # Checked in before (by another device): the search says so, with the time.
    page.click("#search-panel summary")
    page.fill("#search", "da den")
    expect(page.locator("#search-results .badge-in")).to_contain_text(
        "đã điểm danh 07:00 · Hội trường UBND thị xã")
    screenshot(page, "staff-scanner-phone-search")
    context.close()


def _move(db, person_id, venue_id):
    person = db.get(Person, person_id)
    person.venue_id = venue_id
    person.category_id = next(c.id for c in person.session.categories
                              if c.venue_kind == "bridge_point" and not c.headcount_only)
    db.commit()
    return person_id


def _check_in(db, session_id, person_id, venue_id):
    db.add(Attendance(session_id=session_id, person_id=person_id, venue_id=venue_id,
                      status="present", method="card",
                      at=datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)))
    db.commit()


def wait_until_cached(page) -> None:
    """Until the service worker has taken the page in (so that it reloads offline)."""
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => caches.keys())"
        ".then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.match(location.href)))))"
        ".then(hits => hits.some(Boolean))")
