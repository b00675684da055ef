"""A nation's learning-outcome page on its first view: the figures are computed in the
background (attendance.outcomes.kept), the page says so and reloads itself into them, then
shows when they were computed; on a desktop and on a 390 px phone."""

from playwright.sync_api import expect

import pytest

from tests.cascade_data import build_town
from webapp.jobs import runner

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN", "is_mobile": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


def test_the_first_view_of_a_large_tree_reloads_itself_into_the_figures(live, browser,
                                                                         sign_in, screenshot):
    session_id = live.query(lambda db: _town(db))
    viewer = live.make_user(role="viewer")
    asked = []
    app = live.app
    saved = app.config["JOBS_DIRECT_UNITS"], app.extensions["diemcau.refresh_cascade"]
    app.config["JOBS_DIRECT_UNITS"] = 3  # the town's 6 units count as a large tree
    app.extensions["diemcau.refresh_cascade"] = asked.append  # a worker yet to run it
    try:
        for name, options in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(**options)
            context.set_default_timeout(15_000)
            page = context.new_page()
            sign_in(page, viewer)
            page.goto(f"{live.url}/sessions/{session_id}/outcomes")
            if name == "desktop":
                expect(page.locator("#cascade-pending")).to_contain_text(
                    "Đang tính số liệu lần đầu")
                screenshot(page, f"outcomes-pending-{name}")
                assert asked == [session_id]
                runner.refresh_cascade(app, session_id)  # the worker's turn
            # The page reloads itself (every 5 s) into the kept figures.
            expect(page.locator("#cascade-kept")).to_contain_text("Số liệu tính lúc")
            expect(page.locator("#cascade")).to_contain_text("Đảng ủy xã Phổ Hòa")
            screenshot(page, f"outcomes-kept-{name}")
            context.close()
        assert asked == [session_id]  # asked once
    finally:
        app.config["JOBS_DIRECT_UNITS"], app.extensions["diemcau.refresh_cascade"] = saved


def _town(db) -> int:
    town = build_town(db)
    for unit in (town.town, town.hoa, town.ninh, *town.cells.values()):  # names of its own:
        unit.name = (unit.name.replace("Chi bộ tổ dân phố", "Chi bộ thôn")  # the live
                     .replace("Đảng ủy phường", "Đảng ủy xã")  # database is shared, and
                     .replace("Thị ủy Đức Phổ", "Huyện ủy Ba Tơ"))  # other tests list units
    db.commit()
    return town.session.id
