"""Roster file import rules, without HTTP: reading, per-row checks, all or nothing."""

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from attendance.errors import DomainError
from attendance.models import AuditEntry, Person, Unit
from attendance.roster import imports as roster_import
from attendance.roster.imports import build_preview, import_roster

from .factories import NOW, gen_person, gen_session

DATA = Path(__file__).parent / "data"
HEADER = ["Họ và tên", "Chức vụ", "Đơn vị", "Thành phần", "Địa điểm", "Số điện thoại",
          "Đảng viên"]
HALL, BP1 = "Hội trường UBND thị xã", "Điểm cầu phường 1"


def _csv(*rows, header=HEADER, delimiter=",", bom=False) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig" if bom else "utf-8")


def _xlsx(*rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _people(db, session) -> int:
    return db.scalar(select(func.count(Person.id)).where(Person.session_id == session.id))


@pytest.fixture
def session(db):
    session = gen_session(db)
    db.commit()
    return session


def test_good_file_with_bom_imports_every_row(db, session):
    preview = build_preview(db, session, (DATA / "roster_good.csv").read_bytes(), "good.csv")
    assert preview.ok
    assert [row.number for row in preview.rows] == [2, 3, 4, 6]  # the blank row 5 is skipped
    assert import_roster(db, session, preview, now=NOW, actor=None) == 4
    db.commit()

    people = {p.full_name: p for p in db.scalars(select(Person))}
    assert set(people) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"}
    binh = people["Trần Thị Bình"]
    assert binh.venue.name == HALL and binh.category.name == "Thường trực Thị ủy"  # folded match
    assert binh.phone == "0912345679" and binh.party_member is True
    assert binh.search_name == "tran thi binh" and binh.created_at == NOW
    assert people["Lê Văn Cường"].party_member is False and people["Lê Văn Cường"].phone == ""
    assert people["Phạm Thị Dung"].party_member is False  # blank cell in the column
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "roster.import"))
    assert entry.detail["people"] == 4 and entry.session_id == session.id


def test_each_bad_row_is_named_with_its_reason(db, session):
    preview = build_preview(db, session, (DATA / "roster_bad.csv").read_bytes(), "bad.csv")
    errors = {row.number: row.errors for row in preview.rows}
    assert errors == {
        2: [],
        3: ["missing_name"],
        4: ["unknown_category"],
        5: ["unknown_venue"],
        6: ["category_not_for_venue"],
        7: ["bad_phone"],
        8: ["bad_party_member"],
        9: ["duplicate_person"],  # same person as row 2, written in capitals
    }
    assert not preview.ok


def test_a_file_with_one_bad_row_saves_nothing(db, session):
    preview = build_preview(db, session, (DATA / "roster_bad.csv").read_bytes(), "bad.csv")
    with pytest.raises(DomainError) as error:
        import_roster(db, session, preview, now=NOW, actor=None)
    assert error.value.code == "bad_rows" and error.value.params == {"count": 7}
    db.commit()
    assert _people(db, session) == 0


def test_duplicate_of_someone_already_on_the_roster(db, session):
    gen_person(db, session, full_name="Nguyễn Văn An", phone="0912345678")
    gen_person(db, session, full_name="Lê Thị Hoa", phone="", unit_name="Văn phòng",
               venue=session.venues[0])
    db.commit()
    data = _csv(["nguyen van an", "", "", "Thường trực Thị ủy", HALL, "0912345678", ""],
                ["Lê Thị Hoa", "", "văn phòng", "Thường trực Thị ủy", HALL, "", ""],
                ["Lê Thị Hoa", "", "Văn phòng", "Đảng ủy viên", BP1, "", ""],  # another venue
                ["Nguyễn Văn An", "", "", "Thường trực Thị ủy", HALL, "0987654321", ""])
    rows = build_preview(db, session, data, "x.csv").rows
    assert [row.errors for row in rows] == [["duplicate_person"], ["duplicate_person"], [], []]


def test_semicolon_csv_with_english_headers_in_any_order(db, session):
    data = (DATA / "roster_semicolon.csv").read_bytes()
    preview = build_preview(db, session, data, "export.csv")
    assert preview.ok, [row.errors for row in preview.rows]
    hoa = preview.rows[1]
    assert hoa.values["position"] == "Đảng ủy viên, Chủ tịch Hội Phụ nữ"
    assert hoa.person["party_member"] is False and hoa.person["venue_id"] == session.venues[1].id


