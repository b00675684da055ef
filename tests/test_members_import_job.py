"""A large member registry file (issue 20: 100,000 members) checked, then imported, by the job
worker like a large roster: the page follows the job, the check names every bad row and imports
nothing, the import is all rows or none; the job is its organizer's alone. (Jobs run at once in
tests; JOBS_DIRECT_IMPORT_ROWS is lowered so a small file counts as large.)"""

import io

import pytest

from attendance.models import Member
from tests.cascade_data import build_town

HEADER = "Họ và tên,Mã đơn vị,Chức vụ,Số thẻ đảng viên,Ngày sinh,Tình trạng\n"


@pytest.fixture
def town(app, db):
    app.config["JOBS_DIRECT_IMPORT_ROWS"] = 1
    town = build_town(db)
    db.commit()
    return town


def _upload(client, text: str):
    return client.post("/members/import",
                       data={"file": (io.BytesIO(text.encode()), "members.csv")},
                       content_type="multipart/form-data")


def _job(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_a_large_member_file_is_checked_then_imported_by_jobs(client, db, make_user, login,
                                                              town):
    code = town.cells["ninh1"].code
    before = db.query(Member).count()
    login(make_user())
    text = HEADER + f"Lê Văn Mới,{code},Đảng viên,88.000001,01/02/1980,đang sinh hoạt\n" \
                    f"Phan Thị Mới,{code},Đảng viên,88.000002,03/04/1985,đang sinh hoạt\n"
    page_url = _job(_upload(client, text))
    page = client.get(page_url).get_data(as_text=True)
    assert "Tệp hợp lệ: thêm mới 2, cập nhật 0, không đổi 0." in page
    assert db.query(Member).count() == before  # checked only
    imported = client.post(page_url)
    page = client.get(_job(imported)).get_data(as_text=True)
    assert "Đã nhập danh sách đảng viên: thêm 2, cập nhật 0, không đổi 0." in page
    assert db.query(Member).count() == before + 2
    assert {m.unit_id for m in db.query(Member).filter(Member.member_no.like("88.%"))} == {
        town.cells["ninh1"].id}
    # The check's file is imported once: importing it again is refused.
    assert client.post(page_url).status_code in (303, 400)
    assert db.query(Member).count() == before + 2


def test_a_large_member_file_with_a_bad_row_imports_nothing(client, db, make_user, login,
                                                            town):
    before = db.query(Member).count()
    login(make_user())
    text = HEADER + f"Lê Văn Mới,{town.cells['ninh1'].code},,88.000003,01/02/1980,\n" \
                    "Phan Thị Lỗi,KHÔNG-CÓ-MÃ,,88.000004,31/02/1985,\n"
    page_url = _job(_upload(client, text))
    page = client.get(page_url).get_data(as_text=True)
    assert "Dòng 3" in page and 'type="submit"' not in page.split('id="import-result"')[1]
    assert client.post(page_url).status_code == 400  # no import of a file with bad rows
    assert db.query(Member).count() == before


def test_a_member_import_job_is_its_organizers_alone(client, db, make_user, login, town):
    login(make_user())
    page_url = _job(_upload(client, HEADER + f"Lê Văn Mới,{town.cells['ninh1'].code},,,,\n"))
    job_id = page_url.rsplit("/", 1)[1]
    login(make_user())  # another organizer
    assert client.get(page_url).status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 404
