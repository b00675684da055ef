"""Where each user lands after signing in: on their task of the day, not on a list.

Entrance staff on their venue's scanner, a coordinator on their point's roll, a reporter on
their unit's report, an organizer or viewer on today's session (the one under way or next,
else the latest), a cell secretary without one on their follow-on classes. Read only.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import scope as scopes
from ..models import COORDINATOR, ORGANIZER, REPORTER, STAFF, ResultReport, StudySession, User
from .overview import scoped

# A session still counts as "today's" this long after its end (the roll is signed off later).
STILL_CURRENT = timedelta(hours=12)


@dataclass(frozen=True)
class Landing:
    task: str  # scan | roll | report | session | classes | sessions
    session_id: int | None = None
    venue_id: int | None = None
    unit_id: int | None = None


def _current(db: Session, query, now: datetime) -> StudySession | None:
    """The session under way or next (the earliest not long over), else the latest."""
    live = (query.where((StudySession.ends_at.is_(None) & (StudySession.starts_at >= now
                                                           - STILL_CURRENT))
                        | (StudySession.ends_at >= now - STILL_CURRENT))
            .order_by(StudySession.starts_at, StudySession.id).limit(1))
    found = db.scalar(live)
    if found is not None:
        return found
    return db.scalar(query.order_by(StudySession.starts_at.desc(),
                                    StudySession.id.desc()).limit(1))


def landing(db: Session, user: User, *, now: datetime) -> Landing:
    main = scoped(select(StudySession).where(StudySession.parent_session_id.is_(None)), user)
    if user.role in (STAFF, COORDINATOR):
        venues = scopes.of(user).venue_by_session
        session = _current(db, main.where(StudySession.id.in_(list(venues))), now)
        if session is None:
            return Landing("sessions")
        return Landing("scan" if user.role == STAFF else "roll", session.id,
                       venues[session.id])
    if user.role == REPORTER and user.unit_id is not None:
        asked = main.where(StudySession.id.in_(
            select(ResultReport.session_id).where(ResultReport.unit_id == user.unit_id)))
        session = _current(db, asked, now)
        if session is not None:
            return Landing("report", session.id, unit_id=user.unit_id)
    session = _current(db, main, now)
    if session is not None:
        return Landing("session", session.id)
    # A cell secretary (an organizer scoped to a cell) holds follow-on classes, not sessions.
    return Landing("classes" if user.role == ORGANIZER and user.unit_id is not None
                   else "sessions")
