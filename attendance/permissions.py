"""Who may touch what: every decision of the kind lives here, as a function of the user (with
their scope, see attendance/accounts/scope.py) and the object. No Flask; the scope is loaded
once per user, so these are set look-ups.

Organizers change, viewers read, within their unit and below (without a unit: everything).
A session belongs to its organizer unit; one without a unit belongs to the instance's
administrators only. Staff and coordinators work at their venue of each session they are
assigned to; reporters report for their unit, in sessions organized above or at it."""

from dataclasses import dataclass

from .accounts import scope as scopes
from .models import COORDINATOR, ORGANIZER, REPORTER, STAFF, VIEWER, StudySession, Unit, User, Venue


def in_unit_scope(user: User, unit_id: int | None) -> bool:
    """The unit (by id) is the user's or below it, or the user has no unit (the instance).
    A missing unit is inside the instance's scope only."""
    units = scopes.of(user).units
    return units is None or (unit_id is not None and unit_id in units)


def administers_instance(user: User) -> bool:
    """An organizer without a unit: every unit, session and account."""
    return user.role == ORGANIZER and user.unit_id is None


def can_manage(user: User) -> bool:
    """Set up sessions, rosters, users within the organizer's scope; correct attendance."""
    return user.role == ORGANIZER


def may_use_second_factor(user: User, *, by_token: bool = False) -> bool:
    """Turn one's own TOTP second factor on or off on the account page: organizers (the
    accounts that change things), signed in with a browser; an API token never manages the
    sign-in of the account it belongs to."""
    return user.role == ORGANIZER and not by_token


def reads_scope(user: User) -> bool:
    """Organizers and viewers: whole sessions of their scope, not one venue or unit."""
    return user.role in (ORGANIZER, VIEWER)


def can_manage_unit(user: User, unit: Unit | None) -> bool:
    """Change the unit (or things under it): an organizer whose scope holds it."""
    return user.role == ORGANIZER and in_unit_scope(user, unit.id if unit else None)


def may_ever_check_in(user: User) -> bool:
    """Whether the role takes attendance anywhere at all (viewers and reporters never do)."""
    return user.role in (ORGANIZER, STAFF, COORDINATOR)


def can_see_unit(user: User, unit: Unit | None) -> bool:
    return user.role in (ORGANIZER, VIEWER) and in_unit_scope(user, unit.id if unit else None)


def can_see_session(user: User, session: StudySession) -> bool:
    """Anything of the session at all (its facts); what of it is then per venue below."""
    if user.role in (ORGANIZER, VIEWER):
        return in_unit_scope(user, session.organizer_unit_id)
    if user.role == REPORTER:
        # Sessions organized above or at their unit, and the instance's own (no unit).
        return session.organizer_unit_id is None \
            or session.organizer_unit_id in scopes.of(user).ancestors
    return session.id in scopes.of(user).venue_by_session


def can_manage_session(user: User, session: StudySession) -> bool:
    return user.role == ORGANIZER and can_see_session(user, session)


def can_read_all(user: User, session: StudySession) -> bool:
    """Every venue's figures and roster of the session."""
    return user.role in (ORGANIZER, VIEWER) and can_see_session(user, session)


def assigned_venue_id(user: User, session: StudySession) -> int | None:
    """A staff member's or coordinator's venue in this session, if any."""
    if user.role not in (STAFF, COORDINATOR):
        return None
    return scopes.of(user).venue_by_session.get(session.id)


def can_read_venue(user: User, venue: Venue, session: StudySession | None = None) -> bool:
    session = session or venue.session
    return can_read_all(user, session) or assigned_venue_id(user, session) == venue.id


def can_check_in_at(user: User, venue: Venue, session: StudySession | None = None) -> bool:
    """Record attendance at a venue: organizers of the session anywhere in it, staff and
    coordinators at their own. ``session`` is the venue's, for venue copies that carry no
    relationships (the check-in hot path)."""
    session = session or venue.session
    if user.role == ORGANIZER:
        return can_see_session(user, session)
    return assigned_venue_id(user, session) == venue.id


