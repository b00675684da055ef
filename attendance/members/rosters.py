"""A session's roster built from the registry: pick units (and their sub-units) and positions,
and their active members join the roster at one venue and category, each linked to its member
(Person.member_id, what the learning outcome counts). Exempt and moved members are not invited.
"""

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Forbidden, ValidationError
from attendance.members.registry import scope_unit_ids, subtree
from attendance.models import ACTIVE, Member, Person, StudySession, Unit, User
from attendance.permissions import can_manage, can_manage_unit
from attendance.text import clean, fold


def pick_members(db: Session, unit_ids: set[int], positions: list[str]) -> list[Member]:
    """Active members of these units and below whose position contains one of ``positions``
    (accents and case ignored; none given: every position)."""
    wanted = [fold(p) for p in positions if clean(p)]
    members = db.scalars(select(Member).where(Member.unit_id.in_(subtree(db, unit_ids)),
                                              Member.status == ACTIVE)
                         .order_by(Member.unit_id, Member.search_name, Member.id))
    return [m for m in members if not wanted or any(w in fold(m.position) for w in wanted)]


def add_members(db: Session, session: StudySession, *, unit_ids: list[int],
                positions: list[str], venue_id: int | None, category_id: int | None,
                now: datetime, actor: User | None) -> tuple[int, int]:
    """Put the picked members on the roster; returns (added, already there). A member already
    on the roster (linked, or the same name and phone typed by hand) is linked, not doubled."""
    if actor is not None and not can_manage(actor):
        raise Forbidden()
    errors = {}
    venue = next((v for v in session.venues if v.id == venue_id), None)
    category = next((c for c in session.categories if c.id == category_id), None)
    if venue is None:
        errors["venue_id"] = "bad_choice"
    if category is None or (venue is not None and category.venue_kind != venue.kind):
        errors["category_id"] = "category_not_for_venue" if category else "bad_choice"
    elif category.headcount_only:  # headcount categories stay headcounts
        errors["category_id"] = "headcount_category"
    units = [db.get(Unit, i) for i in unit_ids if isinstance(i, int)]
    scope = scope_unit_ids(db, actor) if actor is not None else None
    if not units or None in units:
        errors["unit_ids"] = "bad_choice"
    elif actor is not None and not all(can_manage_unit(actor, u) for u in units):
        errors["unit_ids"] = "unit_out_of_scope"
    if errors:
        raise ValidationError(errors)
    members = [m for m in pick_members(db, {u.id for u in units}, positions)
               if scope is None or m.unit_id in scope]
    on_roster = list(db.scalars(select(Person).where(Person.session_id == session.id)))
    linked = {p.member_id for p in on_roster if p.member_id is not None}
    typed = {(p.search_name, p.phone): p for p in on_roster
             if p.member_id is None and p.phone}
    rows, already = [], 0
    for member in members:
        if member.id in linked:
            already += 1
            continue
        same = typed.get((member.search_name, member.phone)) if member.phone else None
        if same is not None:
            same.member_id, already = member.id, already + 1
            continue
        rows.append(dict(session_id=session.id, full_name=member.full_name,
                         search_name=member.search_name, position=member.position,
                         unit_name=member.unit.name, unit_id=member.unit_id, phone=member.phone,
                         party_member=member.party_member, birth_date=member.birth_date,
                         member_id=member.id, category_id=category.id, venue_id=venue.id,
                         created_at=now))
    if rows:
        db.execute(insert(Person), rows)
    db.flush()
    audit.record(db, now=now, actor=actor, action="roster.from_members", session_id=session.id,
                 target=session, unit_ids=sorted(u.id for u in units), positions=positions,
                 venue_id=venue.id, category_id=category.id, added=len(rows), linked=already)
    return len(rows), already
