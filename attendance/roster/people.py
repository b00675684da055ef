"""The roster (danh sách đại biểu): add, edit, remove and list people.

One row checker (``RowChecker``) holds every rule a roster row must meet; the add/edit forms
and the file import (``roster_import``) both go through it, so the rules cannot drift apart.
"""

import re
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.checkin import citizen
from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.models import (
    Attendance,
    Category,
    Person,
    StudySession,
    Unit,
    User,
    Venue,
)
from attendance.members.fields import parse_birth_date
from attendance.members.links import MemberLinker
from attendance.permissions import assigned_venue_id, can_read_all
from attendance.text import clean, fold, normalize_phone
from attendance.roster.unit_lookup import UnitLookup

MAX_NAME = 200
MAX_TEXT = 300  # position and unit name, as the columns allow

# Spellings of "yes" and "no" met in party-member columns; a blank cell in the column is "no"
# because lists often mark members with an "x" and leave the others empty.
_YES = {"co", "x", "yes", "y", "1", "true", "dang vien"}
_NO = {"khong", "no", "n", "0", "false", ""}


def parse_party_member(value) -> bool | None:
    """True/False from có/không, x, yes/no, 1/0, true/false or blank; None when unreadable."""
    if isinstance(value, bool):
        return value
    text = fold(value).removesuffix(".0")  # a number cell from Excel
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


class _Known:
    """People already on the roster (and rows read so far), by folded name, to spot duplicates.

    Two rows are the same person when their folded names match and either both give a phone
    and the phones match, or one lacks a phone and unit and venue match.
    """

    def __init__(self):
        self._by_name = defaultdict(list)

    def add(self, search_name: str, phone: str, unit_name: str, venue_id: int | None) -> None:
        self._by_name[search_name].append((phone, fold(unit_name), venue_id))

    def clashes(self, search_name: str, phone: str, unit_name: str,
                venue_id: int | None) -> bool:
        unit_key = fold(unit_name)
        for other_phone, other_unit, other_venue in self._by_name.get(search_name, ()):
            if phone and other_phone:
                if phone == other_phone:
                    return True
            elif other_unit == unit_key and other_venue == venue_id:
                return True
        return False


