"""A real browser signs in and lands on its task: the organizer on today's session."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_organizer_signs_in_and_lands_on_a_session(live, page, sign_in, screenshot):
    session = live.make_session(title="Hội nghị quán triệt Nghị quyết thử trình duyệt")
    organizer = live.make_user(role="organizer", full_name="Trần Thị Tổ Chức")

    sign_in(page, organizer)

    # today's session (other browser tests' sessions share the database: any one of them)
    assert re.search(r"/sessions/\d+$", page.url)
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    screenshot(page, "organizer-session-desktop")
    page.locator("header").get_by_role("link", name="Hội nghị", exact=True).click()
    assert page.get_by_text(session.title).first.is_visible()
    screenshot(page, "organizer-sessions-list-desktop")


def test_wrong_password_keeps_the_login_page(live, page, screenshot):
    organizer = live.make_user(role="organizer")
    page.goto(f"{live.url}/login")
    page.fill("input[name=username]", organizer.username)
    page.fill("input[name=password]", "not-the-password")
    page.click("form button[type=submit]:not(.compact)")

    assert page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").is_visible()
    assert "/login" in page.url