def test_xlsx_with_numbers_for_phones_and_a_title_above_the_header(db, session):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ"])
    sheet.append([])
    sheet.append(["STT", "HỌ VÀ TÊN", "Thành  phần", "Địa điểm", "SĐT", "Đảng viên"])
    sheet.append([1, "Nguyễn Văn An", "Thường trực Thị ủy", HALL, 912345678, True])
    sheet.append([2, "Lê Thị Hoa", "Đảng ủy viên", BP1, None, 0])
    sheet.append([3, None, "Đảng ủy viên", BP1, None, None])
    out = io.BytesIO()
    book.save(out)
    preview = build_preview(db, session, out.getvalue(), "ds.xlsx")
    assert [(row.number, row.errors) for row in preview.rows] == [
        (4, []), (5, []), (6, ["missing_name"])]
    assert preview.rows[0].person["phone"] == "0912345678"
    assert preview.rows[0].person["party_member"] is True
    assert preview.rows[1].person["party_member"] is False


def test_xlsx_good_file_imports(db, session):
    data = _xlsx(["Nguyễn Văn An", "Bí thư", "Thị ủy", "Thường trực Thị ủy", HALL, "0912345678",
                  "có"])
    preview = build_preview(db, session, data, "roster.xlsx")
    assert import_roster(db, session, preview, now=NOW, actor=None) == 1
    db.commit()
    assert _people(db, session) == 1


def test_unit_is_linked_when_a_unit_has_that_exact_name(db, session):
    db.add(Unit(name="Văn phòng Thị ủy", kind="office"))
    db.commit()
    data = _csv(["A", "", "Văn phòng Thị ủy", "Thường trực Thị ủy", HALL, "", ""],
                ["B", "", "Phòng Nội vụ", "Thường trực Thị ủy", HALL, "", ""])
    preview = build_preview(db, session, data, "x.csv")
    import_roster(db, session, preview, now=NOW, actor=None)
    db.commit()
    units = {p.full_name: p.unit for p in db.scalars(select(Person))}
    assert units["A"].name == "Văn phòng Thị ủy" and units["B"] is None


def test_utf16_unicode_text_from_excel(db, session):
    data = "\t".join(HEADER).encode("utf-16") + f"\r\nAn\t\t\tThường trực Thị ủy\t{HALL}\t\t\r\n".encode("utf-16-le")
    preview = build_preview(db, session, data, "roster.txt")
    assert preview.ok and preview.rows[0].person["full_name"] == "An"