class RowChecker:
    """Checks roster rows of one session. Venue and category are given either by id
    (``venue_id``, ``category_id``: the forms) or by name (``venue``, ``category``: the import,
    matched after folding case and accents)."""

    def __init__(self, db: Session, session: StudySession, *, exclude_id: int | None = None,
                 only_name: str | None = None, key: bytes | None = None):
        self.db = db
        self.session = session
        self.key = key  # the cards' key: citizen ID numbers are kept as its HMAC
        self._cccd_hashes: set[str] | None = None  # the roster's, read when a row has one
        self._exclude_id = exclude_id
        self.venues = {v.id: v for v in session.venues}
        self.categories = {c.id: c for c in session.categories}
        self._venues_by_name = {fold(v.name): v for v in session.venues}
        self._categories_by_name = defaultdict(list)
        for category in session.categories:
            self._categories_by_name[fold(category.name)].append(category)
        self.units = UnitLookup(db, session.organizer_unit_id)
        self.candidates: list[Unit] = []  # the last row's units of an ambiguous name
        self.linker = MemberLinker(db)
        self.known = _Known()
        query = select(Person.search_name, Person.phone, Person.unit_name,
                       Person.venue_id).where(Person.session_id == session.id)
        if exclude_id is not None:
            query = query.where(Person.id != exclude_id)
        if only_name is not None:  # one person checked: only namesakes matter
            query = query.where(Person.search_name == only_name)
        for row in db.execute(query):
            self.known.add(row.search_name, row.phone, row.unit_name, row.venue_id)

    def check(self, data: dict) -> tuple[dict, dict[str, str]]:
        """Clean values ready for a Person, and errors as field -> code (empty when valid)."""
        errors: dict[str, str] = {}
        full_name = clean(data.get("full_name"))
        if not full_name:
            errors["full_name"] = "missing_name"
        elif len(full_name) > MAX_NAME:
            errors["full_name"] = "too_long"
        position, unit_name = clean(data.get("position")), clean(data.get("unit_name"))
        if len(position) > MAX_TEXT:
            errors["position"] = "too_long"
        if len(unit_name) > MAX_TEXT:
            errors["unit_name"] = "too_long"
        unit_id, unit_name = self._unit(clean(data.get("unit_code")), unit_name, errors)
        venue = self._venue(data, errors)
        category = self._category(data, venue, errors)
        phone = normalize_phone(data.get("phone"))
        if phone is None:
            errors["phone"] = "bad_phone"
        party_member = parse_party_member(data.get("party_member", True))
        if party_member is None:
            errors["party_member"] = "bad_party_member"
        values = dict(full_name=full_name, search_name=fold(full_name), position=position,
                      unit_name=unit_name, unit_id=unit_id, phone=phone or "",
                      party_member=bool(party_member),
                      category_id=category.id if category else None,
                      venue_id=venue.id if venue else None)
        self._member(data, values, errors)
        if "cccd" in data:
            self._citizen(data["cccd"], values, errors)
        if "full_name" not in errors and phone is not None and self.known.clashes(
                values["search_name"], values["phone"], unit_name, values["venue_id"]):
            errors["full_name"] = "duplicate_person"
        return values, errors

    def _member(self, data: dict, values: dict, errors: dict) -> None:
        """Birth date, and the registry member the row names (by member number, or by name +
        unit + birth date): the link is what the learning outcome counts."""
        birth_date = parse_birth_date(data.get("birth_date"), today=None)
        if birth_date == "bad":
            errors["birth_date"], birth_date = "bad_birth_date", None
        if "birth_date" in data:  # a form without the field keeps the person's own
            values["birth_date"] = birth_date
        member_no = clean(data.get("member_no")).removesuffix(".0")
        member_id, error = self.linker.link(member_no=member_no,
                                            search_name=values["search_name"],
                                            unit_id=values["unit_id"], birth_date=birth_date)
        if error:
            errors["member_no"] = error
        if member_id is not None:  # never unlinks: a link made from the registry stays
            values["member_id"] = member_id

    def _citizen(self, value, values: dict, errors: dict) -> None:
        """The citizen ID number (số CCCD): 12 digits, kept only as its keyed hash, on one
        roster line at most. An empty cell keeps the person's own."""
        number = citizen.parse_number(value)
        if number is None:
            errors["cccd"] = "bad_cccd"
            return
        if not number:
            return
        if self.key is None:
            raise ValueError("a citizen ID number needs the cards' key")
        values["cccd_hash"] = citizen.number_hash(self.key, number)
        if self._cccd_hashes is None:
            query = select(Person.cccd_hash).where(Person.session_id == self.session.id,
                                                   Person.cccd_hash.is_not(None))
            if self._exclude_id is not None:
                query = query.where(Person.id != self._exclude_id)
            self._cccd_hashes = set(self.db.scalars(query))
        if values["cccd_hash"] in self._cccd_hashes:
            errors["cccd"] = "duplicate_cccd"

    def remember(self, values: dict) -> None:
        """Count a checked row as present, so a later row of the same file clashes with it."""
        if values.get("cccd_hash") and self._cccd_hashes is not None:
            self._cccd_hashes.add(values["cccd_hash"])
        if values["full_name"]:
            self.known.add(values["search_name"], values["phone"], values["unit_name"],
                           values["venue_id"])

    def _venue(self, data: dict, errors: dict) -> Venue | None:
        if "venue" in data:
            name = fold(data["venue"])
            venue = self._venues_by_name.get(name) if name else None
        else:
            name = data.get("venue_id")
            venue = self.venues.get(name) if name is not None else None
        if venue is None:
            errors["venue_id"] = "unknown_venue" if name else "missing_venue"
        return venue

    def _category(self, data: dict, venue: Venue | None, errors: dict) -> Category | None:
        if "category" in data:
            name = fold(data["category"])
            candidates = self._categories_by_name.get(name, []) if name else []
        else:
            name = data.get("category_id")
            found = self.categories.get(name) if name is not None else None
            candidates = [found] if found else []
        if not candidates:
            errors["category_id"] = "unknown_category" if name else "missing_category"
            return None
        # The same name may exist for the hall and for bridge points: take the venue's own.
        category = next((c for c in candidates if venue and c.venue_kind == venue.kind),
                        candidates[0])
        if venue is not None and category.venue_kind != venue.kind:
            errors["category_id"] = "category_not_for_venue"
        return category

    def _unit(self, code: str, name: str, errors: dict) -> tuple[int | None, str]:
        """The unit a row belongs to and the name printed for it. A code (its own column, or
        typed in the unit's place) is exact; a name is taken only when one unit of the
        session's part of the tree bears it. A name of no unit is a guest's office: kept as
        text, with no unit."""
        self.candidates = []
        if code:
            found = self.units.by_code(code)
            if found.unit is None:
                errors["unit_code"] = found.error
                return None, name
            return found.unit.id, name or found.unit.name
        if not name:
            return None, name
        found = self.units.by_name(name)
        if found.error:
            errors["unit_name"], self.candidates = found.error, found.candidates
            return None, name
        if found.unit is None:
            by_code = self.units.by_code(name)
            if by_code.unit is not None:
                return by_code.unit.id, by_code.unit.name
        return (found.unit.id if found.unit else None), name


