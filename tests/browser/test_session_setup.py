"""An organizer sets up a session end to end in a real browser: the session, its hall and a
category, then a roster file with a bad row (named, nothing saved), then the fixed file."""

import re

import pytest

pytestmark = pytest.mark.browser

HEADER = "Họ và tên,Chức vụ,Đơn vị,Thành phần,Địa điểm,Số điện thoại,Đảng viên\n"
ROW_1 = "Lê Thị Ngọc Ánh,Chánh Văn phòng,Văn phòng Thị ủy,Báo cáo viên Thị ủy,Hội trường A,0912000001,có\n"
ROW_2 = "Đặng Văn Hưởng,Trưởng ban,Ban Tuyên giáo,Báo cáo viên Thị ủy,Hội trường A,0912000002,có\n"
BAD = "Phan Thị Lỗi,Chuyên viên,Ban Dân vận,Báo cáo viên Thị ủy,Hội trường A,12345,có\n"
FIXED = "Phan Thị Lỗi,Chuyên viên,Ban Dân vận,Báo cáo viên Thị ủy,Hội trường A,0912000003,có\n"


def _submit(page):
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_organizer_sets_up_a_session_and_imports_its_roster(live, page, sign_in, screenshot,
                                                            tmp_path):
    sign_in(page, live.make_user(role="organizer"))
    page.goto(f"{live.url}/sessions/new")
    page.fill("#title", "Hội nghị quán triệt Nghị quyết thử trên trình duyệt")
    page.fill("#plan_number", "999-KH/TU")
    page.fill("#day", "17/10/2027")
    page.fill("#start_time", "07:30")
    page.fill("#end_time", "11:30")
    _submit(page)
    match = re.search(r"/sessions/(\d+)$", page.url)
    assert match, page.url
    session_id = int(match.group(1))
    assert page.get_by_role("heading", name="Hội nghị quán triệt Nghị quyết thử trên trình duyệt")
    assert "17/10/2027" in page.content()

    page.goto(f"{live.url}/sessions/{session_id}/venues/new")
    page.select_option("#kind", "hall")
    page.fill("#name", "Hội trường A")
    _submit(page)
    page.goto(f"{live.url}/sessions/{session_id}/categories/new")
    page.select_option("#venue_kind", "hall")
    page.fill("#name", "Báo cáo viên Thị ủy")
    _submit(page)
    assert "Hội trường A" in page.content() and "Báo cáo viên Thị ủy" in page.content()
    page.goto(f"{live.url}/sessions/{session_id}/categories/new")
    page.select_option("#venue_kind", "hall")
    page.fill("#name", "Thường trực Thị ủy")
    _submit(page)
    screenshot(page, "organizer-session-overview-desktop")

    # The expected-count grid: "Cộng" follows the typing, and the typed figures' after an error.
    page.goto(f"{live.url}/sessions/{session_id}/expected")
    cells = page.locator("table.expected-grid tbody input")
    cells.nth(0).fill("12")
    cells.nth(1).fill("3")
    row_total = page.locator("table.expected-grid tbody [data-row-total]")
    assert row_total.inner_text() == "15"
    cells.nth(1).fill("ba")  # not a number: refused, nothing saved
    assert row_total.inner_text() == "12"
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".cell-error").count() == 1
    assert cells.nth(0).input_value() == "12" and row_total.inner_text() == "12"
    screenshot(page, "organizer-expected-grid-error-desktop")

    broken = tmp_path / "roster.csv"
    broken.write_text(HEADER + ROW_1 + BAD + ROW_2, encoding="utf-8-sig")  # as Excel saves it
    page.goto(f"{live.url}/sessions/{session_id}/roster/import")
    page.set_input_files("input[type=file][name=file]", str(broken))
    page.click("form.upload-form button[type=submit]")
    page.wait_for_load_state()
    bad = page.locator(".bad-rows li")
    assert bad.count() == 1
    assert "Dòng 3" in bad.first.inner_text() and "Số điện thoại" in bad.first.inner_text()
    assert page.locator("button[name=confirm]").count() == 0
    screenshot(page, "session-setup-bad-row")

    fixed = tmp_path / "roster-fixed.csv"
    fixed.write_text(HEADER + ROW_1 + FIXED + ROW_2, encoding="utf-8-sig")
    page.set_input_files("input[type=file][name=file]", str(fixed))
    page.click("form.upload-form button[type=submit]")
    page.wait_for_load_state()
    page.click("button[name=confirm]")
    page.wait_for_url(f"{live.url}/sessions/{session_id}/roster/")
    for name in ("Lê Thị Ngọc Ánh", "Phan Thị Lỗi", "Đặng Văn Hưởng"):
        assert page.get_by_text(name, exact=True).first.is_visible()
    screenshot(page, "session-setup-roster")
