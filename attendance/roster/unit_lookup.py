"""Finding the unit a file's row names, by code or by name.

Names repeat across the tree (every ward has its "Chi bộ tổ dân phố 1"), so a name alone is
only trusted within a part of the tree (the session's organizing unit and everything below it,
plus the units above it, whose guests sit on the same roster), and only when exactly one unit
there bears it; a code is unique in the instance and always wins. An ambiguous name is a bad
row that names its candidates, so the organizer can add the code column.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.accounts.scope import ancestor_ids, subtree_ids
from attendance.models import Unit
from attendance.text import clean, fold


@dataclass
class Found:
    unit: Unit | None = None
    error: str | None = None  # "unknown_unit" (a code), "ambiguous_unit" (a name)
    candidates: list[Unit] = field(default_factory=list)  # an ambiguous name's units


class UnitLookup:
    """Cached lookups for one file; ``within`` is the unit whose part of the tree (subtree and
    ancestors) names are looked up in, None for the whole instance."""

    def __init__(self, db: Session, within: int | None):
        self.db = db
        self._ids = (None if within is None
                     else subtree_ids(db, within) | ancestor_ids(db, within))
        self._by_name: dict[str, list[Unit]] | None = None
        self._by_code: dict[str, Unit | None] = {}

    def by_code(self, code: str) -> Found:
        key = clean(code).upper()
        if key not in self._by_code:
            self._by_code[key] = self.db.scalar(select(Unit).where(
                func.upper(Unit.code) == key, Unit.retired_at.is_(None)))
        unit = self._by_code[key]
        return Found(unit) if unit is not None else Found(error="unknown_unit")

    def by_name(self, name: str) -> Found:
        """The one unit bearing ``name`` (case and accents aside); none is not an error (a
        guest's office outside the tree), two or more are."""
        if self._by_name is None:
            self._by_name = {}
            query = select(Unit).where(Unit.retired_at.is_(None))
            for unit in self.db.scalars(query):
                if self._ids is None or unit.id in self._ids:
                    self._by_name.setdefault(fold(unit.name), []).append(unit)
        units = self._by_name.get(fold(name), []) if clean(name) else []
        if len(units) > 1:
            return Found(error="ambiguous_unit", candidates=sorted(units, key=lambda u: u.code))
        return Found(units[0] if units else None)


def describe(unit: Unit) -> str:
    """ "Chi bộ tổ dân phố 1 (mã PH-TDP1, thuộc Đảng ủy phường Phổ Hòa)": a candidate named so
    that the organizer can tell it from its namesakes."""
    parent = f", {unit.parent.name}" if unit.parent is not None else ""
    return f"{unit.name} ({unit.code}{parent})"
