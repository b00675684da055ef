"""The live dashboard on a 390 px phone: nothing wider than the screen, every lagging venue and
category says so in words, a venue unfolds into its categories and stays open across the
5-second refresh."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN",
         "timezone_id": "Asia/Ho_Chi_Minh", "is_mobile": True, "has_touch": True}


def _fits(page) -> bool:
    """Nothing wider than the screen, and no table scrolled sideways inside its box."""
    return page.evaluate("""() => document.documentElement.scrollWidth <= 390 &&
        [...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth)""")


def test_the_dashboard_fits_a_phone_and_keeps_venues_open(live, browser, sign_in, screenshot):
    session = live.make_session(bridge_points=4)
    viewer = live.make_user(role="viewer")
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, viewer)
    page.goto(f"{live.url}/sessions/{session.id}/dashboard")
    hall = session.venues[0]

    assert _fits(page)
    rows = page.locator("tr.row-lagging")
    assert rows.count() > 0  # nobody came yet: every venue and category lags
    for i in range(rows.count()):
        row = rows.nth(i)
        if row.is_visible():
            expect(row.locator(".lag-flag")).to_have_text("Dưới ngưỡng")
    categories = page.locator(f'[data-category-of="{hall.id}"]')
    expect(categories.first).to_be_hidden()  # folded by the script
    page.click(f'[data-expand="{hall.id}"]')
    expect(categories.first).to_be_visible()
    expect(categories.first.locator(".lag-flag")).to_be_visible()
    with page.expect_response(lambda r: "partial=1" in r.url, timeout=10_000):
        pass  # the page's own refresh
    page.wait_for_timeout(200)
    expect(categories.first).to_be_visible()  # still open after the refresh
    expect(page.locator(f'[data-expand="{hall.id}"]')).to_have_attribute("aria-expanded", "true")
    assert _fits(page)
    screenshot(page, "dashboard-phone")
    context.close()
