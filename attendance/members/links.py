"""Linking roster people to registry members: what makes a roster line count as a member
having studied (the learning outcome counts linked attendances)."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.models import Member


class MemberLinker:
    """Finds the member a roster row names: by member number, else by full name + unit +
    birth date (all three needed, and exactly one member matching)."""

    def __init__(self, db: Session):
        self.db = db
        self._by_no: dict[str, int | None] = {}
        self._by_key: dict[tuple, list[int]] = {}

    def link(self, *, member_no: str, search_name: str, unit_id: int | None,
             birth_date: date | None) -> tuple[int | None, str | None]:
        """(member id or None, error code or None)."""
        if member_no:
            if member_no not in self._by_no:
                self._by_no[member_no] = self.db.scalar(
                    select(Member.id).where(Member.member_no == member_no))
            found = self._by_no[member_no]
            return (found, None) if found is not None else (None, "unknown_member_no")
        if unit_id is None or birth_date is None or not search_name:
            return None, None
        key = (unit_id, search_name, birth_date)
        if key not in self._by_key:
            self._by_key[key] = list(self.db.scalars(select(Member.id).where(
                Member.unit_id == unit_id, Member.search_name == search_name,
                Member.birth_date == birth_date).limit(2)))
        found = self._by_key[key]
        return (found[0], None) if len(found) == 1 else (None, None)
