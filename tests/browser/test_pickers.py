"""The venue picker of a large session in Chromium (static/js/pickers.js): typing part of
a name offers the matching venues (accents aside), the chosen one's id goes in the hidden
field, and the roster filter shows that venue's people; at 390 px the box fits the screen."""

import pytest
from playwright.sync_api import expect

from attendance.models import StudySession, Venue
from tests import factories
from webapp import pickers

pytestmark = pytest.mark.browser


def test_typing_offers_the_venues_and_the_chosen_one_filters_the_roster(
        live, browser, sign_in, screenshot, monkeypatch):
    monkeypatch.setattr(pickers, "SELECT_MAX", 2)
    session = live.make_session(bridge_points=3)
    point = session.venues[2]
    live._create(lambda db: factories.gen_person(
        db, db.get(StudySession, session.id), venue=db.get(Venue, point.id),
        full_name="Trần Thị Bình"))
    live.make_person(session.id, full_name="Nguyễn Văn An")
    organizer = live.make_user()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                  is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, organizer)
    page.goto(f"{live.url}/sessions/{session.id}/roster/")
    box = page.locator("input[name=venue_id_name]")
    box.fill("phuong")  # no accents: the suggestions still come
    expect(page.locator("#venue_id-options option")).to_have_count(3)
    assert page.locator("input[type=hidden][name=venue_id]").input_value() == ""
    box.fill("Điểm cầu phường 2")
    expect(page.locator("input[type=hidden][name=venue_id]")).to_have_value(str(point.id))
    assert box.bounding_box()["width"] <= 390
    screenshot(page, "venue-picker-phone")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("Trần Thị Bình")
    expect(page.locator("table")).not_to_contain_text("Nguyễn Văn An")
    context.close()


def test_a_unit_is_chosen_by_typing_part_of_its_name(live, browser, sign_in, monkeypatch):
    """A large tree's unit field (the member form): the suggestions come from /units/search
    with the parent's name, the chosen one's id goes in the hidden field."""
    from tests.cascade_data import gen_unit

    monkeypatch.setattr(pickers, "SELECT_MAX", 0)  # the live database's few units are many

    def tree(db):
        district = gen_unit(db, "Huyện ủy Tư Nghĩa (bộ chọn)")
        commune = gen_unit(db, "Đảng ủy xã Nghĩa Kỳ (bộ chọn)", parent=district)
        return commune
    commune = live._create(tree)
    organizer = live.make_user()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, organizer)
    page.goto(f"{live.url}/members/new")
    box = page.locator("input[name=unit_id_name]")
    box.fill("nghia ky")
    option = page.locator("#unit_id-options option")
    expect(option).to_have_count(1)
    label = option.first.get_attribute("value")
    assert label == "Đảng ủy xã Nghĩa Kỳ (bộ chọn) · Huyện ủy Tư Nghĩa (bộ chọn)"
    box.fill(label)
    expect(page.locator("input[type=hidden][name=unit_id]")).to_have_value(str(commune.id))
    context.close()
