"""Units files (CSV or XLSX): a preview of every row, then all rows or none; and the export.

A row is keyed by its code: a known code updates that unit, a new one creates it. ``parent``
names a code in the same file (in any order) or one already known; a row whose parent is
unknown, or whose parents lead back to itself, is a bad row. Names must stay unique among the
siblings the file leaves. Reading the file is ``attendance.tables`` (same header rules,
same row numbers as Excel shows, as every import).
"""

import io
from dataclasses import dataclass, field
from datetime import datetime

import openpyxl
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import DomainError
from ..models import UNIT_KINDS, Unit, User
from ..tables import MAX_FILE_BYTES, RowsPreview, csv_bytes, find_header, read_table
from ..text import fold
from .tree import MAX_MEMBERS, unit_tree

MAX_UNITS = 20_000
HEADERS = {"code": "Mã đơn vị", "name": "Tên đơn vị", "kind": "Loại", "parent": "Mã cấp trên",
           "letterhead": "Tên trên văn bản", "place": "Địa danh", "symbol": "Ký hiệu",
           "members": "Số đảng viên"}
ALIASES = {
    "code": {"code", "madonvi", "ma"}, "name": {"name", "tendonvi", "ten"},
    "kind": {"kind", "loai", "loaidonvi"}, "parent": {"parent", "macaptren", "captren"},
    "letterhead": {"letterhead", "tentrenvanban"}, "place": {"place", "diadanh"},
    "symbol": {"symbol", "kyhieu"}, "members": {"members", "sodangvien", "membercount"},
}
REQUIRED = ("code", "name", "kind")
LIMITS = {"code": 40, "name": 200, "letterhead": 200, "place": 100, "symbol": 20}
# Kinds as the file may write them: the contract's English words or the Vietnamese ones.
KIND_WORDS = {**{k: k for k in UNIT_KINDS}, "cap uy": "committee", "dang uy": "committee",
              "chi bo": "cell", "mat tran": "front", "doan the": "organization",
              "co quan": "office"}
FIELDS = ("name", "kind", "letterhead", "place", "symbol", "member_count")
KIND_NAMES = {"committee": "Cấp ủy", "cell": "Chi bộ", "front": "Mặt trận",
              "organization": "Đoàn thể", "office": "Cơ quan"}


@dataclass
class UnitRow:
    number: int  # the spreadsheet's row number
    values: dict[str, str]  # as read
    errors: list[str] = field(default_factory=list)
    unit: dict = field(default_factory=dict)  # checked values
    existing_id: int | None = None  # the unit this row updates
    changed: bool = True  # False: an update that changes nothing


@dataclass
class UnitPreview(RowsPreview):
    filename: str
    columns: list[str]
    rows: list[UnitRow] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is None)

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is not None and row.changed)


def build_preview(db: Session, data: bytes, filename: str, *,
                  scope: Unit | None = None) -> UnitPreview:
    """Read and check every row; DomainError for a file that cannot be used at all.

    With ``scope`` (a scoped organizer's unit) every row must lie under it."""
    if len(data) > MAX_FILE_BYTES:
        raise DomainError("too_large")
    table = read_table(data, filename)
    header_index, columns = find_header(table, ALIASES, REQUIRED, HEADERS)
    rows = [(number, {name: cells[i] if i < len(cells) else "" for name, i in columns.items()})
            for number, cells in table[header_index + 1:]]
    return preview_rows(db, rows, filename, columns=list(columns), scope=scope)


def preview_rows(db: Session, rows: list[tuple[int, dict[str, str]]], filename: str, *,
                 columns: list[str] | None = None, scope: Unit | None = None) -> UnitPreview:
    """The preview of rows already read ((row number, {field: text}), fields as HEADERS);
    what ``build_preview`` does after reading a file, and what the demo loader calls."""
    preview = UnitPreview(filename=filename, columns=columns or list(HEADERS))
    for number, values in rows:
        if any(values.values()):
            if len(preview.rows) == MAX_UNITS:
                raise DomainError("too_many_rows", limit=MAX_UNITS)
            preview.rows.append(_check_row(number, values))
    if not preview.rows:
        raise DomainError("empty_file")
    _check_against_tree(db, preview.rows, scope)
    return preview


def _check_row(number: int, values: dict[str, str]) -> UnitRow:
    """Only the columns the file has are set: a re-import without ``letterhead`` keeps it."""
    row = UnitRow(number, values)
    unit = {name: values[name] for name in LIMITS if name in values}
    for name, code in (("code", "missing_code"), ("name", "missing_unit_name")):
        if not unit[name]:
            row.errors.append(code)
    if any(len(unit.get(name, "")) > limit for name, limit in LIMITS.items()):
        row.errors.append("too_long")
    unit["kind"] = KIND_WORDS.get(fold(values["kind"]).strip())
    if unit["kind"] is None:
        row.errors.append("bad_unit_kind")
    if "members" in values:
        members = values["members"].replace(".", "").replace(" ", "")
        unit["member_count"] = None
        if members and (not members.isascii() or not members.isdigit()
                        or int(members) > MAX_MEMBERS):
            row.errors.append("bad_members")
        elif members:
            unit["member_count"] = int(members)
    if "parent" in values:
        unit["parent"] = values["parent"]
    row.unit = unit
    return row


