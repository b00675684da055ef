"""Member files, without HTTP: all rows or none, rows named, add and update, moves."""

import pytest

from attendance.errors import DomainError
from attendance.members.imports import build_preview, import_members, member_rows, to_csv, to_xlsx
from attendance.models import EXEMPT, MOVED, Member, MemberMove

from .factories import NOW, gen_user
from .members_data import csv_file, gen_tree, xlsx_file
from .test_members import scoped_organizer

AN = ["Nguyễn Văn An", "PH-1", "Bí thư chi bộ", "100", "05/03/1975", "0912345678", "có",
      "đang sinh hoạt", "x"]
BINH = ["Lê Thị Bình", "PH-1", "Đảng viên", "", "12/12/1950", "", "có", "miễn sinh hoạt", ""]
CUONG = ["Trần Cường", "pm-1", "", "102", "", "", "", "chuyển đi", ""]


@pytest.fixture
def units(db):
    return gen_tree(db)


def _import(db, data, name="dv.csv", actor=None):
    preview = build_preview(db, data, name, now=NOW, actor=actor)
    return preview, import_members(db, preview, now=NOW, actor=actor)


def test_vietnamese_file_adds_every_member(db, units):
    preview, counts = _import(db, csv_file(AN, BINH, CUONG))
    assert counts == {"add": 3, "update": 0, "unchanged": 0}
    members = {m.full_name: m for m in db.query(Member)}
    assert members["Nguyễn Văn An"].key_cadre and members["Nguyễn Văn An"].member_no == "100"
    assert members["Lê Thị Bình"].status == EXEMPT and members["Lê Thị Bình"].member_no is None
    assert members["Trần Cường"].status == MOVED and members["Trần Cường"].unit_id == units[
        "PM-1"].id


def test_english_headers_and_xlsx_numbers_keep_phones_whole(db, units):
    header = ["full_name", "unit", "member_no", "birth_date", "phone", "status"]
    data = xlsx_file(["Phạm Văn Dũng", "PH", 12345678.0, "01/02/1960", 912345678.0, "exempt"],
                     header=header)
    _import(db, data, "dv.xlsx")
    member = db.query(Member).one()
    assert (member.phone, member.member_no, member.status) == ("0912345678", "12345678", EXEMPT)


def test_any_bad_row_imports_nothing_and_rows_are_named(db, units):
    rows = [AN, ["", "PH-1"], ["Lê Văn Em", "XX"], ["Ngô Thị Gấm", "PH-1", "", "", "40/1/1990"],
            ["Hồ Văn Hải", "PH-1", "", "", "", "123"], ["Đỗ Thị Yến", "PH-1", "", "", "", "",
                                                        "", "nghỉ hưu"],
            ["Nguyễn Văn An", "PM-1", "", "100"]]
    preview = build_preview(db, csv_file(*rows), "dv.csv", now=NOW, actor=None)
    assert {row.number: row.errors for row in preview.bad_rows} == {
        3: ["missing_name"], 4: ["unknown_unit"], 5: ["bad_birth_date"], 6: ["bad_phone"],
        7: ["bad_status"], 8: ["duplicate_row"]}
    with pytest.raises(DomainError) as caught:
        import_members(db, preview, now=NOW, actor=None)
    assert caught.value.code == "bad_rows"
    assert db.query(Member).count() == 0


def test_missing_columns_are_named(db, units):
    with pytest.raises(DomainError) as caught:
        build_preview(db, csv_file(["An"], header=["Họ và tên"]), "dv.csv", now=NOW, actor=None)
    assert (caught.value.code, caught.value.params["columns"]) == ("missing_columns",
                                                                   "Mã đơn vị")


def test_reimport_updates_by_member_number_and_moves_keep_history(db, units):
    _import(db, csv_file(AN, BINH))
    moved = AN[:1] + ["PM-1", "Đảng viên"] + AN[3:]  # same number, another cell
    preview, counts = _import(db, csv_file(moved, BINH))
    assert counts == {"add": 0, "update": 1, "unchanged": 1}
    assert [row.action for row in preview.rows] == ["update", "unchanged"]
    assert set(preview.rows[0].changes) == {"position", "unit"}
    member = db.query(Member).filter_by(member_no="100").one()
    assert (member.unit_id, member.position) == (units["PM-1"].id, "Đảng viên")
    move = db.query(MemberMove).one()
    assert (move.from_unit_id, move.to_unit_id) == (units["PH-1"].id, units["PM-1"].id)
    assert db.query(Member).count() == 2


