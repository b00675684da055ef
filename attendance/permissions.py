"""Who may touch what. Pure functions of the user and the object: no Flask, no queries."""

from .models import COORDINATOR, ORGANIZER, REPORTER, STAFF, VIEWER, Unit, User, Venue


def can_manage(user: User) -> bool:
    """Set up sessions, rosters, users; correct attendance."""
    return user.role == ORGANIZER


def can_read_all(user: User) -> bool:
    """See every venue's figures and rosters."""
    return user.role in (ORGANIZER, VIEWER)


def can_read_venue(user: User, venue: Venue) -> bool:
    if can_read_all(user):
        return True
    return user.role in (STAFF, COORDINATOR) and user.venue_id == venue.id


def may_ever_check_in(user: User) -> bool:
    """Whether the role takes attendance anywhere at all (viewers and reporters never do)."""
    return user.role in (ORGANIZER, STAFF, COORDINATOR)


def can_check_in_at(user: User, venue: Venue) -> bool:
    """Record attendance at a venue: organizers anywhere, staff and coordinators at their own."""
    if user.role == ORGANIZER:
        return True
    return user.role in (STAFF, COORDINATOR) and user.venue_id == venue.id


def can_report_for(user: User, unit_id: int) -> bool:
    return user.role == ORGANIZER or (user.role == REPORTER and user.unit_id == unit_id)


def unit_is_under(unit: Unit | None, ancestor_id: int) -> bool:
    """Whether ``unit`` is the unit ``ancestor_id`` or lies below it (walks the loaded tree)."""
    seen = 0
    while unit is not None and seen < 64:  # a tree deeper than 64 levels is a cycle
        if unit.id == ancestor_id:
            return True
        unit, seen = unit.parent, seen + 1
    return False


def in_unit_scope(user: User, unit: Unit | None) -> bool:
    """Whether ``unit`` is the user's unit or lies below it; every unit for a user without one
    (an instance administrator). Follows loaded parents: no query of its own beyond them."""
    if user.unit_id is None:
        return True
    return unit_is_under(unit, user.unit_id)


def can_manage_unit(user: User, unit: Unit | None) -> bool:
    """Set up units and the sessions they organise: an organizer whose unit is ``unit`` or
    above it, or an organizer without a unit. ``None`` (no unit chosen) only for the latter."""
    return user.role == ORGANIZER and in_unit_scope(user, unit)


def _covers(user: User, lineage) -> bool:
    """``lineage`` is the unit's id and its ancestors' ids (attendance.outcomes.tree.lineage):
    a user with no unit covers everything, else their unit must be among them."""
    return user.unit_id is None or user.unit_id in lineage


def can_manage_lineage(user: User, lineage) -> bool:
    """``can_manage_unit`` for a unit known by its lineage of ids (no loaded tree needed)."""
    return user.role == ORGANIZER and _covers(user, lineage)


def can_read_lineage(user: User, lineage) -> bool:
    """Read a unit's figures: organizers and viewers whose scope covers it."""
    return can_read_all(user) and _covers(user, lineage)
