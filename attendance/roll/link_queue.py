"""Link checklists as a phone sends them after being offline (the roll page's checklist queue,
static/js/link-check.js): each item is one saved checklist form with a nonce. A resent nonce
changes nothing and gets its first answer (kept in ``scan_attempts``, method "link", under the
same unique (session_id, nonce) key as scans and roll marks); a refused one is answered, not
raised; the form counts as of when it was filled in, when the device's clock is believed
(``rule.scan_time``), so a point checked offline before the rehearsal was ready at it.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from attendance.checkin import rule, store
from attendance.checkin.scan import REJECTED, own_nonce, replay
from attendance.errors import DomainError, ValidationError
from attendance.ids import is_nonce
from attendance.models import StudySession, User, Venue
from attendance.roll import link

ACCEPTED = "accepted"
METHOD = "link"


@dataclass
class CheckResult:
    nonce: str
    outcome: str  # accepted | rejected
    code: str  # "ok", or why the checklist was refused
    readiness: str | None = None  # the point's readiness after it
    field: str | None = None  # the field a validation error is about


def record_checklist(db: Session, *, session: StudySession, venue: Venue | None, nonce,
                     fields, now: datetime, actor: User, recorded_at: datetime | None = None,
                     device: str = "") -> CheckResult:
    """Apply one queued checklist form; never raises for a refused one. Flushes."""
    nonce = nonce.strip() if isinstance(nonce, str) else ""
    if not is_nonce(nonce):
        return CheckResult(nonce=nonce[:64], outcome=REJECTED, code="bad_nonce")
    previous = replay(db, session.id, nonce)
    if previous is not None:
        return CheckResult(nonce=nonce, outcome=previous.outcome, code=previous.code,
                           readiness=venue.readiness if venue is not None else None)
    time = rule.scan_time(now, recorded_at)
    result = CheckResult(nonce=nonce, outcome=ACCEPTED, code="ok")
    try:
        if venue is None or venue.session_id != session.id:
            raise DomainError("wrong_venue_session")
        link.save_checklist(db, venue=venue, fields=fields if isinstance(fields, dict) else {},
                            now=time.at, actor=actor)
        result.readiness = venue.readiness
    except ValidationError as error:
        result.field, result.code = next(iter(error.errors.items()), (None, error.code))
        result.outcome = REJECTED
    except DomainError as error:
        result.outcome, result.code = REJECTED, error.code
    kept = nonce if result.outcome == ACCEPTED or rule.sticks_to_nonce(result.code) else (
        own_nonce(nonce))  # a refusal that may pass: the same form sent again is tried again
    store.log_attempt(db, store.attempt_row(
        session=session, venue=venue, nonce=kept, method=METHOD, actor=actor, device=device,
        now=now, scanned_at=recorded_at, time=time, outcome=result.outcome, code=result.code))
    return result
