"""A participant on their phone (390x844) at the wrong bridge point's poster: the page says
where they were invited and asks whether they are really here; yes checks them in here."""

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from attendance.checkin.tokens import presence_code
from attendance.models import Attendance, Person
from webapp.checkin import presence_key

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN",
         "timezone_id": "Asia/Ho_Chi_Minh", "is_mobile": True, "has_touch": True}


def test_wrong_poster_warns_then_checks_in_here(live, browser, screenshot):
    session = live.make_session(bridge_points=2, checkin_window="open")
    invited, here = session.venues[1], session.venues[2]
    person = live.make_person(session.id, full_name="Lê Thị Phổ An", phone="0911112222")

    def move(db):
        row = db.get(Person, person.id)
        row.venue_id = invited.id
        row.category_id = next(c.id for c in row.session.categories
                               if c.venue_kind == "bridge_point" and not c.headcount_only)
        db.commit()
    live.query(move)
    with live.app.app_context():
        code = presence_code(presence_key(), here.id, datetime.now(timezone.utc))
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live.url}/c/{here.code}?p={code}")
    screenshot(page, "participant-self-check-in-phone")
    page.fill("input[name=name]", "le thi pho an")
    page.fill("input[name=digits]", "2222")
    page.get_by_role("button", name="Điểm danh").click()
    warning = page.locator("#other-venue")
    expect(warning).to_contain_text("Bạn được mời dự tại Điểm cầu phường 1.")
    expect(warning).to_contain_text("Đây là Điểm cầu phường 2.")
    screenshot(page, "participant-wrong-poster-phone")
    mine = select(Attendance.venue_id).where(Attendance.person_id == person.id)
    assert live.query(lambda db: db.scalar(mine)) is None
    page.get_by_role("button", name="Có, tôi đang ở Điểm cầu phường 2").click()
    expect(page.locator(".self-result-ok")).to_be_visible()
    screenshot(page, "participant-checked-in-elsewhere-phone")
    assert live.query(lambda db: db.scalar(mine)) == here.id
    context.close()
