"""Member files (CSV or XLSX): a preview of every row, then import all rows or none.

"Add and update": a row with a member number (số thẻ đảng viên) updates the member holding it,
wherever they are (a changed unit is a move, kept in the history); a row without one updates
the member of the same unit, full name and birth date; any other row adds a member. Only the
columns present in the file are changed, so a file of names and phones never clears positions.
"""

import io
from dataclasses import dataclass, field
from datetime import datetime

import openpyxl
from openpyxl.styles import Font
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import DomainError
from attendance.members.registry import EDITABLE, MemberChecker, apply_changes, record_move
from attendance.models import ACTIVE, EXEMPT, MOVED, Member, Unit, User
from attendance.permissions import can_manage_unit
from attendance.reports import cells
from attendance.roster.unit_lookup import UnitLookup, describe
from attendance.tables import (MAX_ROWS, RowsPreview, csv_bytes, find_header,
                               read_table)

# A registry of 100,000 members with every column is some 12 MB as CSV (a roster's files stop
# at attendance.tables.MAX_FILE_BYTES, 8 MB); files this large are checked and imported by the
# job worker (webapp/members/files.py).
MAX_FILE_BYTES = 16 * 1024 * 1024

HEADERS = {
    "full_name": "Họ và tên", "unit": "Mã đơn vị", "position": "Chức vụ",
    "member_no": "Số thẻ đảng viên", "birth_date": "Ngày sinh", "phone": "Số điện thoại",
    "party_member": "Đảng viên", "status": "Tình trạng", "key_cadre": "Cán bộ chủ chốt",
}
ALIASES = {
    "full_name": {"fullname", "name", "hovaten", "hoten"},
    "unit": {"unit", "unitcode", "madonvi", "donvi"},
    "position": {"position", "chucvu"},
    "member_no": {"memberno", "membernumber", "sothedangvien", "sothe"},
    "birth_date": {"birthdate", "dateofbirth", "ngaysinh"},
    "phone": {"phone", "sodienthoai", "dienthoai", "sdt"},
    "party_member": {"partymember", "dangvien"},
    "status": {"status", "tinhtrang"},
    "key_cadre": {"keycadre", "canbochuchot", "chuchot"},
}
REQUIRED = ("full_name", "unit")
STATUS_WORDS = {ACTIVE: "đang sinh hoạt", EXEMPT: "miễn sinh hoạt", MOVED: "chuyển đi"}
# Field of the file -> field of the member it sets (the unit is handled apart).
_FIELDS = {"full_name": "full_name", "position": "position", "member_no": "member_no",
           "birth_date": "birth_date", "phone": "phone", "party_member": "party_member",
           "status": "status", "key_cadre": "key_cadre"}
ADD, UPDATE, UNCHANGED = "add", "update", "unchanged"


@dataclass
class MemberRow:
    number: int  # the spreadsheet's row number
    values: dict[str, str]  # as read
    errors: list[str]
    member: dict  # checked values
    unit: Unit | None = None
    action: str = ADD
    existing: Member | None = None
    changes: list[str] = field(default_factory=list)  # fields an update changes ("unit" too)
    unit_candidates: list[str] = field(default_factory=list)  # an ambiguous unit name's units


@dataclass
class MemberPreview(RowsPreview):
    filename: str
    columns: list[str]
    rows: list[MemberRow] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


def build_preview(db: Session, data: bytes, filename: str, *, now: datetime,
                  actor: User | None) -> MemberPreview:
    """Read and check every row and say what it would do; DomainError for an unusable file."""
    if len(data) > MAX_FILE_BYTES:
        raise DomainError("too_large")
    table = read_table(data, filename)
    header_index, columns = find_header(table, ALIASES, REQUIRED, HEADERS)
    preview = MemberPreview(filename=filename, columns=list(columns))
    checker = MemberChecker(db, actor, today=now.date())
    lookup = UnitLookup(db, actor.unit_id if actor is not None else None)
    for number, row_cells in table[header_index + 1:]:
        values = {name: row_cells[i] if i < len(row_cells) else "" for name, i in columns.items()}
        if not any(values.values()):
            continue
        if len(preview.rows) == MAX_ROWS:
            raise DomainError("too_many_rows", limit=MAX_ROWS)
        data_row = {key: values[key] for key in _FIELDS if key in values}
        member, errors = checker.check(data_row)
        unit, candidates = _unit(checker, lookup, values["unit"], errors)
        preview.rows.append(MemberRow(number, values, list(dict.fromkeys(errors.values())),
                                      member, unit, unit_candidates=candidates))
    if not preview.rows:
        raise DomainError("empty_file")
    _match(db, preview, actor)
    return preview


def _unit(checker: MemberChecker, lookup: UnitLookup, text: str,
          errors: dict) -> tuple[Unit | None, list[str]]:
    """The unit column holds a code; a file that gives the unit's name instead is taken when
    one unit within the importer's scope bears it, and refused naming them when several do."""
    unit = checker.unit({"unit_code": text}, errors)
    if errors.get("unit_id") != "unknown_unit":
        return unit, []
    found = lookup.by_name(text)
    if found.error:
        errors["unit_id"] = found.error
        return None, [describe(candidate) for candidate in found.candidates]
    if found.unit is None:
        return unit, []
    del errors["unit_id"]
    return checker.unit({"unit_id": found.unit.id}, errors), []


