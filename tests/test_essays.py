"""Learning essays without HTTP: grades on the session scale, unit scope, import all-or-nothing."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from attendance.errors import DomainError, ValidationError
from attendance.models import Essay, Unit
from attendance.outcomes import essays
from attendance.outcomes import reports as result_reports

from .factories import NOW


@pytest.fixture
def people(db, make_session, make_person):
    session = make_session()
    hoa, an = Unit(name="Đảng ủy phường Phổ Hòa", kind="committee"), \
        Unit(name="Đảng ủy xã Phổ An", kind="committee")
    db.add_all([hoa, an])
    db.commit()
    a = make_person(session, full_name="Trần Thị Hường", phone="0912345678", unit_id=hoa.id)
    b = make_person(session, full_name="Lê Văn Bình", phone="0987654321", unit_id=hoa.id)
    c = make_person(session, full_name="Phạm Minh Châu", phone="0911111111", unit_id=an.id)
    return session, hoa, an, a, b, c


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(Essay))


def test_grades_are_set_changed_and_removed(db, people):
    session, hoa, an, a, b, c = people
    assert essays.set_essays(db, session, {a.id: "Tốt", b.id: ""}, now=NOW, actor=None) == 2
    assert essays.counts_by_unit(db, session) == {hoa.id: {"Tốt": 1, "": 1}}
    assert essays.set_essays(db, session, {a.id: "Tốt", b.id: "Khá"}, now=NOW, actor=None) == 1
    essays.set_essays(db, session, {a.id: None}, now=NOW, actor=None)
    assert essays.counts_by_unit(db, session) == {hoa.id: {"Khá": 1}}


def test_a_grade_off_the_scale_and_another_units_person_are_refused(db, people):
    session, hoa, an, a, b, c = people
    with pytest.raises(ValidationError) as error:
        essays.set_essays(db, session, {a.id: "Giỏi"}, now=NOW, actor=None)
    assert error.value.errors == {f"grade-{a.id}": "bad_grade"}
    with pytest.raises(ValidationError) as error:
        essays.set_essays(db, session, {a.id: "Tốt", c.id: "Tốt"}, now=NOW, actor=None,
                          unit_id=hoa.id)
    assert error.value.errors == {f"grade-{c.id}": "not_your_unit"}
    assert count(db) == 0


def test_the_scale_is_per_session(db, people):
    session, hoa, an, a, b, c = people
    result_reports.update_settings(db, session, grades=["Đạt", "Không đạt"], threshold=95,
                                   now=NOW, actor=None)
    essays.set_essays(db, session, {a.id: "Đạt"}, now=NOW, actor=None)
    with pytest.raises(ValidationError):
        essays.set_essays(db, session, {b.id: "Tốt"}, now=NOW, actor=None)


def test_import_matches_name_and_phone_ignoring_accents_and_case(db, people):
    session, hoa, an, a, b, c = people
    data = ("Họ và tên,Số điện thoại,Xếp loại\r\n"
            "tran thi huong,0912 345 678,tốt\r\n"
            "Lê Văn Bình,84987654321,\r\n").encode("utf-8-sig")
    assert essays.import_essays(db, session, data, "bai.csv", now=NOW, actor=None) == 2
    got = {e.person_id: e.grade for e in db.scalars(select(Essay))}
    assert got == {a.id: "Tốt", b.id: ""}


def test_import_is_all_or_nothing_and_names_every_bad_row(db, people):
    session, hoa, an, a, b, c = people
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Danh sách bài thu hoạch"])
    sheet.append(["STT", "Họ và tên", "SĐT", "Kết quả"])
    sheet.append([1, "Trần Thị Hường", "0912345678", "Xuất sắc"])  # good
    sheet.append([2, "Không Có Ai", "0900000000", "Tốt"])
    sheet.append([3, "Lê Văn Bình", "0987654321", "Giỏi"])
    sheet.append([4, "Trần Thị Hường", "0912345678", "Tốt"])
    sheet.append([5, "Phạm Minh Châu", "12", "Tốt"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(essays.EssayImportError) as error:
        essays.import_essays(db, session, buffer.getvalue(), "bai.xlsx", now=NOW, actor=None)
    assert [(r.number, r.code) for r in error.value.rows] == [
        (4, "person_not_found"), (5, "bad_grade"), (6, "duplicate_row"), (7, "bad_phone")]
    assert count(db) == 0


def test_a_reporter_imports_only_their_units_people(db, people):
    session, hoa, an, a, b, c = people
    data = "Họ và tên,Số điện thoại\nPhạm Minh Châu,0911111111\n".encode()
    with pytest.raises(essays.EssayImportError) as error:
        essays.import_essays(db, session, data, "x.csv", now=NOW, actor=None, unit_id=hoa.id)
    assert error.value.rows[0].code == "not_your_unit"


def test_a_file_without_the_columns_is_refused(db, people):
    session = people[0]
    with pytest.raises(DomainError) as error:
        essays.import_essays(db, session, b"a,b\n1,2\n", "x.csv", now=NOW, actor=None)
    assert error.value.code == "missing_columns"


# Pages --------------------------------------------------------------------------------------

def test_organizer_grades_on_the_page(db, people, make_user, login):
    session, hoa, an, a, b, c = people
    client = login(make_user(role="organizer"))
    page = client.get(f"/sessions/{session.id}/essays").get_data(as_text=True)
    assert "Phạm Minh Châu" in page and "Xuất sắc" in page
    response = client.post(f"/sessions/{session.id}/essays",
                           data={f"grade-{a.id}": "Tốt", f"grade-{b.id}": "*",
                                 f"grade-{c.id}": ""})
    assert response.status_code == 302
    assert {e.person_id: e.grade for e in db.scalars(select(Essay))} == {a.id: "Tốt", b.id: ""}
    bad = client.post(f"/sessions/{session.id}/essays", data={f"grade-{a.id}": "Giỏi"})
    assert bad.status_code == 422 and "Xếp loại không có trong thang" in bad.get_data(as_text=True)


def test_a_reporter_sees_and_grades_only_their_unit(db, people, make_user, login):
    session, hoa, an, a, b, c = people
    client = login(make_user(role="reporter", unit_id=hoa.id))
    page = client.get(f"/sessions/{session.id}/essays?unit={an.id}").get_data(as_text=True)
    assert "Trần Thị Hường" in page and "Phạm Minh Châu" not in page
    response = client.post(f"/sessions/{session.id}/essays", data={f"grade-{c.id}": "Tốt"})
    assert response.status_code == 422 and count(db) == 0
    data = "Họ và tên,Số điện thoại,Xếp loại\nPhạm Minh Châu,0911111111,Tốt\n".encode()
    response = client.post(f"/sessions/{session.id}/essays/import",
                           data={"file": (io.BytesIO(data), "bai.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "không thuộc đơn vị của bạn" in \
        response.get_data(as_text=True)
    assert count(db) == 0


def test_import_page_names_bad_rows_then_imports_a_good_file(db, people, make_user, login):
    session, hoa, an, a, b, c = people
    client = login(make_user(role="organizer"))
    route = f"/sessions/{session.id}/essays/import"
    bad = "Họ và tên,Số điện thoại,Xếp loại\nTrần Thị Hường,0912345678,Tốt\nAi Đó,0900000000,Khá\n"
    response = client.post(route, data={"file": (io.BytesIO(bad.encode()), "bai.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Dòng 3" in html and "Ai Đó" in html
    assert count(db) == 0
    good = bad.splitlines()[:2]
    response = client.post(route, data={"file": (io.BytesIO("\n".join(good).encode()),
                                                 "bai.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and count(db) == 1
    viewer = make_user(role="viewer")
    client.post("/logout")
    assert login(viewer).post(route, data={}).status_code == 403
