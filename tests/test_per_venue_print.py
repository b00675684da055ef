"""A large session's whole-session cards and invitation letters: a ZIP of one PDF per venue
(attendance.printing.per_venue) made by a job, instead of one PDF of every person; one PDF of
such a session is refused before any job is written."""

import io
import subprocess
import zipfile

import pikepdf
import pytest

from attendance import jobs
from attendance.errors import DomainError
from attendance.models import Job, Unit
from attendance.printing import chunked, per_venue

from .factories import NOW


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


@pytest.fixture
def large(app, db, make_session, make_person):
    """Three people at the hall, two at the first point, none at the second: "large" once
    JOBS_WHOLE_PRINT_PEOPLE is 2."""
    app.config["JOBS_WHOLE_PRINT_PEOPLE"] = 2
    town = Unit(name="Thị ủy Đức Phổ", kind="committee", code="TUDP", place="Đức Phổ",
                symbol="TU")
    db.add(town)
    db.flush()
    session = make_session(organizer_unit_id=town.id, signer_name="Nguyễn Văn Bình",
                           signer_title="T/M BAN THƯỜNG VỤ\nPhó Bí thư")
    hall, point = session.venues[0], session.venues[1]
    hall.address = "Số 1 Đường Lê Lợi"
    for n in range(3):
        make_person(session, venue=hall, full_name=f"Trần Văn Hội {n}")
    for n in range(2):
        make_person(session, venue=point, full_name=f"Lê Thị Cầu {n}")
    return session


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_member_names_follow_the_print_order_without_diacritics():
    assert per_venue.member_name(1, "Điểm cầu số 0001") == "0001-diem-cau-so-0001.pdf"
    assert per_venue.member_name(12, "Hội trường UBND thị xã Đức Phổ") == \
        "0012-hoi-truong-ubnd-thi-xa-duc-pho.pdf"
    assert per_venue.member_name(3, "???") == "0003-dia-diem.pdf"
    assert len(per_venue.member_name(4, "Điểm cầu " * 30)) <= len("0004-.pdf") + 60


def test_a_large_session_refuses_one_pdf_before_any_job(db, large, make_user):
    with pytest.raises(DomainError) as caught:
        jobs.create_export(db, large, what="cards", fmt="pdf", venue_id=None,
                           actor=make_user(), now=NOW, whole_limit=2)
    assert caught.value.code == "whole_export_too_large"
    assert caught.value.params == {"people": 5, "limit": 2}
    assert db.query(Job).count() == 0
    # A venue's own PDF, and the ZIP of the whole session, are made at any size.
    jobs.create_export(db, large, what="cards", fmt="pdf", venue_id=large.venues[1].id,
                       actor=make_user(), now=NOW, whole_limit=2)
    jobs.create_export(db, large, what="invitations", fmt="zip", venue_id=None,
                       actor=make_user(), now=NOW, whole_limit=2)
    with pytest.raises(jobs.ValidationError) as caught:  # a ZIP is of the whole session
        jobs.create_export(db, large, what="cards", fmt="zip", venue_id=large.venues[1].id,
                           actor=make_user(), now=NOW)
    assert caught.value.errors == {"venue_id": "bad_choice"}
    with pytest.raises(jobs.ValidationError):  # and of cards and letters only
        jobs.create_export(db, large, what="posters", fmt="zip", venue_id=None,
                           actor=make_user(), now=NOW)


def test_the_api_refuses_one_pdf_with_the_figures_and_makes_the_zip(app, client, db, bearer,
                                                                    large, make_user):
    headers = bearer(make_user())
    url = f"/api/v1/sessions/{large.id}/exports"
    refused = client.post(url, json={"what": "cards", "format": "pdf"}, headers=headers)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "whole_export_too_large"
    assert error["message"].startswith("Phiên có 5 đại biểu, quá nhiều để in một tệp cho cả "
                                       "phiên (tối đa 2).")
    assert db.query(Job).count() == 0

    answer = client.post(url, json={"what": "cards", "format": "zip"}, headers=headers)
    assert answer.status_code == 202
    state = client.get(answer.headers["Location"], headers=headers).get_json()
    assert (state["state"], state["format"], state["result"]) == (
        "done", "zip", {"count": 5, "files": 2})
    file = client.get(state["download"], headers=headers)
    assert file.mimetype == "application/zip"
    assert f"the-dai-bieu-hoi-nghi-{large.id}.zip" in file.headers["Content-Disposition"]
    pdfs = members(file.data)
    file.close()
    # One PDF per venue with people, in print order, each holding only its venue's cards.
    assert list(pdfs) == ["0001-hoi-truong-ubnd-thi-xa.pdf", "0002-diem-cau-phuong-1.pdf"]
    hall, point = (pdf_text(data) for data in pdfs.values())
    assert all(f"Trần Văn Hội {n}" in hall for n in range(3)) and "Lê Thị Cầu" not in hall
    assert all(f"Lê Thị Cầu {n}" in point for n in range(2)) and "Trần Văn Hội" not in point
    assert "THẺ ĐẠI BIỂU" in point


