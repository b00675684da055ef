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
