"""Roster pages through the test client: list, permissions, import preview and confirm, forms."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from attendance.models import Attendance, Person

from .factories import NOW

DATA = Path(__file__).parent / "data"


@pytest.fixture
def session(make_session):
    return make_session()


def _count(db):
    return db.scalar(select(func.count(Person.id)))


def _upload(client, session, path_or_bytes, name="roster.csv"):
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return client.post(f"/sessions/{session.id}/roster/import",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_list_searches_filters_and_pages(session, make_person, make_user, login):
    make_person(session, full_name="Nguyễn Văn Đức")
    for i in range(55):
        make_person(session, full_name=f"Trần Văn Số {i:02d}", venue=session.venues[1])
    client = login(make_user())
    page = client.get(f"/sessions/{session.id}/roster/").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in page and "56" in page and "Trang 1 / 2" in page
    page = client.get(f"/sessions/{session.id}/roster/?q=van+duc").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in page and "Trần Văn Số" not in page
    page = client.get(f"/sessions/{session.id}/roster/?venue_id={session.venues[1].id}&page=2")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Trần Văn Số 54" in text and "Nguyễn Văn Đức" not in text
    assert client.get("/sessions/999999/roster/").status_code == 404


def test_staff_see_only_their_own_venue(session, make_person, make_user, login):
    hall, bridge = session.venues[0], session.venues[1]
    make_person(session, full_name="Người Hội Trường", venue=hall)
    make_person(session, full_name="Người Điểm Cầu", venue=bridge)
    client = login(make_user(role="coordinator", venue=bridge))
    page = client.get(f"/sessions/{session.id}/roster/").get_data(as_text=True)
    assert "Người Điểm Cầu" in page and "Người Hội Trường" not in page
    assert client.get(f"/sessions/{session.id}/roster/?venue_id={hall.id}").status_code == 403
    assert client.get(f"/sessions/{session.id}/roster/import").status_code == 403
    assert client.get(f"/sessions/{session.id}/roster/new").status_code == 403


def test_viewer_reads_all_but_cannot_change(session, make_person, make_user, login):
    person = make_person(session, full_name="Người Hội Trường")
    client = login(make_user(role="viewer"))
    assert "Người Hội Trường" in client.get(f"/sessions/{session.id}/roster/").get_data(
        as_text=True)
    assert client.post(f"/sessions/{session.id}/roster/{person.id}/remove").status_code == 403
    assert _upload(client, session, DATA / "roster_good.csv").status_code == 403


def test_import_preview_names_the_bad_rows_and_saves_nothing(db, session, make_user, login):
    client = login(make_user())
    response = _upload(client, session, DATA / "roster_bad.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dòng 3: Thiếu họ và tên" in page
    assert "Dòng 7 (Bùi Thị Lan): Số điện thoại không hợp lệ" in page
    assert page.count('class="row-error"') == 7
    assert "Xác nhận nhập" not in page
    assert _count(db) == 0


def test_import_preview_then_confirm(db, session, make_user, login, app):
    client = login(make_user())
    page = _upload(client, session, DATA / "roster_good.csv").get_data(as_text=True)
    assert "Xác nhận nhập 4 người" in page and 'class="row-error"' not in page
    assert _count(db) == 0  # nothing saved by the preview
    upload = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/sessions/{session.id}/roster/import/confirm",
                           data={"upload": upload})
    assert response.status_code == 302
    assert _count(db) == 4
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 4 người" in page
    # The stored file is used once: confirming again finds nothing and imports nothing.
    again = client.post(f"/sessions/{session.id}/roster/import/confirm", data={"upload": upload},
                        follow_redirects=True)
    assert "tải lên lại" in again.get_data(as_text=True) and _count(db) == 4


def test_confirm_refuses_forged_upload_ids(db, session, make_user, login):
    client = login(make_user())
    for upload in ("../../secret_key", "x" * 30 + ".csv", ""):
        response = client.post(f"/sessions/{session.id}/roster/import/confirm",
                               data={"upload": upload})
        assert response.status_code == 302
    assert _count(db) == 0


def test_confirm_rechecks_the_roster(db, session, make_user, make_person, login):
    client = login(make_user())
    page = _upload(client, session, DATA / "roster_good.csv").get_data(as_text=True)
    upload = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
    make_person(session, full_name="Nguyễn Văn An", phone="0912345678")  # added meanwhile
    response = client.post(f"/sessions/{session.id}/roster/import/confirm",
                           data={"upload": upload})
    assert response.status_code == 400
    assert "Trùng người đã có" in response.get_data(as_text=True)
    assert _count(db) == 1


@pytest.mark.parametrize("data, text", [
    (b"", "Hãy chọn một tệp"),
    ("Họ và tên,Chức vụ\r\nAn,X\r\n".encode(), "Thiếu cột bắt buộc: Thành phần, Địa điểm."),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "Không đọc được tệp"),
])
def test_unusable_uploads_get_a_clear_message(db, session, make_user, login, data, text):
    client = login(make_user())
    if data:
        response = _upload(client, session, data)
    else:
        response = client.post(f"/sessions/{session.id}/roster/import", data={})
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)


def test_templates_download(session, make_user, login):
    client = login(make_user())
    csv_response = client.get(f"/sessions/{session.id}/roster/template.csv")
    assert csv_response.status_code == 200
    assert csv_response.data.decode("utf-8-sig").startswith("Họ và tên;Chức vụ;Đơn vị")
    xlsx = client.get(f"/sessions/{session.id}/roster/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert "attachment" in xlsx.headers["Content-Disposition"]


def test_add_edit_remove_person(db, session, make_user, login):
    client = login(make_user())
    hall = session.venues[0]
    category = session.categories_for("hall")[0]
    form = dict(full_name="Phạm Văn Tâm", position="Chuyên viên", unit_name="Văn phòng",
                venue_id=hall.id, category_id=category.id, phone="0912 111 222",
                party_member="y")
    response = client.post(f"/sessions/{session.id}/roster/new", data=form)
    assert response.status_code == 302
    person = db.scalar(select(Person))
    assert person.phone == "0912111222" and person.party_member is True

    bridge_category = session.categories_for("bridge_point")[0]
    response = client.post(f"/sessions/{session.id}/roster/{person.id}/edit",
                           data=dict(form, category_id=bridge_category.id, phone="12"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thành phần này không dự tại loại địa điểm đó" in page
    assert "Số điện thoại không hợp lệ" in page
    db.refresh(person)
    assert person.category_id == category.id and person.phone == "0912111222"

    response = client.post(f"/sessions/{session.id}/roster/{person.id}/edit",
                           data={k: v for k, v in dict(form, position="Trưởng phòng").items()
                                 if k != "party_member"})  # an unticked box is not sent
    assert response.status_code == 302
    db.refresh(person)
    assert person.position == "Trưởng phòng" and person.party_member is False

    assert client.post(f"/sessions/{session.id}/roster/{person.id}/remove").status_code == 302
    assert _count(db) == 0


def test_duplicate_and_empty_name_in_the_form(db, session, make_user, make_person, login):
    make_person(session, full_name="Phạm Văn Tâm", phone="0912111222")
    client = login(make_user())
    hall = session.venues[0]
    form = dict(full_name="pham van tam", venue_id=hall.id,
                category_id=session.categories_for("hall")[0].id, phone="0912111222")
    page = client.post(f"/sessions/{session.id}/roster/new", data=form).get_data(as_text=True)
    assert "Trùng người đã có" in page
    page = client.post(f"/sessions/{session.id}/roster/new",
                       data=dict(form, full_name="")).get_data(as_text=True)
    assert "Không được để trống" in page
    page = client.post(f"/sessions/{session.id}/roster/new",
                       data=dict(form, full_name="Người Mới", venue_id="abc")).get_data(
                           as_text=True)
    assert "Thiếu địa điểm" in page
    assert _count(db) == 1


def test_remove_refused_after_check_in(db, session, make_user, make_person, login):
    person = make_person(session)
    db.add(Attendance(session_id=session.id, person_id=person.id, venue_id=person.venue_id,
                      status="present", method="card", at=NOW))
    db.commit()
    client = login(make_user())
    response = client.post(f"/sessions/{session.id}/roster/{person.id}/remove",
                           follow_redirects=True)
    assert "Người này đã điểm danh" in response.get_data(as_text=True)
    assert _count(db) == 1


def test_person_of_another_session_is_not_found(session, make_session, make_person, make_user,
                                                login):
    other = make_person(make_session())
    client = login(make_user())
    assert client.get(f"/sessions/{session.id}/roster/{other.id}/edit").status_code == 404


def test_the_preview_names_the_units_an_ambiguous_unit_name_could_be(db, session, make_user,
                                                                       login):
    from attendance.models import Unit
    wards = [Unit(code=f"PW{n}", name=f"Đảng ủy phường {n}", kind="committee") for n in (1, 2)]
    db.add_all(wards)
    db.flush()
    db.add_all(Unit(code=f"PW{n}-1", name="Chi bộ tổ dân phố 1", kind="cell", parent_id=w.id)
               for n, w in zip((1, 2), wards))
    db.commit()
    client = login(make_user())
    data = ("Họ và tên,Đơn vị,Thành phần,Địa điểm\n"
            "Lê Văn Một,Chi bộ tổ dân phố 1,Thường trực Thị ủy,Hội trường UBND thị xã\n").encode()
    page = _upload(client, session, data).get_data(as_text=True)
    assert ("Dòng 2 (Lê Văn Một): Nhiều đơn vị cùng mang tên này; hãy ghi mã đơn vị (cột Mã "
            "đơn vị) thay cho tên: Chi bộ tổ dân phố 1 (PW1-1, Đảng ủy phường 1); Chi bộ tổ dân "
            "phố 1 (PW2-1, Đảng ủy phường 2)") in page
    assert "Xác nhận nhập" not in page and _count(db) == 0