def test_invitation_letters_of_a_large_session_come_a_pdf_per_venue(client, bearer, large,
                                                                    make_user):
    headers = bearer(make_user())
    answer = client.post(f"/api/v1/sessions/{large.id}/exports",
                         json={"what": "invitations", "format": "zip"}, headers=headers)
    state = client.get(answer.headers["Location"], headers=headers).get_json()
    assert state["state"] == "done" and state["result"] == {"count": 5, "files": 2}
    file = client.get(state["download"], headers=headers)
    pdfs = members(file.data)
    file.close()
    hall = list(pdfs.values())[0]
    assert len(pikepdf.open(io.BytesIO(hall)).pages) == 3  # a letter each
    text = pdf_text(hall)
    assert "GIẤY MỜI" in text and "Số 1 Đường Lê Lợi" in text and "Lê Thị Cầu" not in text


def test_a_venue_of_many_parts_is_one_pdf_in_its_member(app, client, bearer, large, make_user,
                                                        monkeypatch):
    monkeypatch.setattr(chunked, "PART", 2)  # the hall's three cards: two parts, joined
    headers = bearer(make_user())
    answer = client.post(f"/api/v1/sessions/{large.id}/exports",
                         json={"what": "cards", "format": "zip"}, headers=headers)
    state = client.get(answer.headers["Location"], headers=headers).get_json()
    file = client.get(state["download"], headers=headers)
    hall, point = members(file.data).values()
    file.close()
    assert len(pikepdf.open(io.BytesIO(hall)).pages) == 2
    assert all(f"Trần Văn Hội {n}" in pdf_text(hall) for n in range(3))
    assert len(pikepdf.open(io.BytesIO(point)).pages) == 1


def test_a_session_with_nobody_to_print_has_one_page_saying_so(client, bearer, make_session,
                                                               make_user):
    session = make_session()
    headers = bearer(make_user())
    answer = client.post(f"/api/v1/sessions/{session.id}/exports",
                         json={"what": "cards", "format": "zip"}, headers=headers)
    state = client.get(answer.headers["Location"], headers=headers).get_json()
    file = client.get(state["download"], headers=headers)
    pdfs = members(file.data)
    file.close()
    assert state["result"] == {"count": 0, "files": 0} and len(pdfs) == 1
    assert "Không có đại biểu nào cần in thẻ" in pdf_text(list(pdfs.values())[0])


def test_the_page_of_a_large_session_offers_the_zip(app, client, login, large, make_user):
    app.config["JOBS_DIRECT_CARDS"] = 4  # invitations: a quarter of it, 1
    login(make_user())
    for url, what in ((f"/sessions/{large.id}/cards.pdf", "cards"),
                      (f"/sessions/{large.id}/invitations.pdf", "invitations")):
        page = client.get(url).get_data(as_text=True)
        assert f'name="what" value="{what}"' in page, url
        assert 'name="format" value="zip"' in page and "Tạo tệp ZIP" in page
        assert "Phiên có 5 đại biểu" in page and "mỗi điểm cầu một tệp PDF" in page
    # Under the whole-print limit the offer stays one PDF.
    app.config["JOBS_WHOLE_PRINT_PEOPLE"] = 5
    page = client.get(f"/sessions/{large.id}/cards.pdf").get_data(as_text=True)
    assert 'name="format" value="pdf"' in page and "Tạo tệp ZIP" not in page
    # A hand-made form asking for one PDF of a large session: refused, said, nothing made.
    app.config["JOBS_WHOLE_PRINT_PEOPLE"] = 2
    answer = client.post(f"/sessions/{large.id}/exports",
                         data={"what": "cards", "format": "pdf"}, follow_redirects=True)
    assert "quá nhiều để in một tệp cho cả phiên" in answer.get_data(as_text=True)
