"""Members of the units (đảng viên): add, edit, move between units, search.

One checker (``MemberChecker``) holds every rule a member's fields must meet; the forms and the
file import (``members.imports``) both go through it. Every change is audited, because the
registry is personal data and the learning outcome is computed from it.
"""

import re
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.models import ACTIVE, MEMBER_STATUSES, Member, MemberMove, Unit, User
from attendance.permissions import can_manage_unit
from attendance.members.fields import parse_birth_date, parse_status
from attendance.roster.people import parse_party_member
from attendance.text import clean, fold, normalize_phone

MAX_NAME, MAX_TEXT, MAX_MEMBER_NO, MAX_NOTE = 200, 300, 30, 300
EDITABLE = ("full_name", "position", "member_no", "birth_date", "phone", "party_member",
            "status", "key_cadre")

def subtree(db: Session, unit_ids: set[int]) -> set[int]:
    """These units' ids and those of every unit below them."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in db.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    found, todo = set(), list(unit_ids)
    while todo:
        unit_id = todo.pop()
        if unit_id not in found:
            found.add(unit_id)
            todo.extend(children.get(unit_id, ()))
    return found


def scope_unit_ids(db: Session, user: User) -> set[int] | None:
    """Ids of the units whose members ``user`` may see and change; None for every unit."""
    return None if user.unit_id is None else subtree(db, {user.unit_id})


class MemberChecker:
    """Checks members' fields for one actor. The unit is given by id (forms) or by code
    (``unit_code``: the import); either way it must lie in the actor's scope."""

    def __init__(self, db: Session, actor: User | None, *, today: date):
        self.db, self.actor, self.today = db, actor, today
        self._units: dict[tuple[str, object], Unit | None] = {}

    def unit(self, data: dict, errors: dict) -> Unit | None:
        by_code = "unit_code" in data
        value = clean(data["unit_code"]).upper() if by_code else data.get("unit_id")
        if not value:
            errors["unit_id"] = "missing_unit"
            return None
        key = ("code" if by_code else "id", value)
        if key not in self._units:
            if by_code:
                query = select(Unit).where(func.upper(Unit.code) == value)
                self._units[key] = self.db.scalar(query)
            else:
                self._units[key] = self.db.get(Unit, value) if isinstance(value, int) else None
        unit = self._units[key]
        if unit is None or unit.retired_at is not None:
            errors["unit_id"] = "unknown_unit"
        elif self.actor is not None and not can_manage_unit(self.actor, unit):
            errors["unit_id"] = "unit_out_of_scope"
        return unit

    def check(self, data: dict) -> tuple[dict, dict[str, str]]:
        """Clean values ready for a Member (without the unit), and errors as field -> code."""
        errors: dict[str, str] = {}
        full_name = clean(data.get("full_name"))
        if not full_name:
            errors["full_name"] = "missing_name"
        elif len(full_name) > MAX_NAME:
            errors["full_name"] = "too_long"
        position = clean(data.get("position"))
        if len(position) > MAX_TEXT:
            errors["position"] = "too_long"
        member_no = clean(data.get("member_no")).removesuffix(".0") or None
        if member_no and len(member_no) > MAX_MEMBER_NO:
            errors["member_no"] = "too_long"
        birth_date = parse_birth_date(data.get("birth_date"), today=self.today)
        if birth_date == "bad":
            errors["birth_date"] = "bad_birth_date"
            birth_date = None
        phone = normalize_phone(data.get("phone"))
        if phone is None:
            errors["phone"] = "bad_phone"
        party_member = parse_party_member(data.get("party_member", True))
        if party_member is None:
            errors["party_member"] = "bad_party_member"
        status = parse_status(data.get("status", ACTIVE))
        if status is None:
            errors["status"] = "bad_status"
        key_cadre = parse_party_member(data.get("key_cadre", False))  # the same yes/no words
        if key_cadre is None:
            errors["key_cadre"] = "bad_yes_no"
        values = dict(full_name=full_name, search_name=fold(full_name), position=position,
                      member_no=member_no, birth_date=birth_date, phone=phone or "",
                      party_member=bool(party_member), status=status or ACTIVE,
                      key_cadre=bool(key_cadre))
        return values, errors

    def member_no_taken(self, member_no: str | None, exclude_id: int | None) -> bool:
        if not member_no:
            return False
        query = select(Member.id).where(Member.member_no == member_no)
        if exclude_id is not None:
            query = query.where(Member.id != exclude_id)
        return self.db.scalar(query.limit(1)) is not None


