"""A citizen ID card (CCCD) in front of the scanner's (fake) camera: its holder is checked in;
a card that matches no one opens the walk-in form filled in from it. Phone viewport 390x844."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from attendance.checkin import citizen, tokens
from attendance.models import Attendance, Person

from .camera import qr_camera_file
from .test_scanner import open_session, phone_page

pytestmark = pytest.mark.browser

# number|old number|name|birth|sex|address|issued, as the chip card's QR holds them
CARD = "001085012345||Trần Văn Căn Cước|15031985|Nam|Số 12 Tổ 3, Phường Nguyễn Nghiêm, Đức Phổ|10082021"


def _scanner(live, chromium_with_camera, sign_in, tmp_path, session, staff):
    browser = chromium_with_camera(qr_camera_file(CARD, tmp_path / "cccd.y4m"))
    context, page = phone_page(browser, permissions=["camera"])
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")
    return context, page


def test_a_citizen_id_card_checks_its_holder_in(live, chromium_with_camera, sign_in,
                                                screenshot, tmp_path):
    session, _hall, staff = open_session(live)
    key = tokens.derive_key(live.app.config["SECRET_KEY"], "card")
    person = live.make_person(session.id, full_name="Trần Văn Căn Cước",
                              cccd_hash=citizen.number_hash(key, "001085012345"))
    context, page = _scanner(live, chromium_with_camera, sign_in, tmp_path, session, staff)

    expect(page.locator("#scan-result")).to_have_attribute("data-outcome", "accepted")
    expect(page.locator("#result-name")).to_have_text("Trần Văn Căn Cước")
    expect(page.locator("#result-pending")).to_be_hidden()
    expect(page.locator("#count-here")).to_have_text("1")
    screenshot(page, "scanner-citizen-card-accepted")
    rows = live.query(lambda db: db.execute(select(Attendance.person_id, Attendance.method)
                                            .where(Attendance.session_id == session.id)).all())
    assert rows == [(person.id, "citizen_card")]
    context.close()


def test_an_unknown_citizen_id_card_opens_the_walk_in_form_filled_in(
        live, chromium_with_camera, sign_in, screenshot, tmp_path):
    session, _hall, staff = open_session(live)
    context, page = _scanner(live, chromium_with_camera, sign_in, tmp_path, session, staff)

    expect(page.locator("#scan-result")).to_have_attribute("data-outcome", "rejected")
    expect(page.locator("#result-title")).to_contain_text("Không có trong danh sách")
    expect(page.locator("#walkin-panel")).to_have_attribute("open", "")
    expect(page.locator("#walkin-name")).to_have_value("Trần Văn Căn Cước")
    expect(page.locator("#walkin-citizen")).to_contain_text("15/03/1985")
    expect(page.locator("#walkin-citizen")).to_contain_text("…2345")
    screenshot(page, "scanner-citizen-card-walk-in")
    assert page.locator("#scan-alert").is_hidden()  # an answer, not a late refusal
    # Nothing of the address was queued or sent.
    assert page.evaluate(f"DiemCauStore.waiting({session.id})") == []

    page.select_option("#walkin-category", label="Báo cáo viên Thị ủy")
    page.click("#walkin-form button[type=submit]")
    expect(page.locator("#scan-result")).to_have_attribute("data-outcome", "accepted")
    expect(page.locator("#walkin-citizen")).to_be_hidden()
    key = tokens.derive_key(live.app.config["SECRET_KEY"], "card")
    person = live.query(lambda db: db.execute(
        select(Person.full_name, Person.walk_in, Person.birth_date, Person.cccd_hash)
        .where(Person.session_id == session.id)).one())
    assert tuple(person) == ("Trần Văn Căn Cước", True, date(1985, 3, 15),
                             citizen.number_hash(key, "001085012345"))
    context.close()
