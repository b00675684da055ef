"""Where staff and coordinators work, per session (phân công): one venue of each session they
are assigned to. The account belongs to a unit and outlives the session: the coordinator of a
commune's bridge point this month is assigned to that commune's point again next month."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.accounts import scope as scopes
from attendance.errors import Forbidden, ValidationError
from attendance.models import VENUE_ROLES, User, Venue, VenueAssignment


def assignment_for(db: Session, user: User, session_id: int) -> VenueAssignment | None:
    return db.scalar(select(VenueAssignment).where(VenueAssignment.user_id == user.id,
                                                   VenueAssignment.session_id == session_id))


def assign(db: Session, user: User, venue: Venue, *, now: datetime,
           actor: User | None) -> VenueAssignment:
    """Put ``user`` at ``venue`` for the venue's session (replacing their venue there, if
    any). Audited; flushes. The actor must manage the session (None: the command line)."""
    if user.role not in VENUE_ROLES:
        raise ValidationError({"role": "role_invalid"})
    if actor is not None and not permissions.can_manage_session(actor, venue.session):
        raise Forbidden()
    found = assignment_for(db, user, venue.session_id)
    before = found.venue_id if found else None
    if found is None:
        found = VenueAssignment(user_id=user.id, session_id=venue.session_id, venue_id=venue.id,
                                created_at=now)
        db.add(found)
    found.venue_id = venue.id
    db.flush()
    scopes.forget(user)
    if before != venue.id:
        audit.record(db, now=now, actor=actor, action="user.assign", target=user,
                     session_id=venue.session_id, venue_id=venue.id, before=before)
    return found


def unassign(db: Session, user: User, session_id: int, *, now: datetime,
             actor: User | None) -> None:
    found = assignment_for(db, user, session_id)
    if found is None:
        return
    if actor is not None and not permissions.can_manage_session(actor, found.session):
        raise Forbidden()
    audit.record(db, now=now, actor=actor, action="user.unassign", target=user,
                 session_id=session_id, venue_id=found.venue_id)
    db.delete(found)
    db.flush()
    scopes.forget(user)


def latest_assignments(db: Session, users: list[User]) -> dict[int, VenueAssignment]:
    """Each user's assignment in their newest session (what the users page shows)."""
    rows = db.scalars(select(VenueAssignment).where(
        VenueAssignment.user_id.in_([u.id for u in users]))
        .order_by(VenueAssignment.session_id)).all()
    return {row.user_id: row for row in rows}  # later sessions overwrite earlier ones
