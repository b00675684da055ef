"""What a user's scope holds, loaded once per user object: the units below their unit, the
units above it, and their venue per session. Permission checks (attendance/permissions.py) are
then set look-ups, the same on a live row, a cached read-only copy (the check-in hot path's
token snapshot) and a test's factory user.

An organizer or viewer with a unit sees that unit and everything below it; without one, the
whole instance. Staff and coordinators see the sessions they are assigned to, one venue each.
Reporters see the sessions organized above (or at) their unit."""

from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from ..models import REPORTER, SCOPED_ROLES, VENUE_ROLES, Unit, User, VenueAssignment

_ATTR = "_scope"  # kept in the instance's __dict__, beside the mapped columns


@dataclass(frozen=True)
class Scope:
    units: frozenset[int] | None = None  # the unit and its descendants; None: every unit
    ancestors: frozenset[int] = frozenset()  # the unit and those above it
    venue_by_session: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({}))  # session id -> venue id

    @property
    def venues(self) -> frozenset[int]:
        return frozenset(self.venue_by_session.values())


def subtree_ids(db: Session, unit_id: int) -> frozenset[int]:
    """The unit and every unit below it, in one recursive query."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return frozenset(db.scalars(select(tree.c.id)))


def ancestor_ids(db: Session, unit_id: int) -> frozenset[int]:
    """The unit and every unit above it."""
    up = select(Unit.id, Unit.parent_id).where(Unit.id == unit_id).cte("up", recursive=True)
    up = up.union_all(select(Unit.id, Unit.parent_id).where(Unit.id == up.c.parent_id))
    return frozenset(db.scalars(select(up.c.id)))


def load(db: Session, user: User) -> Scope:
    """At most one query, for the part of the scope the user's role uses."""
    if user.role in SCOPED_ROLES:
        return Scope(units=subtree_ids(db, user.unit_id) if user.unit_id is not None else None)
    if user.role == REPORTER:
        ancestors = ancestor_ids(db, user.unit_id) if user.unit_id is not None else frozenset()
        return Scope(units=frozenset(), ancestors=ancestors)
    if user.role in VENUE_ROLES:
        rows = db.execute(select(VenueAssignment.session_id, VenueAssignment.venue_id)
                          .where(VenueAssignment.user_id == user.id)).all()
        return Scope(units=frozenset(), venue_by_session=MappingProxyType(dict(rows)))
    return Scope(units=frozenset())


def attach(user: User, scope: Scope) -> User:
    user.__dict__[_ATTR] = scope
    return user


def of(user: User) -> Scope:
    """The user's scope, loaded through the user's own database session on first use."""
    found = user.__dict__.get(_ATTR)
    if found is None:
        db = object_session(user)
        if db is None:  # a copy never attached: the loader must have attached its scope
            raise LookupError(f"no scope loaded for user {user.id}")
        found = attach(user, load(db, user)).__dict__[_ATTR]
    return found


def forget(user: User) -> None:
    """After a change to the user's unit or assignments (next use loads it again)."""
    user.__dict__.pop(_ATTR, None)


def visible_units(db: Session, user: User) -> list[Unit]:
    """The units an organizer or viewer may pick from (their subtree), by name."""
    query = select(Unit).order_by(Unit.name, Unit.id)
    units = of(user).units
    if units is not None:
        query = query.where(Unit.id.in_(units))
    return list(db.scalars(query))


def scoped_users(query, user: User):
    """``query`` (over User) narrowed to the accounts ``user`` manages: those of units in
    their scope; accounts without a unit only for the instance's administrators."""
    units = of(user).units
    return query if units is None else query.where(User.unit_id.in_(units))


def forget_loaded(db: Session) -> None:
    """After assignments changed in bulk: every user object this session holds loads its
    scope again on next use."""
    for obj in list(db.identity_map.values()):
        if isinstance(obj, User):
            forget(obj)
