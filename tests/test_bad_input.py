"""Bad files and bad fields: each answered with a clear message (or a cleaned value), never a
500, and nothing half saved. Roster files through the web import page and the CLI; over-long
and control-character input through every form that strangers or staff fill in."""

import io
import unicodedata
import zipfile

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from attendance.models import Base, Person

HEADER = "Họ và tên,Chức vụ,Đơn vị,Thành phần,Địa điểm,Số điện thoại,Đảng viên\r\n"


@pytest.fixture
def session(make_session):
    return make_session(checkin_window="open")


@pytest.fixture
def organizer(make_user, login):
    return login(make_user())


def _people(db) -> int:
    return db.scalar(select(func.count(Person.id)))


def _csv(session, *names, phone="0912345678") -> str:
    hall, category = session.venues[0].name, session.categories_for("hall")[0].name
    return HEADER + "".join(f"{name},Chuyên viên,Văn phòng,{category},{hall},{phone},có\r\n"
                            for name in names)


TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def _cp1258(text: str) -> bytes:
    """As Vietnamese Windows writes it: letters with their own code (ă, ê, ơ, ư, đ, ...) and
    the tone as a separate combining mark."""
    out = b""
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in decomposed if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out += (base + tone).encode("cp1258")
    return out


def _upload(client, session, data: bytes, name="roster.csv"):
    # The body is built in memory: the test client's own spooling of a big multipart body
    # into a temporary file is never closed (a ResourceWarning of the client, not the app).
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)})
    return client.post(f"/sessions/{session.id}/roster/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _import_cli(runner, session, tmp_path, data: bytes, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["import-roster", str(session.id), str(path)])


# ---- Roster files ----------------------------------------------------------------------------

def test_windows_1258_csv_is_refused_with_a_clear_message(db, session, organizer, runner,
                                                          tmp_path):
    # Excel's plain "CSV" in a Vietnamese Windows (code page 1258, tones as combining marks):
    # not guessed at; the message says to save as CSV UTF-8 or XLSX, and nothing is imported.
    data = _cp1258(_csv(session, "Nguyễn Thị Hường", "Đặng Văn Lộc"))
    text = "Không đọc được tệp. Hãy dùng tệp CSV (UTF-8) hoặc XLSX."
    page = _upload(organizer, session, data)
    assert page.status_code == 400 and text in page.get_data(as_text=True)
    result = _import_cli(runner, session, tmp_path, data)
    assert result.exit_code != 0 and text in result.output
    assert _people(db) == 0


def test_utf16_unicode_text_through_the_page_and_the_cli(db, session, organizer, runner,
                                                         tmp_path):
    data = _csv(session, "Trần Văn Tư").replace(",", "\t").encode("utf-16")
    assert _upload(organizer, session, data, "roster.txt").status_code == 200
    assert _import_cli(runner, session, tmp_path, data, "roster.txt").exit_code == 0
    assert _people(db) == 1


@pytest.mark.parametrize("data, name, text", [
    (b"", "roster.csv", "Tệp không có dòng dữ liệu nào"),
    (b" \r\n\r\n", "roster.csv", "Tệp không có dòng dữ liệu nào"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "roster.csv", "Không đọc được tệp"),
    (None, "roster.xlsx", "Không đọc được tệp"),  # a ZIP that is no workbook
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "roster.xlsx", "Không đọc được tệp"),
])
def test_files_that_are_not_what_they_say_are_refused(db, session, organizer, runner, tmp_path,
                                                      data, name, text):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "không phải bảng tính")
        data = buffer.getvalue()
    if data:
        page = _upload(organizer, session, data, name)
        assert page.status_code == 400 and text in page.get_data(as_text=True)
    result = _import_cli(runner, session, tmp_path, data, name)
    assert result.exit_code != 0 and text in result.output
    assert _people(db) == 0


def test_formulas_are_stored_as_text_and_never_run(db, session, organizer, runner, tmp_path):
    formulas = ["=cmd|' /C calc'!A0", "+SUM(1;2)", "@HYPERLINK(\"http://x\")", "-2+3"]
    data = _csv(session, *formulas).encode("utf-8-sig")
    assert _import_cli(runner, session, tmp_path, data).exit_code == 0
    assert sorted(db.scalars(select(Person.full_name))) == sorted(formulas)


