"""The roster import in a real browser: a file with a bad row is refused with the row named,
the fixed file is imported, and the roster shows everyone."""

import pytest

pytestmark = pytest.mark.browser

HEADER = "Họ và tên,Chức vụ,Đơn vị,Thành phần,Địa điểm,Số điện thoại,Đảng viên\n"
GOOD_ROWS = [
    "Lê Văn Thường Trực,Phó Bí thư Thường trực,Thị ủy,Thường trực Thị ủy,"
    "Hội trường UBND thị xã,0912345678,có\n",
    "Phạm Thị Báo Cáo,Báo cáo viên,Ban Tuyên giáo,Báo cáo viên Thị ủy,"
    "Hội trường UBND thị xã,0987654321,có\n",
]
BAD_ROW = ("Võ Minh Sai Dòng,Đảng ủy viên,Đảng ủy phường 1,Thành phần không có,"
           "Điểm cầu phường 1,0905111222,có\n")
FIXED_ROW = ("Võ Minh Sai Dòng,Đảng ủy viên,Đảng ủy phường 1,Đảng ủy viên,"
             "Điểm cầu phường 1,0905111222,có\n")


def _upload(page, path):
    page.set_input_files("input[type=file][name=file]", str(path))
    page.click("form.upload-form button[type=submit]")
    page.wait_for_load_state()


def test_import_names_the_bad_row_then_imports_the_fixed_file(live, page, sign_in,
                                                                screenshot, tmp_path):
    session = live.make_session(title="Hội nghị thử nhập danh sách bằng trình duyệt")
    organizer = live.make_user(role="organizer")
    sign_in(page, organizer)

    broken = tmp_path / "danh-sach.csv"
    broken.write_text(HEADER + GOOD_ROWS[0] + BAD_ROW + GOOD_ROWS[1], encoding="utf-8")
    page.goto(f"{live.url}/sessions/{session.id}/roster/import")
    _upload(page, broken)

    bad_rows = page.locator(".bad-rows li")
    assert bad_rows.count() == 1
    assert "Dòng 3" in bad_rows.first.inner_text()  # the header is row 1
    assert "Võ Minh Sai Dòng" in bad_rows.first.inner_text()
    assert page.locator("#row-3.row-error").is_visible()
    assert page.locator("button[name=confirm]").count() == 0  # nothing can be imported
    screenshot(page, "roster-import-bad-row")
    assert _people_in(live, session.id) == 0  # all rows or none

    fixed = tmp_path / "danh-sach-da-sua.csv"
    fixed.write_text(HEADER + GOOD_ROWS[0] + FIXED_ROW + GOOD_ROWS[1], encoding="utf-8")
    _upload(page, fixed)
    assert page.locator(".bad-rows").count() == 0
    page.click("button[name=confirm]")
    page.wait_for_url(f"{live.url}/sessions/{session.id}/roster/")

    assert page.locator(".flash-success").is_visible()
    for name in ("Lê Văn Thường Trực", "Võ Minh Sai Dòng", "Phạm Thị Báo Cáo"):
        assert page.get_by_text(name, exact=True).first.is_visible()
    assert _people_in(live, session.id) == 3
    screenshot(page, "roster-after-import")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "roster-after-import-phone")


def _people_in(live, session_id):
    from sqlalchemy import func, select

    from attendance.models import Person

    return live.query(lambda db: db.scalar(
        select(func.count()).select_from(Person).where(Person.session_id == session_id)))