def add_person(db: Session, session: StudySession, data: dict, *, now: datetime,
               actor: User | None) -> Person:
    checker = RowChecker(db, session, only_name=fold(data.get("full_name")))
    values, errors = checker.check(data)
    if errors:
        raise ValidationError(errors)
    person = Person(session_id=session.id, created_at=now, **values)
    db.add(person)
    db.flush()
    audit.record(db, now=now, actor=actor, action="person.add", session_id=session.id,
                 target=person, full_name=person.full_name, venue_id=person.venue_id,
                 category_id=person.category_id)
    return person


def update_person(db: Session, person: Person, data: dict, *, now: datetime,
                  actor: User | None) -> Person:
    checker = RowChecker(db, person.session, exclude_id=person.id,
                         only_name=fold(data.get("full_name")))
    values, errors = checker.check(data)
    if errors:
        raise ValidationError(errors)
    changes = {key: [getattr(person, key), value] for key, value in values.items()
               if getattr(person, key) != value and key != "search_name"}
    for key, value in values.items():
        setattr(person, key, value)
    db.flush()
    audit.record(db, now=now, actor=actor, action="person.update", session_id=person.session_id,
                 target=person, changes=changes)
    return person


def remove_person(db: Session, person: Person, *, now: datetime, actor: User | None) -> None:
    """Take a person off the roster; refused once they have an attendance record."""
    if db.scalar(select(Attendance.id).where(Attendance.person_id == person.id).limit(1)):
        raise DomainError("checked_in")
    audit.record(db, now=now, actor=actor, action="person.remove", session_id=person.session_id,
                 target=person, full_name=person.full_name, phone=person.phone,
                 venue_id=person.venue_id, category_id=person.category_id)
    db.delete(person)
    db.flush()


def visible_venue_id(user: User, session: StudySession, venue_id: int | None) -> int | None:
    """The venue filter a user's roster list must use: organizers and viewers choose freely
    (None = all venues); staff and coordinators always see their own venue only."""
    if can_read_all(user, session):
        return venue_id
    own = assigned_venue_id(user, session)
    if own is None:
        raise Forbidden()
    if venue_id is not None and venue_id != own:
        raise Forbidden()
    return own


_DIGITS = re.compile(r"\D")


def _matching(query: Select, session_id: int, venue_id: int | None, category_id: int | None,
              q: str) -> Select:
    query = query.where(Person.session_id == session_id)
    if venue_id is not None:
        query = query.where(Person.venue_id == venue_id)
    if category_id is not None:
        query = query.where(Person.category_id == category_id)
    q = clean(q)
    digits = _DIGITS.sub("", q)
    if digits and not any(ch.isalpha() for ch in q):
        if digits.startswith("84") and len(digits) > 9:
            digits = "0" + digits[2:]
        query = query.where(Person.phone.contains(digits, autoescape=True))
    elif q:
        query = query.where(Person.search_name.contains(fold(q), autoescape=True))
    return query


def search_people(session_id: int, *, venue_id: int | None = None,
                  category_id: int | None = None, q: str = "") -> Select:
    """People of a session, by venue, category, then name; ``q`` matches the name without
    accents, or the phone when it is a number."""
    query = (select(Person).join(Venue, Person.venue_id == Venue.id)
             .join(Category, Person.category_id == Category.id))
    return _matching(query, session_id, venue_id, category_id, q).order_by(
        Venue.position, Venue.id, Category.position, Person.search_name, Person.id)


def people_page(db: Session, session_id: int, *, page: int, per_page: int,
                venue_id: int | None = None, category_id: int | None = None,
                q: str = "") -> tuple[list[Person], int]:
    """(one page of search_people, how many match in all). The matches are counted per venue
    first (one grouped count, no sort), so only the few venues the page falls in are sorted:
    sorting all 960,000 people of a national session for each page took most of a second."""
    per_venue = dict(db.execute(_matching(
        select(Person.venue_id, func.count(Person.id)), session_id, venue_id, category_id, q)
        .group_by(Person.venue_id)).all())
    total = sum(per_venue.values())
    start, chosen, skip, seen = (page - 1) * per_page, [], 0, 0
    for (venue,) in db.execute(select(Venue.id).where(Venue.session_id == session_id)
                               .order_by(Venue.position, Venue.id)):
        n = per_venue.get(venue, 0)
        if n and seen + n > start:
            if not chosen:
                skip = start - seen
            chosen.append(venue)
            if seen + n >= start + per_page:
                break
        seen += n
    if not chosen:
        return [], total
    people = db.scalars(search_people(session_id, venue_id=venue_id, category_id=category_id,
                                      q=q).where(Person.venue_id.in_(chosen))
                        .limit(per_page).offset(skip)).all()
    return list(people), total


def count_people(db: Session, session_id: int, venue_id: int | None = None) -> int:
    query = select(func.count(Person.id)).where(Person.session_id == session_id)
    if venue_id is not None:
        query = query.where(Person.venue_id == venue_id)
    return db.scalar(query) or 0