def test_an_enormous_upload_gets_a_413_page(db, session, organizer, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    page = _upload(organizer, session, b"a,b\r\n" * (limit // 5 + 10))
    assert page.status_code == 413
    html = page.get_data(as_text=True)
    assert "Tệp hoặc dữ liệu gửi lên quá lớn" in html and "Traceback" not in html
    assert _people(db) == 0


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_million_columns_are_refused(db, session, organizer, runner, tmp_path, where):
    # A million extra columns, before the real ones or after them: refused, nothing saved.
    wide = "x," * 1_000_000
    rows = _csv(session, "An")
    if where == "before":
        data = (wide + rows).encode()
    else:
        lines = rows.splitlines()
        data = ("\n".join([lines[0] + "," + wide] + lines[1:]) + "\n").encode()
    page = _upload(organizer, session, data)
    assert page.status_code == 400
    assert "quá nhiều cột" in page.get_data(as_text=True)
    result = _import_cli(runner, session, tmp_path, data)
    assert result.exit_code != 0
    assert _people(db) == 0


# ---- Over-long and control-character fields ---------------------------------------------------

LONG = "Nguyễn " * 1000  # 7,000 characters
CONTROL = "Lê\x00 Văn\x07\x1b[31m Tám\x7f"


def _forms(session, person_id):
    hall, bridge = session.venues[0], session.venues[1]
    return [
        ("/login", {"username": "nobody", "password": "x"}, ["username", "password"]),
        ("/sessions/new", {"title": "Hội nghị", "plan_number": "1-KH", "day": "17/10/2023",
                           "start_time": "07:30", "end_time": "11:00", "presenter": "A"},
         ["title", "plan_number", "presenter", "mode", "document_number", "document_title",
          "day", "start_time", "late_grace_minutes"]),
        (f"/sessions/{session.id}/venues/new", {"kind": "bridge_point", "name": "Điểm cầu",
                                                "position": "5"},
         ["name", "address", "coordinator_name", "coordinator_phone", "position"]),
        (f"/sessions/{session.id}/categories/new", {"venue_kind": "hall", "name": "Khách mời",
                                                    "position": "3"}, ["name", "position"]),
        (f"/sessions/{session.id}/roster/new",
         {"full_name": "Võ Văn Ba", "venue_id": str(hall.id),
          "category_id": str(session.categories_for("hall")[0].id), "phone": "0905111222"},
         ["full_name", "position", "unit_name", "phone", "venue_id", "category_id"]),
        ("/users/", {"username": "letan2", "full_name": "Lễ tân", "password": "mat-khau-dai",
                     "role": "staff", "venue_id": str(hall.id)},
         ["username", "full_name", "password", "venue_id"]),
        (f"/c/{bridge.code}", {"name": "Trần", "digits": "5678", "nonce": "abc"},
         ["name", "digits", "presence", "nonce"]),
        (f"/c/{bridge.code}/walk-in",
         {"full_name": "Mai Thị Năm", "category_id": str(session.categories_for(
             "bridge_point")[0].id), "phone": "0905333444", "nonce": "n1"},
         ["full_name", "position", "unit_name", "phone", "category_id", "nonce", "presence"]),
    ]


def _stored_text_problems(db) -> list[str]:
    """Every text value in the database: within its column's length, no control character."""
    problems = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, sa.String):
                continue
            for value in db.execute(select(column).where(column.is_not(None))).scalars():
                if column.type.length and len(value) > column.type.length:
                    problems.append(f"{table.name}.{column.name}: {len(value)} characters")
                if any(ch in value for ch in "\x00\x07\x1b\x7f"):
                    problems.append(f"{table.name}.{column.name}: {value!r}")
    return problems


@pytest.mark.parametrize("bad", [LONG, CONTROL, "9" * 40], ids=["long", "control", "huge-number"])
def test_every_form_survives_bad_fields(db, session, make_person, organizer, bad):
    person = make_person(session, venue=session.venues[1], full_name="Trần Văn Sáu",
                         phone="0912345678")
    for url, valid, fields in _forms(session, person.id):
        for field in fields:
            response = organizer.post(url, data={**valid, field: bad})
            assert response.status_code < 500, (url, field, response.status_code)
            if url == "/login":
                organizer.get("/")  # still signed in: a bad sign-in form changes nothing
    assert _stored_text_problems(db) == []
