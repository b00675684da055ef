"""Bridge points imported from a file (CSV or XLSX): one row per point with its name, unit code,
address and coordinator. Every row is checked first; with any bad row nothing is made, and the
rows are named with their reasons (all rows or none)."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, permissions
from ..errors import DomainError, Forbidden
from ..models import BRIDGE_POINT, StudySession, Unit, User, Venue
from ..tables import csv_bytes, read_table
from ..text import clean, fold, normalize_phone

COLUMNS = {"name": {"name", "tendiemcau", "diemcau", "ten"},
           "unit": {"unit", "unitcode", "madonvi", "donvi"},
           "address": {"address", "diachi"},
           "coordinator": {"coordinator", "nguoiphutrach", "phutrach"},
           "phone": {"phone", "sodienthoai", "dienthoai"}}
HEADERS = {"name": "Tên điểm cầu", "unit": "Mã đơn vị", "address": "Địa chỉ",
           "coordinator": "Người phụ trách", "phone": "Số điện thoại"}


@dataclass
class PointRow:
    number: int
    values: dict
    errors: list[str] = field(default_factory=list)


class PointImportError(DomainError):
    def __init__(self, rows: list[PointRow]):
        super().__init__("bad_rows", count=len(rows))
        self.rows = rows


def _key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(value))


def import_points(db: Session, session: StudySession, data: bytes, filename: str, *,
                  now: datetime, actor: User | None) -> list[Venue]:
    if actor is not None and not permissions.can_manage_session(actor, session):
        raise Forbidden()
    table = read_table(data, filename)
    number, header = table[0]
    columns = {name: i for i, cell in enumerate(header) for name, keys in COLUMNS.items()
               if _key(cell) in keys}
    if "name" not in columns:
        raise DomainError("missing_columns")
    rows = [PointRow(n, {name: cells[i] if i < len(cells) else "" for name, i in columns.items()})
            for n, cells in table[1:]]
    if not rows:
        raise DomainError("empty_file")
    codes = {r.values.get("unit", "") for r in rows} - {""}
    units = {u.code: u for u in db.scalars(select(Unit).where(Unit.code.in_(codes)))}
    names = {fold(v.name) for v in session.venues}
    for row in rows:
        _check(row, units, names, actor)
    bad = [row for row in rows if row.errors]
    if bad:
        raise PointImportError(bad)
    position = 1 + max((v.position for v in session.venues), default=-1)
    made = []
    for offset, row in enumerate(rows):
        unit = units.get(row.values.get("unit", ""))
        made.append(Venue(session=session, kind=BRIDGE_POINT, name=clean(row.values["name"]),
                          unit_id=unit.id if unit else None, position=position + offset,
                          address=clean(row.values.get("address", ""))[:300],
                          coordinator_name=clean(row.values.get("coordinator", ""))[:200],
                          coordinator_phone=normalize_phone(row.values.get("phone", "")) or "",
                          code=secrets.token_urlsafe(16)))
    db.add_all(made)
    db.flush()
    audit.record(db, now=now, actor=actor, action="venue.import", session_id=session.id,
                 target=session, filename=filename[:200], venues=[v.id for v in made])
    return made


def _check(row: PointRow, units: dict, names: set, actor: User | None) -> None:
    name = clean(row.values.get("name", ""))
    if not name:
        row.errors.append("required")
    elif len(name) > 200:
        row.errors.append("too_long")
    elif fold(name) in names:
        row.errors.append("name_taken")
    names.add(fold(name))
    code = row.values.get("unit", "")
    unit = units.get(code)
    if code and (unit is None or unit.retired_at is not None
                 or (actor is not None and not permissions.can_manage_unit(actor, unit))):
        row.errors.append("unit_not_found")
    if normalize_phone(row.values.get("phone", "")) is None:
        row.errors.append("bad_phone")


def template_csv() -> bytes:
    return csv_bytes([list(HEADERS.values()), ["Điểm cầu xã Phổ An", "PA",
                      "Hội trường UBND xã Phổ An", "Nguyễn Văn A", "0912345678"]])