def _check_against_tree(db: Session, rows: list[UnitRow], scope: Unit | None) -> None:
    """Codes, parents, cycles and sibling names, as the tree will be once the file is in."""
    known = {u.code: u for u in db.scalars(select(Unit))}
    by_id = {u.id: u for u in known.values()}
    first_row: dict[str, UnitRow] = {}
    for row in rows:
        code = row.unit["code"]
        if code in first_row:
            row.errors.append("duplicate_code")
        elif code:
            first_row[code] = row
    # The tree after the import: code -> parent code and code -> name.
    parent_of = {code: (by_id[u.parent_id].code if u.parent_id in by_id else "")
                 for code, u in known.items()}
    name_of = {code: u.name for code, u in known.items()}
    for code, row in first_row.items():
        parent_of[code] = row.unit.get("parent", parent_of.get(code, ""))
        name_of[code] = row.unit["name"]
    for code, row in first_row.items():
        parent = parent_of[code]
        if parent and parent not in parent_of:
            row.errors.append("unknown_parent")
        elif parent and _in_cycle(code, parent_of):
            row.errors.append("unit_cycle")
        elif parent in known and known[parent].retired_at is not None:
            row.errors.append("parent_retired")
        elif scope is not None and not _under(code, scope.code, parent_of, known):
            row.errors.append("unit_outside_scope")
    seen: dict[tuple[str, str], str] = {}
    # Units the file leaves alone first, so that a row taking a name already used is the bad
    # one. Retired units keep their name among their siblings (the unique key covers them).
    for code in sorted(parent_of, key=lambda c: (c in first_row, first_row[c].number
                                                 if c in first_row else 0)):
        place = (parent_of[code], name_of[code])
        if place in seen and code in first_row:
            first_row[code].errors.append("sibling_name_taken")
        seen.setdefault(place, code)
    for code, row in first_row.items():
        unit = known.get(code)
        if unit is not None:
            row.existing_id = unit.id
            old_parent = by_id[unit.parent_id].code if unit.parent_id in by_id else ""
            row.changed = parent_of[code] != old_parent or any(
                getattr(unit, f) != v for f, v in row.unit.items() if f in FIELDS)


def _under(code: str, top: str, parent_of: dict[str, str], known: dict[str, Unit]) -> bool:
    """Whether ``code`` lies below ``top`` once the file is in (``top`` itself may be edited,
    not moved)."""
    if code == top:
        old = known[top].parent
        return parent_of[top] == (old.code if old is not None else "")
    current, steps = parent_of.get(code, ""), 0
    while current and steps < len(parent_of):
        if current == top:
            return True
        current, steps = parent_of.get(current, ""), steps + 1
    return False


def _in_cycle(code: str, parent_of: dict[str, str]) -> bool:
    """Whether the parents of ``code`` lead back to it (a loop above it is its members' own)."""
    seen, current = {code}, parent_of.get(code, "")
    while current:
        if current == code:
            return True
        if current in seen:
            return False
        seen.add(current)
        current = parent_of.get(current, "")
    return False


def import_units(db: Session, preview: UnitPreview, *, now: datetime,
                 actor: User | None) -> UnitPreview:
    """Create and update every row of a good preview; with any bad row nothing changes."""
    if not preview.rows:
        raise DomainError("empty_file")
    if preview.bad_rows:
        raise DomainError("bad_rows", count=len(preview.bad_rows))
    units = {u.code: u for u in db.scalars(select(Unit))}
    # Names move first to provisional values, so that two siblings swapping names (or a unit
    # moving next to one that leaves) never meets the unique (parent, name) key half-way.
    for row in preview.rows:
        unit = units.get(row.unit["code"])
        if unit is not None and row.changed:
            unit.name = f"\x01{unit.code}"
    db.flush()
    for row in preview.rows:
        if row.unit["code"] not in units:
            units[row.unit["code"]] = Unit(code=row.unit["code"], name=f"\x01{row.unit['code']}",
                                           kind=row.unit["kind"])
            db.add(units[row.unit["code"]])
    db.flush()
    for row in preview.rows:
        unit, values = units[row.unit["code"]], row.unit
        if "parent" in values:
            unit.parent = units[values["parent"]] if values["parent"] else None
        for name, value in values.items():
            if name in FIELDS:
                setattr(unit, name, value)
    db.flush()
    audit.record(db, now=now, actor=actor, action="units.import", filename=preview.filename,
                 added=preview.added, updated=preview.updated)
    return preview


def export_rows(db: Session, *, root_id: int | None = None) -> list[list]:
    rows = [list(HEADERS.values())]
    for item in unit_tree(db, root_id=root_id):
        unit = item.unit
        parent = unit.parent.code if unit.parent is not None else ""
        rows.append([unit.code, unit.name, KIND_NAMES.get(unit.kind, unit.kind), parent,
                     unit.letterhead, unit.place, unit.symbol,
                     "" if unit.member_count is None else unit.member_count])
    return rows


def _csv(rows: list[list]) -> bytes:
    return csv_bytes(rows)


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Đơn vị"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (14, 40, 12, 14, 36, 18, 10, 14)):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_csv(db: Session, *, root_id: int | None = None) -> bytes:
    return _csv(export_rows(db, root_id=root_id))


def export_xlsx(db: Session, *, root_id: int | None = None) -> bytes:
    return _xlsx(export_rows(db, root_id=root_id))


TEMPLATE_EXAMPLE = [
    ["TU", "Thị ủy Mẫu", "Cấp ủy", "", "THỊ ỦY MẪU", "Mẫu", "TU", ""],
    ["DU-P1", "Đảng ủy phường 1", "Cấp ủy", "TU", "ĐẢNG ỦY PHƯỜNG 1", "Phường 1", "ĐU", "120"],
    ["CB-P1-TDP1", "Chi bộ tổ dân phố 1", "Chi bộ", "DU-P1", "CHI BỘ TỔ DÂN PHỐ 1", "", "CB",
     "25"],
]


def template_csv() -> bytes:
    return _csv([list(HEADERS.values()), *TEMPLATE_EXAMPLE])


def template_xlsx() -> bytes:
    return _xlsx([list(HEADERS.values()), *TEMPLATE_EXAMPLE])
