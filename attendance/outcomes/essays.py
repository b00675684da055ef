"""Learning essays (bài thu hoạch): one per person, graded on the session's scale.

Entered on a page (the organizer for everyone, a unit's reporter for the unit's people) or
imported from a CSV/XLSX file matched by full name and phone: every row good, or nothing saved
and every bad row named. Counts by grade per unit flow into the result reports.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import DomainError, ValidationError
from attendance.models import Essay, Person, StudySession, User
from attendance.outcomes.reports import settings_for
from attendance.tables import csv_bytes, read_table
from attendance.text import clean, fold, normalize_phone

NOT_SUBMITTED = None  # a person without an essay row
UNGRADED = ""  # submitted, not graded yet

HEADERS = {"full_name": "Họ và tên", "phone": "Số điện thoại", "grade": "Xếp loại"}
ALIASES = {
    "full_name": {"fullname", "name", "hovaten", "hoten"},
    "phone": {"phone", "sodienthoai", "dienthoai", "sdt"},
    "grade": {"grade", "xeploai", "ketqua", "danhgia", "diem"},
}


def grades(db: Session, session: StudySession) -> list[str]:
    return list(settings_for(db, session).essay_grades)


def essays_by_person(db: Session, session: StudySession,
                     person_ids: list[int] | None = None) -> dict[int, Essay]:
    query = select(Essay).where(Essay.session_id == session.id)
    if person_ids is not None:
        query = query.where(Essay.person_id.in_(person_ids))
    return {e.person_id: e for e in db.scalars(query)}


def set_essays(db: Session, session: StudySession, entries: dict[int, str | None], *,
               now: datetime, actor: User | None, unit_id: int | None = None) -> int:
    """Record essays: person id -> grade ("" = submitted, not graded; None = no essay).

    With ``unit_id`` (a reporter) every person must belong to that unit. Returns how many
    essays changed."""
    scale = grades(db, session)
    people = {p.id: p for p in db.scalars(
        select(Person).where(Person.session_id == session.id, Person.id.in_(list(entries))))}
    errors = {}
    for person_id, grade in entries.items():
        person = people.get(person_id)
        if person is None:
            errors[f"grade-{person_id}"] = "not_found"
        elif unit_id is not None and person.unit_id != unit_id:
            errors[f"grade-{person_id}"] = "not_your_unit"
        elif grade and grade not in scale:
            errors[f"grade-{person_id}"] = "bad_grade"
    if errors:
        raise ValidationError(errors)
    existing = essays_by_person(db, session, list(entries))
    changed = 0
    for person_id, grade in entries.items():
        essay = existing.get(person_id)
        if grade is None:
            if essay is not None:
                db.delete(essay)
                changed += 1
            continue
        if essay is None:
            db.add(Essay(session_id=session.id, person_id=person_id, grade=grade,
                         recorded_at=now, recorded_by_id=actor.id if actor else None))
        elif essay.grade != grade:
            essay.grade, essay.recorded_at = grade, now
            essay.recorded_by_id = actor.id if actor else None
        else:
            continue
        changed += 1
    if changed:
        audit.record(db, now=now, actor=actor, action="essays.set", session_id=session.id,
                     changes={str(k): v for k, v in entries.items()})
    db.flush()
    return changed


def counts_by_unit(db: Session, session: StudySession) -> dict[int | None, dict[str, int]]:
    """unit id -> {grade: count}; ungraded essays counted under ""."""
    rows = db.execute(
        select(Person.unit_id, Essay.grade, func.count(Essay.id))
        .join(Person, Person.id == Essay.person_id)
        .where(Essay.session_id == session.id).group_by(Person.unit_id, Essay.grade))
    result: dict[int | None, dict[str, int]] = {}
    for unit_id, grade, count in rows:
        result.setdefault(unit_id, {})[grade] = count
    return result


# Import --------------------------------------------------------------------------------------

@dataclass
class BadRow:
    number: int  # spreadsheet row number
    name: str
    code: str


@dataclass
class ImportResult:
    entries: dict[int, str] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)


class EssayImportError(DomainError):
    """Some rows are wrong: nothing was saved. ``rows`` names each of them."""

    def __init__(self, rows: list[BadRow]):
        self.rows = rows
        super().__init__("bad_rows", count=len(rows))


def import_essays(db: Session, session: StudySession, data: bytes, filename: str, *,
                  now: datetime, actor: User | None, unit_id: int | None = None) -> int:
    """Import essays from a file: all rows or none. Returns how many rows were imported."""
    result = check_file(db, session, data, filename, unit_id=unit_id)
    if result.bad_rows:
        raise EssayImportError(result.bad_rows)
    set_essays(db, session, result.entries, now=now, actor=actor, unit_id=unit_id)
    return len(result.entries)


def check_file(db: Session, session: StudySession, data: bytes, filename: str, *,
               unit_id: int | None = None) -> ImportResult:
    table = read_table(data, filename)
    header_at, columns = None, {}
    for index, (_, cells) in enumerate(table[:10]):
        columns = _columns(cells)
        if "full_name" in columns and "phone" in columns:
            header_at = index
            break
    if header_at is None:
        raise DomainError("missing_columns")
    scale = {fold(g): g for g in grades(db, session)}
    people: dict[tuple[str, str], list[Person]] = {}
    for person in db.scalars(select(Person).where(Person.session_id == session.id)):
        people.setdefault((person.search_name, person.phone), []).append(person)
    result = ImportResult()
    for number, cells in table[header_at + 1:]:
        def cell(name):
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else ""
        name, phone, grade_text = cell("full_name"), normalize_phone(cell("phone")), cell("grade")
        code = None
        grade = scale.get(fold(grade_text)) if grade_text else UNGRADED
        if not clean(name):
            code = "missing_name"
        elif phone is None or not phone:
            code = "bad_phone"
        elif grade is None:
            code = "bad_grade"
        else:
            matches = people.get((fold(name), phone), [])
            if not matches:
                code = "person_not_found"
            elif len(matches) > 1:
                code = "ambiguous_person"
            elif unit_id is not None and matches[0].unit_id != unit_id:
                code = "not_your_unit"
            elif matches[0].id in result.entries:
                code = "duplicate_row"
            else:
                result.entries[matches[0].id] = grade
        if code:
            result.bad_rows.append(BadRow(number, clean(name), code))
    if not result.entries and not result.bad_rows:
        raise DomainError("empty_file")
    return result


def _columns(cells: list[str]) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(cells):
        key = re.sub(r"[^a-z0-9]", "", fold(cell))
        for name, aliases in ALIASES.items():
            if key in aliases and name not in columns:
                columns[name] = index
    return columns


def template_csv(session: StudySession) -> bytes:
    return csv_bytes([list(HEADERS.values()), ["Nguyễn Văn A", "0912345678", "Tốt"]])