def add_member(db: Session, data: dict, *, now: datetime, actor: User) -> Member:
    checker = MemberChecker(db, actor, today=now.date())
    values, errors = checker.check(data)
    unit = checker.unit(data, errors)
    if "member_no" not in errors and checker.member_no_taken(values["member_no"], None):
        errors["member_no"] = "member_no_taken"
    if errors:
        raise ValidationError(errors)
    member = Member(unit_id=unit.id, created_at=now, **values)
    db.add(member)
    db.flush()
    audit.record(db, now=now, actor=actor, action="member.add", target=member,
                 unit_id=unit.id, full_name=member.full_name)
    return member


def update_member(db: Session, member: Member, data: dict, *, now: datetime,
                  actor: User) -> Member:
    """Change a member's fields; the unit changes only by ``move_member``."""
    if not can_manage_unit(actor, member.unit):
        raise Forbidden()
    checker = MemberChecker(db, actor, today=now.date())
    values, errors = checker.check(data)
    if "member_no" not in errors and checker.member_no_taken(values["member_no"], member.id):
        errors["member_no"] = "member_no_taken"
    if errors:
        raise ValidationError(errors)
    changes = apply_changes(member, values, now=now)
    db.flush()
    if changes:
        audit.record(db, now=now, actor=actor, action="member.update", target=member,
                     changes=changes)
    return member


def apply_changes(member: Member, values: dict, *, now: datetime) -> dict:
    """Set the editable fields that differ; returns them as field -> [before, after]."""
    changes = {}
    for key in EDITABLE:
        before, after = getattr(member, key), values[key]
        if before != after:
            changes[key] = [_plain(before), _plain(after)]
            setattr(member, key, after)
    if changes:
        member.search_name = fold(member.full_name)
        member.updated_at = now
    return changes


def move_member(db: Session, member: Member, to_unit_id: int | None, *, now: datetime,
                actor: User, note: str = "") -> MemberMove:
    """Move a member to another unit (chuyển sinh hoạt); the move is kept as history."""
    if not can_manage_unit(actor, member.unit):
        raise Forbidden()
    errors = {}
    to_unit = db.get(Unit, to_unit_id) if isinstance(to_unit_id, int) else None
    if to_unit is None or to_unit.retired_at is not None:
        errors["unit_id"] = "unknown_unit"
    elif to_unit.id == member.unit_id:
        errors["unit_id"] = "same_unit"
    elif not can_manage_unit(actor, to_unit):
        errors["unit_id"] = "unit_out_of_scope"
    note = clean(note)
    if len(note) > MAX_NOTE:
        errors["note"] = "too_long"
    if errors:
        raise ValidationError(errors)
    return record_move(db, member, to_unit, now=now, actor=actor, note=note)


def record_move(db: Session, member: Member, to_unit: Unit, *, now: datetime,
                actor: User | None, note: str = "") -> MemberMove:
    move = MemberMove(member_id=member.id, from_unit_id=member.unit_id, to_unit_id=to_unit.id,
                      at=now, actor_id=actor.id if actor else None, note=note)
    db.add(move)
    from_unit_id = member.unit_id
    member.unit_id, member.unit, member.updated_at = to_unit.id, to_unit, now
    db.flush()
    audit.record(db, now=now, actor=actor, action="member.move", target=member,
                 from_unit_id=from_unit_id, to_unit_id=to_unit.id, note=note)
    return move


def moves_of(db: Session, member: Member) -> list[MemberMove]:
    return list(db.scalars(select(MemberMove).where(MemberMove.member_id == member.id)
                           .order_by(MemberMove.at, MemberMove.id)))


def load_member(db: Session, member_id: int, actor: User) -> Member:
    """A member the actor may see; NotFound otherwise (personal data: never confirm others)."""
    member = db.get(Member, member_id)
    if member is None or not can_manage_unit(actor, member.unit):
        raise DomainError("not_found")
    return member


_DIGITS = re.compile(r"\D")


def search_members(scope: set[int] | None, *, unit_ids: set[int] | None = None,
                   status: str | None = None, q: str = "") -> Select:
    """Members within ``scope`` (None: all), optionally of some units and one status; ``q``
    matches the name without accents, the member number, or the phone when it is a number."""
    query = select(Member).join(Unit, Member.unit_id == Unit.id)
    if scope is not None:
        query = query.where(Member.unit_id.in_(scope))
    if unit_ids is not None:
        query = query.where(Member.unit_id.in_(unit_ids))
    if status in MEMBER_STATUSES:
        query = query.where(Member.status == status)
    q = clean(q)
    digits = _DIGITS.sub("", q)
    if digits and not any(ch.isalpha() for ch in q):
        query = query.where(Member.phone.contains(digits, autoescape=True)
                            | Member.member_no.contains(digits, autoescape=True))
    elif q:
        query = query.where(Member.search_name.contains(fold(q), autoescape=True)
                            | (Member.member_no == q))
    return query.order_by(Unit.code, Member.search_name, Member.id)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
