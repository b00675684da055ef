"""Roster files (CSV or XLSX): read into a preview of every row, then import all rows or none.

Headers are matched in any order, in English or Vietnamese, ignoring case, accents and spaces.
Row numbers are the spreadsheet's own (the header is row 1 when it is the first row), so
"Dòng 5" points at the row the organizer sees in Excel.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
from openpyxl.styles import Font
from sqlalchemy import insert
from sqlalchemy.orm import Session

from attendance import audit
from attendance.archives import check_archive
from attendance.errors import DomainError
from attendance.models import Person, StudySession, User
from attendance.roster import reimport
from attendance.roster.people import RowChecker
from attendance.text import clean, fold

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_ROWS = 100_000  # far above a province (32,000 people); the file size (8 MB) binds first
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 10  # office lists often carry a title and a date above the table

# Field -> header text of the template; aliases below are compared after _header_key().
HEADERS = {
    "full_name": "Họ và tên", "position": "Chức vụ", "unit": "Đơn vị",
    "category": "Thành phần", "venue": "Địa điểm", "phone": "Số điện thoại",
    "party_member": "Đảng viên", "member_no": "Số thẻ đảng viên", "birth_date": "Ngày sinh",
    "cccd": "Số CCCD",
}
ALIASES = {
    "full_name": {"fullname", "name", "hovaten", "hoten"},
    "position": {"position", "chucvu"},
    "unit": {"unit", "unitname", "donvi"},
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


@dataclass
class Preview:
    filename: str
    columns: list[str]  # fields found in the header, in file order
    rows: list[PreviewRow] = field(default_factory=list)
    mode: str = "add"  # or "update": add and update

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def bad_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.bad_rows


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
    header_index, columns = _find_header(table)
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
        for name in ("party_member", "member_no", "birth_date", "cccd"):
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
                                       existing, changes, _loose_matches(session, values, person)))
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


def read_table(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows as (row number, cleaned cells); stops soon after MAX_ROWS rows."""
    if not data.strip():
        raise DomainError("empty_file")
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # old binary .xls
        raise DomainError("unreadable_file")
    else:
        rows = _csv_rows(data)
    table = []
    try:
        for number, cells in rows:
            # Columns past the limit are refused, not dropped: the file is not what we expect.
            if any(_cell(value) for value in cells[MAX_COLUMNS:]):
                raise DomainError("too_many_columns", limit=MAX_COLUMNS)
            cells = [_cell(value) for value in cells[:MAX_COLUMNS]]
            if any(cells):
                table.append((number, cells))
                if len(table) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise DomainError("too_many_rows", limit=MAX_ROWS)
    except DomainError:
        raise
    except Exception as error:  # a damaged file fails in many ways inside csv or openpyxl
        raise DomainError("unreadable_file") from error
    if not table:
        raise DomainError("empty_file")
    return table


def _csv_rows(data: bytes):
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        encoding = "utf-8-sig"  # Excel's "CSV UTF-8" starts with a BOM
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DomainError("unreadable_file") from error
    if "\x00" in text:
        raise DomainError("unreadable_file")
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    # Excel in a Vietnamese locale saves with ";"; "Unicode text" uses tabs.
    delimiter = max(",;\t", key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return enumerate(reader, start=1)


def _xlsx_rows(data: bytes):
    check_archive(data).close()  # before openpyxl inflates anything
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # not a zip, not a workbook, damaged XML...
        raise DomainError("unreadable_file") from error
    try:
        sheet = book.worksheets[0]
        # One column past the limit is enough to tell a too-wide file (read_table refuses it).
        yield from enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1)
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return clean(value)


def _header_key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(value))


def _match_headers(cells: list[str]) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        for name, aliases in ALIASES.items():
            if key in aliases and name not in columns:
                columns[name] = index
    return columns


def _find_header(table: list[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    """The first row (among the first few) naming every required column."""
    for index, (_, cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns = _match_headers(cells)
        if all(name in columns for name in REQUIRED):
            return index, columns
    found = _match_headers(table[0][1])
    missing = [HEADERS[name] for name in REQUIRED if name not in found]
    raise DomainError("missing_columns", columns=", ".join(missing))


def template_rows(session: StudySession) -> list[list[str]]:
    """The header in Vietnamese and one example row using this session's own names."""
    venue = session.venues[0] if session.venues else None
    categories = session.categories_for(venue.kind) if venue else []
    example = {"full_name": "Nguyễn Văn An", "position": "Bí thư chi bộ",
               "unit": "Chi bộ Cơ quan Thị ủy",
               "category": categories[0].name if categories else "",
               "venue": venue.name if venue else "", "phone": "0912345678",
               "party_member": "có", "member_no": "", "birth_date": "", "cccd": ""}
    return [list(HEADERS.values()), [example[name] for name in HEADERS]]


def template_csv(session: StudySession) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(template_rows(session))
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def template_xlsx(session: StudySession) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in template_rows(session):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (28, 22, 28, 40, 30, 16, 11, 18, 12)):
        sheet.column_dimensions[letter].width = width
    sheet["F2"].number_format = "@"  # keep the phone's leading zero
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
