"""The online import in a real browser: a Zoom report whose names are misspelt or unknown is
previewed with the people it most likely means, the organizer picks them (or skips a guest),
and only then is anyone recorded present online."""

import pytest
from sqlalchemy import select

from attendance.models import Attendance

pytestmark = pytest.mark.browser

ZOOM = """Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
84512345678,Hội nghị,11/27/2026 07:25:00 AM,11/27/2026 11:02:00 AM,vp@example.vn,217,3
,,,,,,
Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent
Tran Thi Binh,,11/27/2026 07:28:10 AM,11/27/2026 11:00:02 AM,212,Yes,Y
iPhone của Le Van Cuogn,,11/27/2026 07:29:00 AM,11/27/2026 11:00:00 AM,211,Yes,Y
Khach moi,,11/27/2026 07:30:00 AM,11/27/2026 11:00:00 AM,210,Yes,Y
"""


def _online(live, session_id):
    return live.query(lambda db: db.execute(
        select(Attendance.person_id, Attendance.mode).where(Attendance.session_id == session_id)
        .order_by(Attendance.person_id)).all())


def test_a_misspelt_name_is_offered_its_person_first_and_a_guest_skipped(
        live, page, sign_in, screenshot, tmp_path):
    session = live.make_session()  # 27/11/2026 07:30-11:00, the report's morning
    binh = live.make_person(session.id, full_name="Trần Thị Bình")
    cuong = live.make_person(session.id, full_name="Lê Văn Cường")
    live.make_person(session.id, full_name="Lê Văn Cương")  # one letter from the one meant
    sign_in(page, live.make_user(role="organizer"))
    report = tmp_path / "participants.csv"
    report.write_text(ZOOM, encoding="utf-8")

    page.goto(f"{live.url}/sessions/{session.id}/online")
    page.set_input_files("input[type=file][name=file]", str(report))
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator("#online-preview")
    expect_rows = preview.locator("tbody tr")
    assert expect_rows.count() == 3
    assert "Trần Thị Bình" in expect_rows.nth(0).inner_text()  # matched without diacritics
    misspelt = page.get_by_label("Chọn người cho dòng iPhone của Le Van Cuogn")
    options = misspelt.locator("option").all_inner_texts()
    assert options[0].startswith("— Chưa khớp")
    assert options[1].startswith("Lê Văn Cường — ")  # the person meant, first
    assert options[-1].startswith("Bỏ qua")
    hints = preview.locator(".suggested").all_inner_texts()
    assert hints[0].startswith("Gợi ý: Lê Văn Cường")  # seen without opening the list
    guest = page.get_by_label("Chọn người cho dòng Khach moi")
    assert guest.locator("option").count() == 2  # a stranger: no suggestion, only skip
    assert hints[1] == "Không có tên gần giống trong danh sách."
    screenshot(page, "online-import-suggestions")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "online-import-suggestions-phone")

    page.get_by_role("button", name="Ghi nhận có mặt trực tuyến").click()
    assert page.locator("#online-problem").is_visible()  # two lines still wait for a choice
    assert _online(live, session.id) == []

    page.get_by_label("Chọn người cho dòng iPhone của Le Van Cuogn").select_option(str(cuong.id))
    page.get_by_label("Chọn người cho dòng Khach moi").select_option("skip")
    page.get_by_role("button", name="Ghi nhận có mặt trực tuyến").click()
    page.wait_for_url(lambda url: "/online" not in url)
    assert _online(live, session.id) == sorted([(binh.id, "online"), (cuong.id, "online")])