def test_without_a_number_unit_name_and_birth_date_find_the_member(db, units):
    _import(db, csv_file(BINH))
    header = ["Họ và tên", "Mã đơn vị", "Ngày sinh", "Số điện thoại"]
    preview, counts = _import(db, csv_file(["LE THI BINH", "PH-1", "12/12/1950", "0905000111"],
                                           ["Lê Thị Bình", "PH-1", "01/01/1951", ""],
                                           header=header))
    assert counts == {"add": 1, "update": 1, "unchanged": 0}
    first = db.query(Member).filter_by(birth_date=preview.rows[0].member["birth_date"]).one()
    # Only the file's columns change: status stays exempt, the name as the file writes it.
    assert (first.phone, first.status, first.full_name) == ("0905000111", EXEMPT, "LE THI BINH")


def test_a_scoped_organizer_cannot_import_outside_its_units(db, units):
    ward_organizer = scoped_organizer(db, units["PH"])
    _import(db, csv_file(CUONG))  # an administrator's earlier import, in the other ward
    preview = build_preview(db, csv_file(AN, CUONG[:1] + ["PH-1"] + CUONG[2:]), "dv.csv",
                            now=NOW, actor=ward_organizer)
    # Member 102 is someone else's: refused without saying whose.
    assert [row.errors for row in preview.rows] == [[], ["member_no_taken"]]
    preview = build_preview(db, csv_file(CUONG), "dv.csv", now=NOW, actor=ward_organizer)
    assert preview.rows[0].errors == ["unit_out_of_scope"]
    assert gen_user(db)  # an unscoped organizer may (covered above with actor=None)


@pytest.mark.parametrize("writer, name", [(to_csv, "x.csv"), (to_xlsx, "x.xlsx")])
def test_an_export_reads_back_unchanged(db, units, writer, name):
    _import(db, csv_file(AN, BINH, CUONG))
    data = writer(member_rows(db.query(Member).order_by(Member.id).all()))
    preview = build_preview(db, data, name, now=NOW, actor=None)
    assert [row.action for row in preview.rows] == ["unchanged"] * 3


def test_a_row_without_a_number_matching_an_earlier_numbered_row_is_a_duplicate(db, units):
    again = AN[:3] + [""] + AN[4:]  # the same person, the number left out
    preview = build_preview(db, csv_file(AN, again), "dv.csv", now=NOW, actor=None)
    assert [row.errors for row in preview.rows] == [[], ["duplicate_row"]]


def test_exports_never_carry_formulas(db, units):
    import io as _io

    import openpyxl

    _import(db, csv_file(["=HYPERLINK(\"http://x\")", "PH-1"]))
    rows = member_rows(db.query(Member).all())
    import csv as _csv

    first = next(iter(_csv.reader(to_csv(rows).decode("utf-8-sig").splitlines()[1:])))[0]
    assert first.startswith("'=HYPERLINK")
    sheet = openpyxl.load_workbook(_io.BytesIO(to_xlsx(rows))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")


def test_a_unit_given_by_name_is_taken_when_one_unit_in_scope_bears_it(db, units):
    # Both wards have a "Chi bộ tổ dân phố 1": for the town the name is ambiguous (the row names
    # both, by code), for Phổ Hòa's own organizer it is their cell; a unique name just works.
    rows = [["Nguyễn Văn An", "Chi bộ tổ dân phố 1"], ["Lê Thị Bình", "đảng ủy phường phổ hòa"]]
    preview = build_preview(db, csv_file(*rows), "dv.csv", now=NOW, actor=None)
    ambiguous, unique = preview.rows
    assert ambiguous.errors == ["ambiguous_unit"] and ambiguous.unit_candidates == [
        "Chi bộ tổ dân phố 1 (PH-1, Đảng ủy phường Phổ Hòa)",
        "Chi bộ tổ dân phố 1 (PM-1, Đảng ủy phường Phổ Minh)"]
    assert unique.errors == [] and unique.unit.code == "PH"
    ward_organizer = scoped_organizer(db, units["PH"])
    preview = build_preview(db, csv_file(*rows), "dv.csv", now=NOW, actor=ward_organizer)
    assert [(row.errors, row.unit.code) for row in preview.rows] == [([], "PH-1"), ([], "PH")]
    preview = build_preview(db, csv_file(["Trần Cường", "Thị ủy Đức Phổ"]), "dv.csv", now=NOW,
                            actor=ward_organizer)  # above the organizer: named, refused
    assert preview.rows[0].errors == ["unit_out_of_scope"]
