"""Who may touch what. Pure functions of the user and the object: no Flask, no queries."""

from .models import COORDINATOR, ORGANIZER, REPORTER, STAFF, VIEWER, User, Venue


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


def _covers(user: User, lineage) -> bool:
    """``lineage`` is the unit's id and its ancestors' ids (attendance.outcomes.tree.lineage):
    a user with no unit covers everything, else their unit must be among them."""
    return user.unit_id is None or user.unit_id in lineage


def can_manage_unit(user: User, lineage) -> bool:
    """Administer a unit and what hangs off it (its members' personal records): an organizer
    with no unit, or whose unit is this one or above it."""
    return user.role == ORGANIZER and _covers(user, lineage)


def can_read_unit(user: User, lineage) -> bool:
    """Read a unit's figures: organizers and viewers whose scope covers it."""
    return can_read_all(user) and _covers(user, lineage)