@pytest.mark.parametrize("data, filename, code", [
    (b"", "x.csv", "empty_file"),
    (b"   \r\n", "x.csv", "empty_file"),
    ("Họ và tên,Thành phần,Địa điểm\r\n,,\r\n".encode(), "x.csv", "empty_file"),
    ("Họ và tên,Thành phần\r\nAn,X\r\n".encode(), "x.csv", "missing_columns"),
    ("Tên,Ghi chú\r\nAn,X\r\n".encode("cp1258"), "x.csv", "unreadable_file"),
    (b"PK\x03\x04 not really a zip", "x.xlsx", "unreadable_file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "unreadable_file"),
    (b"a,b\x00,c\r\n", "x.csv", "unreadable_file"),
])
def test_unusable_files_are_refused(db, session, data, filename, code):
    with pytest.raises(DomainError) as error:
        build_preview(db, session, data, filename)
    assert error.value.code == code


def test_missing_columns_are_named(db, session):
    with pytest.raises(DomainError) as error:
        build_preview(db, session, "Họ và tên,Chức vụ\r\nAn,X\r\n".encode(), "x.csv")
    assert error.value.params["columns"] == "Thành phần, Địa điểm"


def test_row_and_size_limits(db, session, monkeypatch):
    monkeypatch.setattr(roster_import, "MAX_ROWS", 3)
    rows = [[f"Người {i}", "", "", "Thường trực Thị ủy", HALL, "", ""] for i in range(4)]
    with pytest.raises(DomainError) as error:
        build_preview(db, session, _csv(*rows), "x.csv")
    assert error.value.code == "too_many_rows"
    assert build_preview(db, session, _csv(*rows[:3]), "x.csv").ok

    monkeypatch.setattr(roster_import, "MAX_FILE_BYTES", 100)
    with pytest.raises(DomainError) as error:
        build_preview(db, session, _csv(*rows[:3]), "x.csv")
    assert error.value.code == "too_large"


def test_templates_hold_the_vietnamese_headers_and_read_back_cleanly(db, session):
    csv_data = roster_import.template_csv(session)
    assert csv_data.startswith(b"\xef\xbb\xbf")
    assert csv_data.decode("utf-8-sig").splitlines()[0] == ";".join(
        HEADER + ["Số thẻ đảng viên", "Ngày sinh", "Mã đơn vị", "Số CCCD"])
    for data, name in ((csv_data, "mau.csv"), (roster_import.template_xlsx(session), "mau.xlsx")):
        preview = build_preview(db, session, data, name)
        assert preview.ok, name
        assert preview.rows[0].person["phone"] == "0912345678"


@pytest.fixture
def two_wards(db, session):
    """A town whose two wards each have a "Chi bộ tổ dân phố 1" (names repeat across wards),
    and a third committee elsewhere in the instance with one of its own."""
    town = Unit(name="Thị ủy A", kind="committee", code="TA")
    other = Unit(name="Thị ủy B", kind="committee", code="TB")
    db.add_all([town, other])
    db.flush()
    wards = [Unit(name=f"Đảng ủy phường {n}", kind="committee", code=f"P{n}", parent_id=town.id)
             for n in (1, 2)]
    db.add_all(wards)
    db.flush()
    cells = [Unit(name="Chi bộ tổ dân phố 1", kind="cell", code=f"P{n}-T1", parent_id=w.id)
             for n, w in zip((1, 2), wards)]
    db.add_all(cells + [Unit(name="Chi bộ tổ dân phố 9", kind="cell", code="TB-T9",
                             parent_id=other.id)])
    session.organizer_unit_id = wards[0].id
    db.commit()
    return dict(town=town, wards=wards, cells=cells)


def test_a_name_unique_within_the_session_tree_links_though_it_repeats_elsewhere(
        db, session, two_wards):
    # The session belongs to ward 1: its "Chi bộ tổ dân phố 1" is the only one in its part of
    # the tree (its subtree and the units above it), though ward 2 has a namesake.
    data = _csv(["A", "", "chi bo to dan pho 1", "Thường trực Thị ủy", HALL, "", ""],
                ["B", "", "Thị ủy A", "Thường trực Thị ủy", HALL, "", ""],
                ["C", "", "Chi bộ tổ dân phố 9", "Thường trực Thị ủy", HALL, "", ""])
    preview = build_preview(db, session, data, "x.csv")
    assert preview.ok
    units = [row.person["unit_id"] for row in preview.rows]
    assert units == [two_wards["cells"][0].id, two_wards["town"].id, None]  # C: another tree


def test_an_ambiguous_unit_name_is_a_bad_row_naming_its_candidates(db, session, two_wards):
    session.organizer_unit_id = two_wards["town"].id  # both wards' cells are in its tree
    db.commit()
    data = _csv(["A", "", "Chi bộ tổ dân phố 1", "Thường trực Thị ủy", HALL, "", ""])
    preview = build_preview(db, session, data, "x.csv")
    row = preview.rows[0]
    assert row.errors == ["ambiguous_unit"]
    assert row.unit_candidates == ["Chi bộ tổ dân phố 1 (P1-T1, Đảng ủy phường 1)",
                                   "Chi bộ tổ dân phố 1 (P2-T1, Đảng ủy phường 2)"]
    with pytest.raises(DomainError):
        import_roster(db, session, preview, now=NOW, actor=None)
    assert _people(db, session) == 0


def test_a_unit_code_column_or_a_code_in_the_unit_column_picks_the_unit(db, session, two_wards):
    session.organizer_unit_id = two_wards["town"].id
    db.commit()
    header = HEADER + ["Mã đơn vị"]
    data = _csv(["A", "", "Chi bộ tổ dân phố 1", "Thường trực Thị ủy", HALL, "", "", "p2-t1"],
                ["B", "", "", "Thường trực Thị ủy", HALL, "", "", "P1-T1"],
                ["C", "", "P2-T1", "Thường trực Thị ủy", HALL, "", "", ""],
                ["D", "", "X", "Thường trực Thị ủy", HALL, "", "", "NO-SUCH"], header=header)
    preview = build_preview(db, session, data, "x.csv")
    cells = two_wards["cells"]
    a, b, c, d = preview.rows
    assert (a.person["unit_id"], a.person["unit_name"]) == (cells[1].id, "Chi bộ tổ dân phố 1")
    assert (b.person["unit_id"], b.person["unit_name"]) == (cells[0].id, "Chi bộ tổ dân phố 1")
    assert (c.person["unit_id"], c.person["unit_name"]) == (cells[1].id, "Chi bộ tổ dân phố 1")
    assert d.errors == ["unknown_unit"] and not preview.ok
