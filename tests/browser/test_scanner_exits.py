"""The scanner's exit mode ("Ra về") in a real browser: a card checked in, the switch turned
to "Ra về", the same card shown again records the exit (left early); exits made offline wait on
the device, after the arrivals queued with them, and are sent with their scan time."""

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from attendance.models import Attendance

from .camera import card_shown_again_file
from .test_scanner import card_of, open_session, phone_page, wait_until_cached

pytestmark = pytest.mark.browser


def exit_rows(live, session_id):
    return live.query(lambda db: db.execute(
        select(Attendance.person_id, Attendance.venue_id, Attendance.at, Attendance.left_at)
        .where(Attendance.session_id == session_id).order_by(Attendance.person_id)).all())


def test_a_card_checked_in_then_shown_in_exit_mode_is_recorded_leaving_early(
        live, chromium_with_camera, sign_in, screenshot, tmp_path):
    session, hall, staff = open_session(live)
    person = live.make_person(session.id, full_name="Hoàng Văn Về Sớm")
    camera = card_shown_again_file(card_of(live, session.id, person), tmp_path / "card.y4m")
    context, page = phone_page(chromium_with_camera(camera), permissions=["camera"])
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")

    switch_in = page.locator("#scan-mode [data-mode=in]")
    expect(switch_in).to_have_attribute("aria-checked", "true")  # arrivals by default
    expect(page.locator("#mode-banner")).to_be_hidden()
    expect(page.locator("#scan-result")).to_have_class("scan-result result-ok")
    expect(page.locator("#result-title")).to_have_text("Có mặt")
    expect(page.locator("#count-here")).to_have_text("1")

    page.click("#scan-mode [data-mode=out]")
    expect(page.locator("#mode-banner")).to_be_visible()
    expect(page.locator("#scanner")).to_have_class("scanner exit-mode")
    expect(page.locator("#walkin-panel")).to_be_hidden()
    expect(page.locator("#result-title")).to_have_text("Sẵn sàng ghi ra về")
    # The card comes round again (the fake camera shows it every 5.5 s): now an exit.
    result = page.locator("#scan-result")
    expect(result).to_have_class("scan-result result-out", timeout=20_000)
    expect(result).to_have_attribute("data-outcome", "accepted")
    expect(page.locator("#result-name")).to_have_text("Hoàng Văn Về Sớm")
    expect(page.locator("#result-title")).to_contain_text("Đã ghi ra về lúc")
    expect(page.locator("#result-title")).to_contain_text("(về sớm)")
    expect(page.locator("#result-pending")).to_be_hidden()  # the server's answer
    expect(page.locator("#result-detail")).to_contain_text("Có mặt 0 phút")
    shot = screenshot(page, "scanner-exit-mode-phone")
    assert shot.exists()
    [(person_id, venue_id, arrived, left)] = exit_rows(live, session.id)
    assert (person_id, venue_id) == (person.id, hall.id)
    assert left is not None and left >= arrived
    expect(page.locator("#recent li.recent-out")).to_have_count(1)

    # The mode is remembered on this device for this venue, and shown as loudly.
    page.reload()
    expect(page.locator("#scan-mode [data-mode=out]")).to_have_attribute("aria-checked", "true")
    expect(page.locator("#mode-banner")).to_be_visible()
    # Shown once more: a second exit replaces the first, and the station says so.
    expect(result).to_have_class("scan-result result-dup", timeout=20_000)
    expect(page.locator("#result-where")).to_contain_text("lượt này thay lượt trước")
    expect(page.locator("#result-pending")).to_be_hidden()
    [(_, _, _, replaced)] = exit_rows(live, session.id)
    assert replaced > left
    context.close()


def test_exits_scanned_offline_wait_and_are_sent_with_their_scan_time(
        live, browser, sign_in, screenshot):
    session, hall, staff = open_session(live)
    person = live.make_person(session.id, full_name="Đinh Thị Ra Về")
    absent = live.make_person(session.id, full_name="Mai Văn Chưa Đến")
    context, page = phone_page(browser)
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")
    expect(page.locator("#roster-info")).to_contain_text("2 người")
    # Online first: the exit of someone who never came in is refused, in words.
    page.click("#scan-mode [data-mode=out]")
    page.evaluate("token => DiemCauScanner.onCode(token)", card_of(live, session.id, absent))
    expect(page.locator("#scan-result")).to_have_class("scan-result result-err")
    expect(page.locator("#result-title")).to_have_text(
        "Người này chưa điểm danh có mặt, không ghi ra về được.")
    expect(page.locator("#result-name")).to_have_text("Mai Văn Chưa Đến")
    expect(page.locator("#count-queue")).to_have_text("0")
    page.click("#scan-mode [data-mode=in]")
    wait_until_cached(page)

    context.set_offline(True)
    expect(page.locator("#net-status")).to_contain_text("Mất kết nối")
    # Arrival offline (picked by name), then the exit of the same person, offline too.
    page.click("#search-panel summary")
    page.fill("#search", "ra ve")
    page.click(f"#search-results button[data-person-id='{person.id}']")
    page.get_by_role("button", name="Xác nhận điểm danh").click()
    expect(page.locator("#scan-result")).to_have_class("scan-result result-ok")
    page.click("#scan-mode [data-mode=out]")
    page.evaluate("token => DiemCauScanner.onCode(token)", card_of(live, session.id, person))
    expect(page.locator("#scan-result")).to_have_class("scan-result result-out")
    expect(page.locator("#result-title")).to_contain_text("Đã ghi ra về lúc")
    expect(page.locator("#result-pending")).to_be_visible()
    expect(page.locator("#count-queue")).to_have_text("2")
    expect(page.locator("#net-status")).to_have_text("Mất kết nối — 2 lượt đang chờ gửi")
    screenshot(page, "scanner-exit-offline-waiting")
    scanned_before = datetime.now(timezone.utc)

    page.reload()  # offline: the page comes from the service worker, both queues are kept
    expect(page.locator("#count-queue")).to_have_text("2")
    expect(page.locator("#mode-banner")).to_be_visible()
    assert exit_rows(live, session.id) == []
    page.wait_for_timeout(1500)  # the exit's scan time is now well before it is sent

    context.set_offline(False)
    expect(page.locator("#count-queue")).to_have_text("0", timeout=20_000)
    expect(page.locator("#net-status")).to_have_text("Đã kết nối — mọi lượt đã gửi")
    expect(page.locator("#recent li.recent-out")).to_contain_text("Đinh Thị Ra Về")
    [(person_id, venue_id, arrived, left)] = exit_rows(live, session.id)
    assert (person_id, venue_id) == (person.id, hall.id)
    assert arrived <= left <= scanned_before  # the device's scan times, not the sending's
    assert page.evaluate(f"DiemCauExits.queue.count({session.id})") == 0
    context.close()
