"""Closing the roll in a real browser: the page asks in itself (never the browser's confirm
dialog), saying how many people will be marked absent, then closes; a phone sees it too."""

from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.browser


def test_close_asks_in_the_page_then_closes(live, page, sign_in, screenshot):
    ended = datetime.now(timezone.utc) - timedelta(hours=5, minutes=30)
    session = live.make_session(now=ended, title="Hội nghị thử khóa sổ")
    hall = session.venues[0]
    for i in range(3):
        live.make_person(session.id, full_name=f"Người Chưa Điểm Danh {i}")
    organizer = live.make_user(role="organizer")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, organizer)
    page.goto(f"{live.url}/sessions/{session.id}/close")
    page.locator(f"a.close-venue[href*='venue_id={hall.id}']").click()
    confirm = page.locator("#close-confirm")
    confirm.wait_for()
    assert "3 người chưa điểm danh tại Hội trường UBND thị xã" in confirm.inner_text()
    assert confirm.bounding_box()["width"] <= 390
    page.screenshot(path="/tmp/modes-close-confirm-390.png", full_page=True)
    page.click("#close-confirm-yes")
    page.wait_for_url(lambda url: "ask" not in url)
    assert "3 người chưa điểm danh được ghi vắng không lý do" in page.content()
    assert "Đã khóa lúc" in page.locator("tbody tr").first.inner_text()
    assert dialogs == []  # never window.confirm()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path="/tmp/modes-close-done-1366.png", full_page=True)
    closed = live.query(lambda db: db.execute(__import__("sqlalchemy").text(
        "SELECT count(*) FROM attendances WHERE session_id = :s AND method = 'closed'"),
        {"s": session.id}).scalar())
    assert closed == 3
    screenshot(page, "close-roll")
