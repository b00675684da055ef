"""Roster files (CSV or XLSX): read into a preview of every row, then import all rows or none.

The file is read by ``attendance.tables`` (headers in any order, English or Vietnamese; row
numbers as Excel shows them).
"""

import io
from dataclasses import dataclass, field
from datetime import datetime

import openpyxl
from openpyxl.styles import Font
from sqlalchemy import insert
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import DomainError
from attendance.models import Person, StudySession, User
from attendance.roster import reimport
from attendance.roster.people import RowChecker
from attendance.roster.unit_lookup import describe
from attendance.tables import (MAX_FILE_BYTES, MAX_ROWS, RowsPreview, csv_bytes, find_header,
                               read_table)
from attendance.text import clean

# Field -> header text of the template; aliases below are compared after _header_key().
HEADERS = {
    "full_name": "Họ và tên", "position": "Chức vụ", "unit": "Đơn vị",
    "category": "Thành phần", "venue": "Địa điểm", "phone": "Số điện thoại",
    "party_member": "Đảng viên", "member_no": "Số thẻ đảng viên", "birth_date": "Ngày sinh",
    "unit_code": "Mã đơn vị",
    "cccd": "Số CCCD",
}
ALIASES = {
    "full_name": {"fullname", "name", "hovaten", "hoten"},
    "position": {"position", "chucvu"},
    "unit": {"unit", "unitname", "donvi", "tendonvi"},
    "unit_code": {"unitcode", "madonvi"},  # exact where names repeat across wards
    "category": {"category", "thanhphan"},
    "venue": {"venue", "diadiem", "diemcau"},
    "phone": {"phone", "sodienthoai", "dienthoai", "sdt"},
    "party_member": {"partymember", "dangvien"},
    "member_no": {"memberno", "membernumber", "sothedangvien", "sothe"},
    "birth_date": {"birthdate", "dateofbirth", "ngaysinh"},
    "cccd": {"cccd", "socccd", "cancuoc", "socancuoc", "cancuoccongdan", "socancuoccongdan",
             "citizenid", "idnumber"},
}
REQUIRED = ("full_name", "category", "venue")


@dataclass
class PreviewRow:
    number: int  # spreadsheet row number
    values: dict[str, str]  # as read, by field name
    errors: list[str]  # error codes, empty when the row is good
    person: dict  # checked values, ready to save
    action: str = reimport.ADD  # in "add and update" mode: add, update or unchanged
    existing: Person | None = None  # the person an update changes
    changes: list[str] = field(default_factory=list)
    # Names the file spelt otherwise (without diacritics, other case) and what they matched,
    # by field: shown in the preview so that a loose match is seen, not silently taken.
    matched: dict[str, str] = field(default_factory=dict)
    # An ambiguous unit name's candidates ("ambiguous_unit"), named in the row's problem.
    unit_candidates: list[str] = field(default_factory=list)


@dataclass
class Preview(RowsPreview):
    filename: str
    columns: list[str]  # fields found in the header, in file order
    rows: list[PreviewRow] = field(default_factory=list)
    mode: str = "add"  # or "update": add and update

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


MODES = ("add", "update")


def build_preview(db: Session, session: StudySession, data: bytes, filename: str, *,
                  mode: str = "add", key: bytes | None = None) -> Preview:
    """Read and check every row; raises DomainError for a file that cannot be used at all.
    ``mode`` "update" matches rows to people already on the roster (``roster.reimport``).
    ``key``: the cards' key, which a ``cccd`` column needs (its numbers are kept as HMACs)."""
    if mode not in MODES:
        raise DomainError("bad_request")
    if len(data) > MAX_FILE_BYTES:
        raise DomainError("too_large")
    table = read_table(data, filename)
    header_index, columns = find_header(table, ALIASES, REQUIRED, HEADERS)
    preview = Preview(filename=filename, columns=list(columns), mode=mode)
    checker = RowChecker(db, session, key=key)
    matcher = reimport.Matcher(db, session, preview.columns) if mode == "update" else None
    for number, cells in table[header_index + 1:]:
        values = {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
        if not any(values.values()):
            continue
        if len(preview.rows) == MAX_ROWS:
            raise DomainError("too_many_rows", limit=MAX_ROWS)
        data_row = dict(full_name=values["full_name"], position=values.get("position", ""),
                        unit_name=values.get("unit", ""), phone=values.get("phone", ""),
                        category=values["category"], venue=values["venue"])
        for name in ("party_member", "member_no", "birth_date", "unit_code", "cccd"):
            if name in values:
                data_row[name] = values[name]
        person, errors = checker.check(data_row)
        person.setdefault("birth_date", None)
        person.setdefault("member_id", None)
        action, existing, changes = (matcher.match(person, errors) if matcher
                                     else (reimport.ADD, None, []))
        if action == reimport.ADD:
            checker.remember(person)
        preview.rows.append(PreviewRow(number, values, list(errors.values()), person, action,
                                       existing, changes, _loose_matches(session, values, person),
                                       [describe(unit) for unit in checker.candidates]))
    if not preview.rows:
        raise DomainError("empty_file")
    return preview


def _loose_matches(session: StudySession, values: dict, person: dict) -> dict[str, str]:
    found = {"venue": next((v.name for v in session.venues
                            if v.id == person.get("venue_id")), None),
             "category": next((c.name for c in session.categories
                               if c.id == person.get("category_id")), None)}
    return {name: matched for name, matched in found.items()
            if matched is not None and clean(values.get(name, "")) != matched}


def import_roster(db: Session, session: StudySession, preview: Preview, *, now: datetime,
                  actor: User | None) -> int:
    """Save every row of a good preview; with any bad row nothing is saved."""
    if not preview.rows:
        raise DomainError("empty_file")
    if preview.bad_rows:
        raise DomainError("bad_rows", count=len(preview.bad_rows))
    added = [dict(row.person, session_id=session.id, created_at=now)
             for row in preview.rows if row.action == reimport.ADD]
    if added:
        db.execute(insert(Person), added)
    changed = {row.existing.id: reimport.apply(row.existing, row.person, row.changes)
               for row in preview.rows if row.action == reimport.UPDATE}
    audit.record(db, now=now, actor=actor, action="roster.import", session_id=session.id,
                 target=session, filename=preview.filename, people=len(added),
                 mode=preview.mode, updated=changed)
    db.flush()
    return len(added) + len(changed)


def template_rows(session: StudySession) -> list[list[str]]:
    """The header in Vietnamese and one example row using this session's own names."""
    venue = session.venues[0] if session.venues else None
    categories = session.categories_for(venue.kind) if venue else []
    example = {"full_name": "Nguyễn Văn An", "position": "Bí thư chi bộ",
               "unit": "Chi bộ Cơ quan Thị ủy", "unit_code": "",
               "category": categories[0].name if categories else "",
               "venue": venue.name if venue else "", "phone": "0912345678",
               "party_member": "có", "member_no": "", "birth_date": "", "cccd": ""}
    return [list(HEADERS.values()), [example[name] for name in HEADERS]]


def template_csv(session: StudySession) -> bytes:
    return csv_bytes(template_rows(session))


def template_xlsx(session: StudySession) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in template_rows(session):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (28, 22, 28, 40, 30, 16, 11, 18, 12, 14)):
        sheet.column_dimensions[letter].width = width
    sheet["F2"].number_format = "@"  # keep the phone's leading zero
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
