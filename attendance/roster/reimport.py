"""Roster re-import in "add and update" mode (thêm và cập nhật): each row of the file is matched
to a person already on the roster by member number (through the registry link) or by phone;
matched rows update that person, the others are added. The preview says which is which.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.models import Person, StudySession

ADD, UPDATE, UNCHANGED = "add", "update", "unchanged"
# A person's field -> the file's column that sets it; a column missing from the file changes
# nothing, so a file of names and phones never clears positions or units.
FIELD_COLUMNS = {"full_name": "full_name", "position": "position",
                 "unit_name": ("unit", "unit_code"), "unit_id": ("unit", "unit_code"),
                 "phone": "phone", "party_member": "party_member",
                 "category_id": "category", "venue_id": "venue", "birth_date": "birth_date",
                 "member_id": "member_no", "cccd_hash": "cccd"}
SHOWN = ("full_name", "position", "unit_name", "phone", "party_member", "category_id",
         "venue_id", "birth_date", "member_id")


class Matcher:
    def __init__(self, db: Session, session: StudySession, columns: list[str]):
        self.columns = set(columns)
        self.by_phone: dict[str, list[Person]] = {}
        self.by_member: dict[int, Person] = {}
        for person in db.scalars(select(Person).where(Person.session_id == session.id)):
            if person.phone:
                self.by_phone.setdefault(person.phone, []).append(person)
            if person.member_id is not None:
                self.by_member[person.member_id] = person
        self.seen: set[int] = set()

    def match(self, values: dict, errors: dict) -> tuple[str, Person | None, list[str]]:
        """(action, the person updated, the fields changed); adjusts ``errors``."""
        existing = self.by_member.get(values.get("member_id"))
        if existing is None and values["phone"]:
            found = self.by_phone.get(values["phone"], [])
            if len(found) > 1:
                errors["phone"] = "ambiguous_person"
                return ADD, None, []
            existing = found[0] if found else None
        if existing is None:
            return ADD, None, []
        if existing.id in self.seen:
            errors["full_name"] = "duplicate_row"
            return UPDATE, existing, []
        self.seen.add(existing.id)
        if errors.get("full_name") == "duplicate_person":  # it clashed with itself
            del errors["full_name"]
        if errors.get("cccd") == "duplicate_cccd" and existing.cccd_hash == values.get(
                "cccd_hash"):
            del errors["cccd"]  # its own number
        changes = self.changes(existing, values)
        return (UPDATE if changes else UNCHANGED), existing, changes

    def changes(self, person: Person, values: dict) -> list[str]:
        found = []
        for name, column in FIELD_COLUMNS.items():
            columns = set(column) if isinstance(column, tuple) else {column}
            if not columns & self.columns and not (name == "member_id" and "birth_date"
                                                   in self.columns):
                continue
            if name == "member_id" and values.get(name) is None:
                continue  # never unlinks a member
            if name in values and getattr(person, name) != values[name]:
                found.append(name)
        return found


def apply(person: Person, values: dict, changes: list[str]) -> dict:
    """Set the changed fields; returns them as field -> [before, after] for the audit."""
    before = {name: getattr(person, name) for name in changes}
    for name in changes:
        setattr(person, name, values[name])
    if "full_name" in changes:
        person.search_name = values["search_name"]
    return {name: [_plain(before[name]), _plain(values[name])] for name in changes}


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
