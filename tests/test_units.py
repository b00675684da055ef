"""Units: create, edit, move without cycles, retire; the file import (all rows or none,
re-import by code, unknown parents and cycles are bad rows) and the export round trip."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from attendance import units
from attendance.errors import DomainError, ValidationError
from attendance.models import AuditEntry, Unit
from tests.factories import NOW

HEAD = "Mã đơn vị,Tên đơn vị,Loại,Mã cấp trên,Tên trên văn bản,Địa danh,Ký hiệu,Số đảng viên\n"
TREE = HEAD + (
    "TU,Thị ủy Sơn Hà,Cấp ủy,,THỊ ỦY SƠN HÀ,Sơn Hà,TU,\n"
    "DU-A,Đảng ủy xã A,Cấp ủy,TU,ĐẢNG ỦY XÃ A,A,ĐU,120\n"
    "CB-A1,Chi bộ tổ dân phố 1,Chi bộ,DU-A,,,CB,25\n"
    "DU-B,Đảng ủy xã B,Cấp ủy,TU,ĐẢNG ỦY XÃ B,B,ĐU,90\n"
    "CB-B1,Chi bộ tổ dân phố 1,chi bo,DU-B,,,CB,30\n")


def _import(db, text, name="units.csv"):
    preview = units.build_preview(db, text.encode(), name)
    if preview.ok:
        units.import_units(db, preview, now=NOW, actor=None)
    return preview


def _by_code(db):
    return {u.code: u for u in db.scalars(select(Unit))}


def test_import_builds_the_tree_with_names_unique_among_siblings_only(db):
    preview = _import(db, TREE)
    assert preview.ok and preview.added == 5
    found = _by_code(db)
    assert found["CB-A1"].name == found["CB-B1"].name == "Chi bộ tổ dân phố 1"
    assert found["CB-B1"].parent is found["DU-B"] and found["CB-B1"].kind == "cell"
    assert found["DU-A"].member_count == 120 and found["TU"].letterhead == "THỊ ỦY SƠN HÀ"
    assert [(r.unit.code, r.depth) for r in units.unit_tree(db)] == [
        ("TU", 0), ("DU-A", 1), ("CB-A1", 2), ("DU-B", 1), ("CB-B1", 2)]
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "units.import"))


def test_parent_later_in_the_file_and_english_headers(db):
    preview = _import(db, "code,name,kind,parent\nC1,Chi bộ 1,cell,R\nR,Huyện ủy X,committee,\n")
    assert preview.ok
    assert _by_code(db)["C1"].parent.code == "R"


def test_bad_rows_are_named_and_nothing_is_imported(db):
    text = HEAD + ("TU,Thị ủy Sơn Hà,Cấp ủy,,,,,\n"
                   "X1,Đơn vị X1,Cấp ủy,NOPE,,,,\n"      # unknown parent
                   "Y1,Đơn vị Y1,Cấp ủy,Y2,,,,\n"        # Y1 -> Y2 -> Y1
                   "Y2,Đơn vị Y2,Cấp ủy,Y1,,,,\n"
                   "Z1,Đơn vị Z1,Hội đồng,TU,,,,\n"      # unknown kind
                   "Z2,Đơn vị Z2,Cấp ủy,TU,,,,nhiều\n"   # members not a number
                   "TU,Thị ủy khác,Cấp ủy,,,,,\n"        # code twice
                   "S1,Chi bộ 1,Chi bộ,TU,,,,\n"
                   "S2,Chi bộ 1,Chi bộ,TU,,,,\n"         # same name under the same parent
                   ",Không mã,Chi bộ,TU,,,,\n")
    preview = _import(db, text)
    assert {row.number: row.errors for row in preview.bad_rows} == {
        3: ["unknown_parent"], 4: ["unit_cycle"], 5: ["unit_cycle"], 6: ["bad_unit_kind"],
        7: ["bad_members"], 8: ["duplicate_code"], 10: ["sibling_name_taken"],
        11: ["missing_code"]}
    with pytest.raises(DomainError) as refused:
        units.import_units(db, preview, now=NOW, actor=None)
    assert refused.value.code == "bad_rows"
    assert db.scalar(select(func.count(Unit.id))) == 0


def test_reimport_updates_by_code_moves_and_keeps_missing_columns(db):
    _import(db, TREE)
    ids = {code: u.id for code, u in _by_code(db).items()}
    # CB-A1 moves to DU-B, where a unit of the same name already is: the file renames both.
    preview = _import(db, "code,name,kind,parent,members\n"
                          "CB-A1,Chi bộ tổ dân phố 1,cell,DU-B,26\n"
                          "CB-B1,Chi bộ tổ dân phố 2,cell,DU-B,30\n"
                          "NEW,Chi bộ mới,cell,DU-A,\n")
    assert preview.ok, [(r.number, r.errors) for r in preview.bad_rows]
    assert (preview.added, preview.updated) == (1, 2)
    found = _by_code(db)
    assert {code: u.id for code, u in found.items() if code != "NEW"} == ids
    assert found["CB-A1"].parent.code == "DU-B" and found["CB-A1"].member_count == 26
    assert found["CB-B1"].name == "Chi bộ tổ dân phố 2"
    assert found["TU"].letterhead == "THỊ ỦY SƠN HÀ"  # a file without the column keeps it
    assert found["CB-A1"].symbol == "CB"


def test_reimport_refuses_a_cycle_through_the_existing_tree(db):
    _import(db, TREE)
    preview = _import(db, "code,name,kind,parent\nTU,Thị ủy Sơn Hà,committee,CB-A1\n")
    assert [(r.number, r.errors) for r in preview.bad_rows] == [(2, ["unit_cycle"])]
    assert _by_code(db)["TU"].parent is None


def test_export_reads_back_as_the_same_tree(db):
    _import(db, TREE)
    book = openpyxl.load_workbook(io.BytesIO(units.export_xlsx(db)))
    rows = [[c if c is not None else "" for c in r] for r in book.active.iter_rows(
        values_only=True)]
    assert rows[0] == list(units.FILE_HEADERS.values())
    assert rows[1][:4] == ["TU", "Thị ủy Sơn Hà", "Cấp ủy", ""]
    csv_bytes = units.export_csv(db)
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    again = units.build_preview(db, csv_bytes, "units.csv")
    assert again.ok and again.added == 0 and again.updated == 0
    assert units.build_preview(db, units.template_xlsx(), "t.xlsx").ok


def test_create_edit_move_and_retire(db):
    root = units.create_unit(db, now=NOW, actor=None, code="H", name="Huyện ủy H",
                             kind="committee", letterhead="HUYỆN ỦY H", symbol="HU")
    a = units.create_unit(db, now=NOW, actor=None, code="A", name="Đảng ủy A", kind="committee",
                          parent_id=root.id)
    b = units.create_unit(db, now=NOW, actor=None, code="B", name="Chi bộ 1", kind="cell",
                          parent_id=a.id)
    units.create_unit(db, now=NOW, actor=None, code="C", name="Chi bộ 1", kind="cell",
                      parent_id=root.id)  # the same name elsewhere is fine
    with pytest.raises(ValidationError) as refused:
        units.create_unit(db, now=NOW, actor=None, code="A", name="Chi bộ 1", kind="club",
                          parent_id=a.id, member_count="-3")
    assert refused.value.errors == {"code": "code_taken", "name": "sibling_name_taken",
                                    "kind": "bad_choice", "member_count": "negative"}
    with pytest.raises(ValidationError) as refused:
        units.update_unit(db, root, now=NOW, actor=None, parent_id=b.id)
    assert refused.value.errors == {"parent_id": "unit_cycle"}
    with pytest.raises(ValidationError) as refused:
        units.update_unit(db, b, now=NOW, actor=None, parent_id=root.id)
    assert refused.value.errors == {"name": "sibling_name_taken"}
    units.update_unit(db, b, now=NOW, actor=None, parent_id=root.id, name="Chi bộ 2")
    assert b.parent is root
    assert units.descendant_ids(db, root.id) == {root.id, a.id, b.id, *[
        u.id for u in db.scalars(select(Unit).where(Unit.code == "C"))]}
    with pytest.raises(DomainError) as refused:
        units.retire_unit(db, root, now=NOW, actor=None)
    assert refused.value.code == "unit_has_children"
    units.retire_unit(db, a, now=NOW, actor=None)
    assert a.retired_at is not None and a not in [r.unit for r in units.unit_tree(db)]
    with pytest.raises(ValidationError) as refused:
        units.update_unit(db, b, now=NOW, actor=None, parent_id=a.id)
    assert refused.value.errors == {"parent_id": "parent_retired"}
