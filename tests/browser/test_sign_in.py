"""A real browser signs in and sees the sessions list."""

import pytest

pytestmark = pytest.mark.browser


def test_organizer_signs_in_and_sees_sessions(live, page, sign_in, screenshot):
    session = live.make_session(title="Hội nghị quán triệt Nghị quyết thử trình duyệt")
    organizer = live.make_user(role="organizer", full_name="Trần Thị Tổ Chức")

    sign_in(page, organizer)

    assert page.url.endswith("/sessions/")
    assert page.get_by_text(session.title).is_visible()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    screenshot(page, "sign-in-sessions-list")


def test_wrong_password_keeps_the_login_page(live, page, screenshot):
    organizer = live.make_user(role="organizer")
    page.goto(f"{live.url}/login")
    page.fill("input[name=username]", organizer.username)
    page.fill("input[name=password]", "not-the-password")
    page.click("form button[type=submit]:not(.compact)")

    assert page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").is_visible()
    assert "/login" in page.url
