"""A large member file in Chromium (desktop and 390 px): the upload hands it to the job
worker (run here by the test: the live server has none), the page follows the job to its
check, and its button imports the file."""

import re

import pytest
from playwright.sync_api import expect

from attendance.models import Unit
from webapp.jobs import runner

pytestmark = pytest.mark.browser


def test_a_large_member_file_is_checked_then_imported_on_its_job_page(
        live, browser, sign_in, screenshot, tmp_path):
    from tests.cascade_data import gen_unit

    app = live.app
    saved = app.config["JOBS_DIRECT_IMPORT_ROWS"]
    app.config["JOBS_DIRECT_IMPORT_ROWS"] = 1  # every file counts as large here
    unit = live._create(lambda db: gen_unit(db, "Chi bộ thôn Nhập Tệp", kind="party_cell",
                                            code="CB-NHAP-TEP"))
    organizer = live.make_user()
    file = tmp_path / "dang-vien.csv"
    file.write_text("Họ và tên,Mã đơn vị,Số thẻ đảng viên\n"
                    "Lê Văn Tệp,CB-NHAP-TEP,77.000001\nTrần Thị Tệp,CB-NHAP-TEP,77.000002\n",
                    encoding="utf-8")
    try:
        for name, viewport in (("desktop", {"width": 1366, "height": 900}),
                               ("phone", {"width": 390, "height": 844})):
            context = browser.new_context(viewport=viewport, locale="vi-VN")
            context.set_default_timeout(15_000)
            page = context.new_page()
            sign_in(page, organizer)
            page.goto(f"{live.url}/members/import")
            page.set_input_files("input[type=file]", str(file))
            page.locator("form.upload-form button[type=submit]").click()
            expect(page).to_have_url(re.compile(r"/members/import/jobs/[0-9a-f]+$"))
            runner.run(app, page.url.rsplit("/", 1)[1])  # the job worker's turn
            # the page, polling the job, reloads itself into what the check found
            if name == "desktop":
                expect(page.locator("#import-counts")).to_contain_text("thêm mới 2")
                screenshot(page, f"members-import-job-{name}")
                page.locator("#import-result button[type=submit]").click()
                expect(page).to_have_url(re.compile(r"/members/import/jobs/[0-9a-f]+$"))
                runner.run(app, page.url.rsplit("/", 1)[1])
                expect(page.locator("#import-done")).to_contain_text("thêm 2")
            else:  # the same file again: now both are there, nothing to change
                expect(page.locator("#import-counts")).to_contain_text("không đổi 2")
            screenshot(page, f"members-import-job-done-{name}")
            context.close()
        assert unit.id == live.query(lambda db: db.query(Unit).filter_by(
            code="CB-NHAP-TEP").one().id)
    finally:
        app.config["JOBS_DIRECT_IMPORT_ROWS"] = saved
