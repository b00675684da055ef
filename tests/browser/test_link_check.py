"""A bridge point's link checklist on the coordinator's phone (390x844): filled in without a
connection, kept in the roll page's queue (still there after reloading offline), sent once
when the connection is back; the point's readiness follows."""

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from attendance.models import LinkCheck, Venue

pytestmark = pytest.mark.browser

CACHED_URLS = ("caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
               ".then(c => c.keys()).then(rs => [n, rs.map(r => r.url)"
               ".filter(u => u.indexOf('/static/') < 0)]))))")  # the pages kept, not the shell
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN",
         "timezone_id": "Asia/Ho_Chi_Minh", "is_mobile": True, "has_touch": True}


def test_the_checklist_is_queued_offline_and_sent_once(live, browser, sign_in, screenshot):
    session = live.make_session(now=datetime.now(timezone.utc))
    point = session.venues[1]
    coordinator = live.make_user(role="coordinator", venue=point)
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, coordinator)
    page.goto(f"{live.url}/sessions/{session.id}/venues/{point.id}/roll")
    expect(page.locator("#link-check summary")).to_contain_text("Chưa sẵn sàng")
    page.wait_for_function(  # the service worker keeps the page for an offline reload
        "navigator.serviceWorker.ready.then(() => caches.keys())"
        ".then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.match(location.href)))))"
        ".then(hits => hits.some(Boolean))")

    context.set_offline(True)
    for item in ("picture", "sound", "link", "backup_link"):
        page.check(f"input[name={item}][value=ok]")
    page.fill("#technician-name", "Lê Văn Kỹ")
    page.fill("#technician-phone", "0905123456")
    page.click("#link-check button[type=submit]")
    expect(page.locator("#roll-waiting")).to_contain_text("kiểm tra đường truyền")
    screenshot(page, "roll-link-check-offline")
    page.reload()  # offline: the page from the service worker, the checklist from the queue
    page.wait_for_load_state()
    assert page.locator("#technician-name").count() == 1, (  # what the worker had kept
        page.content()[-120:], page.evaluate(CACHED_URLS))
    expect(page.locator("#technician-name")).to_have_value("Lê Văn Kỹ")
    expect(page.locator("input[name=backup_link][value=ok]")).to_be_checked()
    # nothing of this point's reached the server (other tests' points have checklists too)
    assert live.query(lambda db: db.scalar(select(LinkCheck.id)
                                           .where(LinkCheck.venue_id == point.id))) is None

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#link-check summary")).to_contain_text("Đã kết nối")
    expect(page.locator("#roll-notice")).to_contain_text("Đã lưu kiểm tra đường truyền")
    expect(page.locator("#roll-waiting")).to_be_hidden()
    page.wait_for_timeout(4500)  # a retry round: nothing is sent twice
    rows = live.query(lambda db: db.execute(select(LinkCheck.item, LinkCheck.state)
                                            .where(LinkCheck.venue_id == point.id)
                                            .order_by(LinkCheck.item)).all())
    assert rows == [("backup_link", "ok"), ("link", "ok"), ("picture", "ok"), ("sound", "ok"),
                    ("technician", "ok")]
    assert live.query(lambda db: db.get(Venue, point.id).readiness) == "connected"
    assert page.evaluate(f"DiemCauStore.named('diemcau-roll').count({session.id})") == 0
    context.close()