def _match(db: Session, preview: MemberPreview, actor: User | None) -> None:
    """Find the member each good row updates, and refuse rows that name one member twice."""
    good = [row for row in preview.rows if not row.errors]
    by_no = _load(db, Member.member_no, {r.member["member_no"] for r in good
                                         if r.member["member_no"]})
    by_key: dict[tuple, list[Member]] = {}
    for member in _load_all(db, Member.unit_id, {r.unit.id for r in good}):
        by_key.setdefault((member.unit_id, member.search_name, member.birth_date),
                          []).append(member)
    seen: set = set()
    for row in good:
        number = row.member["member_no"]
        key = (row.unit.id, row.member["search_name"], row.member["birth_date"])
        if number:
            existing = by_no.get(number)
            if existing is not None and actor is not None and not can_manage_unit(
                    actor, existing.unit):
                row.errors.append("member_no_taken")  # someone else's member: say no more
                continue
        else:
            found = by_key.get(key, [])
            if len(found) > 1:
                row.errors.append("ambiguous_member")
                continue
            existing = found[0] if found else None
        identity = existing.id if existing is not None else (number or key)
        # A row without a number is also the same member as an earlier row of its key.
        if identity in seen or (not number and ("key", key) in seen):
            row.errors.append("duplicate_row")
            continue
        seen.update({identity, ("key", key)})
        if existing is not None:
            row.existing = existing
            row.changes = _changes(row, existing, preview.columns)
            row.action = UPDATE if row.changes else UNCHANGED


def _changes(row: MemberRow, member: Member, columns: list[str]) -> list[str]:
    changes = [name for name in EDITABLE if name in columns
               and row.member[name] != getattr(member, name)
               and not (name == "member_no" and not row.member[name])]
    if row.unit.id != member.unit_id:
        changes.append("unit")
    return changes


def import_members(db: Session, preview: MemberPreview, *, now: datetime,
                   actor: User | None) -> dict[str, int]:
    """Apply a good preview: add, update, move. With any bad row nothing is changed."""
    if not preview.rows:
        raise DomainError("empty_file")
    if preview.bad_rows:
        raise DomainError("bad_rows", count=len(preview.bad_rows))
    added = [dict(row.member, unit_id=row.unit.id, created_at=now)
             for row in preview.rows if row.action == ADD]
    if added:
        db.execute(insert(Member), added)
    updated = []
    for row in preview.rows:
        if row.action != UPDATE:
            continue
        kept = {name: (row.member[name] if name in row.changes else getattr(row.existing, name))
                for name in EDITABLE}
        apply_changes(row.existing, kept, now=now)
        if "unit" in row.changes:
            record_move(db, row.existing, row.unit, now=now, actor=actor,
                        note=f"import {preview.filename}"[:300])
        updated.append(row.existing.id)
    db.flush()
    counts = {ADD: len(added), UPDATE: len(updated), UNCHANGED: preview.count(UNCHANGED)}
    audit.record(db, now=now, actor=actor, action="members.import", filename=preview.filename,
                 updated_ids=updated, **counts)
    return counts


def _load(db: Session, column, keys: set) -> dict:
    return {getattr(m, column.key): m for m in _load_all(db, column, keys)}


def _load_all(db: Session, column, keys: set) -> list[Member]:
    keys, found = sorted(keys), []
    for start in range(0, len(keys), 500):  # IN lists of bounded length
        found.extend(db.scalars(select(Member).where(column.in_(keys[start:start + 500]))))
    return found


def member_rows(members: list[Member]) -> list[list[str]]:
    """The header and one row per member: what the import reads back unchanged."""
    rows = [list(HEADERS.values())]
    for m in members:
        rows.append([m.full_name, m.unit.code, m.position, m.member_no or "",
                     m.birth_date.strftime("%d/%m/%Y") if m.birth_date else "", m.phone,
                     "có" if m.party_member else "không", STATUS_WORDS[m.status],
                     "có" if m.key_cadre else ""])
    return rows


def template_rows() -> list[list[str]]:
    return [list(HEADERS.values()),
            ["Nguyễn Văn An", "CB-TDP1", "Bí thư chi bộ", "12.345678", "05/03/1975",
             "0912345678", "có", "đang sinh hoạt", "có"]]


def to_csv(rows: list[list[str]]) -> bytes:
    return csv_bytes(rows)


def to_xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Đảng viên"
    for row in rows:
        sheet.append([cells.text(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cells.looks_like_formula(cell.value):
                cell.data_type = "s"  # stored as text, never evaluated
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (28, 14, 26, 18, 12, 14, 10, 16, 14)):
        sheet.column_dimensions[letter].width = width
        # Text cells: member numbers and phones keep their leading zeros in Excel.
        for cell in sheet[letter][1:]:
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


