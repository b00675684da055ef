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


def can_check_in_at(user: User, venue: Venue) -> bool:
    """Record attendance at a venue: organizers anywhere, staff and coordinators at their own."""
    if user.role == ORGANIZER:
        return True
    return user.role in (STAFF, COORDINATOR) and user.venue_id == venue.id


def can_report_for(user: User, unit_id: int) -> bool:
    return user.role == ORGANIZER or (user.role == REPORTER and user.unit_id == unit_id)


def in_unit_scope(user: User, unit: Unit | None) -> bool:
    """Whether ``unit`` is the user's unit or lies below it; every unit for a user without one
    (an instance administrator). Follows loaded parents: no query of its own beyond them."""
    return user.unit_id is None or unit_within(unit, user.unit_id)


def unit_within(unit: Unit | None, top_id: int) -> bool:
    """Whether ``unit`` is the unit ``top_id`` or lies below it."""
    seen = 0
    while unit is not None and seen < 1000:  # bounded, should the data ever hold a loop
        if unit.id == top_id:
            return True
        unit, seen = unit.parent, seen + 1
    return False


def can_manage_unit(user: User, unit: Unit | None) -> bool:
    """Set up units and the sessions they organise: an organizer whose unit is ``unit`` or
    above it, or an organizer without a unit. ``None`` (no unit chosen) only for the latter."""
    return user.role == ORGANIZER and in_unit_scope(user, unit)
