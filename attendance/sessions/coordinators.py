"""All of a session's coordinators at once (tạo tài khoản phụ trách điểm cầu hàng loạt).

Each bridge point gets the coordinator account of its unit: the one it already has (the
account outlives the session, so last month's coordinator of a commune is this month's too),
else a new account named after the unit's code, with no password until its holder opens the
one-time link of the credentials sheet. Then the account is assigned to the point."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, permissions
from ..accounts.assignments import assign
from ..accounts.links import unusable_password
from ..errors import Forbidden
from ..models import BRIDGE_POINT, COORDINATOR, StudySession, User, Venue, VenueAssignment
from ..text import clean, fold


@dataclass
class PointCoordinator:
    venue: Venue
    user: User
    created: bool  # a new account (no password yet), or one the unit already had


def coordinators_for(db: Session, session: StudySession, *, now: datetime,
                     actor: User | None) -> list[PointCoordinator]:
    """Make sure every bridge point of ``session`` has a coordinator assigned; returns one
    line per point, in the session's order. Audited; flushes."""
    if actor is not None and not permissions.can_manage_session(actor, session):
        raise Forbidden()
    points = [v for v in session.venues if v.kind == BRIDGE_POINT]
    assigned = dict(db.execute(
        select(VenueAssignment.venue_id, VenueAssignment.user_id)
        .join(User, User.id == VenueAssignment.user_id)
        .where(VenueAssignment.session_id == session.id, User.role == COORDINATOR)).all())
    by_unit = _unit_coordinators(db, {v.unit_id for v in points} - {None})
    taken = set(db.scalars(select(User.username)))
    lines = []
    for venue in points:
        if venue.id in assigned:
            lines.append(PointCoordinator(venue, db.get(User, assigned[venue.id]), False))
            continue
        user, created = by_unit.get(venue.unit_id), False
        if user is None or venue.unit_id is None:
            user, created = _new_account(db, venue, taken, now=now, actor=actor), True
            if venue.unit_id is not None:
                by_unit[venue.unit_id] = user
        assign(db, user, venue, now=now, actor=actor)
        lines.append(PointCoordinator(venue, user, created))
    audit.record(db, now=now, actor=actor, action="session.coordinators", session_id=session.id,
                 target=session, created=sum(line.created for line in lines),
                 points=len(lines))
    return lines


def _unit_coordinators(db: Session, unit_ids: set[int]) -> dict[int, User]:
    """The active coordinator account of each unit (the oldest, when a unit has several)."""
    found: dict[int, User] = {}
    for user in db.scalars(select(User).where(User.role == COORDINATOR, User.active.is_(True),
                                              User.unit_id.in_(unit_ids)).order_by(User.id)):
        found.setdefault(user.unit_id, user)
    return found


def _new_account(db: Session, venue: Venue, taken: set[str], *, now: datetime,
                 actor: User | None) -> User:
    base = "dc-" + _slug(venue.unit.code if venue.unit is not None else venue.name)
    username, n = base[:80], 2
    while username in taken:
        username, n = f"{base[:76]}-{n}", n + 1
    taken.add(username)
    user = User(username=username, role=COORDINATOR, password_hash=unusable_password(),
                full_name=clean(venue.coordinator_name) or clean(venue.name),
                unit_id=venue.unit_id, created_at=now, active=True)
    db.add(user)
    db.flush()
    audit.record(db, now=now, actor=actor, action="user.create", target=user,
                 role=COORDINATOR, unit_id=venue.unit_id, venue_id=venue.id, bulk=True)
    return user


def _slug(value: str) -> str:
    """"Đảng ủy xã Phổ An" -> "dang-uy-xa-pho-an"; a code "PA-01" -> "pa-01"."""
    folded = fold(value).replace("đ", "d")
    out = "".join(ch if ch.isalnum() else "-" for ch in folded)
    return "-".join(part for part in out.split("-") if part) or "diem-cau"