def can_correct_reason(user: User, attendance) -> bool:
    """Change an absence's reason: the session's organizers, and the coordinator (or staff) of
    the venue where it was recorded until that venue is signed off."""
    if can_manage_session(user, attendance.venue.session):
        return True
    venue = attendance.venue
    return (venue.signed_off_at is None and user.role != ORGANIZER
            and can_check_in_at(user, venue))


def may_pick_venue(user: User, session: StudySession) -> bool:
    """Choose which venue to scan at (organizers); others scan at their own venue."""
    return can_manage_session(user, session)


def reports_for_own_unit(user: User) -> bool:
    """A reporter with a unit: limited to that unit's people and report."""
    return user.role == REPORTER and user.unit_id is not None


def can_report_for(user: User, unit_id: int) -> bool:
    if user.role == ORGANIZER:
        return in_unit_scope(user, unit_id)
    return user.role == REPORTER and user.unit_id == unit_id


def can_manage_user(user: User, other: User) -> bool:
    """Accounts: an organizer manages those whose unit is in their scope; accounts without a
    unit belong to the instance's administrators."""
    return user.role == ORGANIZER and in_unit_scope(user, other.unit_id)


@dataclass(frozen=True)
class SessionActions:
    """What the session's pages offer this user, decided once here so that templates only
    show: each flag is one of the checks above."""

    manage: bool  # set up, print, correct, reopen
    read_all: bool  # every venue's figures, lists, summaries, outcomes
    own_venue: bool  # a staff member's or coordinator's venue in this session
    scan: bool  # the scanner, at some venue
    roll: bool  # a venue's roll and the live figures, of some venue
    unit_reports: bool  # the units' result reports (all of them, or one's own)
    essays: bool  # learning essays (all, or one's own unit's)
    scan_at: frozenset = frozenset()  # venue ids where the user may scan

    @property
    def cards(self) -> bool:
        """Personal cards in the roster list: those who scan."""
        return self.scan

    @property
    def after(self) -> bool:
        """Anything of the "after the session" phase (staff have nothing there)."""
        return self.read_all or self.unit_reports or self.essays


def session_actions(user: User, session: StudySession, venues: list[Venue]) -> SessionActions:
    """``venues``: those the user may read (sessions.visible_venues)."""
    scan_at = frozenset(v.id for v in venues if can_check_in_at(user, v, session))
    read_all = can_read_all(user, session)
    return SessionActions(
        manage=can_manage_session(user, session), read_all=read_all,
        own_venue=assigned_venue_id(user, session) is not None, scan=bool(scan_at),
        roll=bool(venues), unit_reports=read_all or reports_for_own_unit(user),
        essays=can_manage_session(user, session) or reports_for_own_unit(user),
        scan_at=scan_at)


def can_follow_on(user: User, parent: StudySession) -> bool:
    """Hang a follow-on class under ``parent``: an organizer who sees it, or whose unit lies
    under its organizer unit (a cell secretary under the town's session). A session of the
    instance (no unit) takes classes from its administrators only."""
    if user.role != ORGANIZER:
        return False
    if parent.organizer_unit_id is None:
        return user.unit_id is None
    return in_unit_scope(user, parent.organizer_unit_id) or (
        user.unit is not None and unit_is_under(user.unit, parent.organizer_unit_id))


def unit_is_under(unit: Unit | None, ancestor_id: int) -> bool:
    """Whether ``unit`` is the unit ``ancestor_id`` or lies below it (walks the loaded tree)."""
    seen = 0
    while unit is not None and seen < 64:  # a tree deeper than 64 levels is a cycle
        if unit.id == ancestor_id:
            return True
        unit, seen = unit.parent, seen + 1
    return False


def _covers(user: User, lineage) -> bool:
    """``lineage`` is the unit's id and its ancestors' ids (attendance.outcomes.tree.lineage):
    a user with no unit covers everything, else their unit must be among them."""
    return user.unit_id is None or user.unit_id in lineage


def can_manage_lineage(user: User, lineage) -> bool:
    """``can_manage_unit`` for a unit known by its lineage of ids (no loaded tree needed)."""
    return user.role == ORGANIZER and _covers(user, lineage)


def can_read_lineage(user: User, lineage) -> bool:
    """Read a unit's figures: organizers and viewers whose scope covers it."""
    return reads_scope(user) and _covers(user, lineage)
