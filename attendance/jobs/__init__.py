"""Background jobs (long exports, large imports): create, start, progress, finish, fail, expire.

A job is a row (attendance.models.Job) that every app process and the job worker share. The web
side creates it and hands its id to the queue; the worker runs it (attendance.jobs.exports or
attendance.jobs.imports) and records how it went here. Who may create and read a job is the
same as who may download the file directly: cards, invitations, posters and imports are the
organizer's; summaries, lists and outcomes every reader of the session's figures.
"""

import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import DomainError, Forbidden, ValidationError
from ..models import DONE, FAILED, QUEUED, RUNNING, Job, StudySession, User
from ..permissions import can_manage, can_manage_session, can_read_all

FORMATS = ("pdf", "xlsx", "csv")
EXPORTS = {
    # "zip": the whole session, one PDF per venue (printing.per_venue)
    "cards": ("pdf", "zip"), "invitations": ("pdf", "zip"), "posters": ("pdf",),
    "summary": FORMATS, "absentees": FORMATS, "late": FORMATS, "outcomes": FORMATS,
}
ROSTER_IMPORT = "roster"  # a roster file checked and imported in the background
MEMBER_IMPORT = "members"  # a member registry file alike (a job of no session)
PRINTED = ("cards", "invitations", "posters")  # carry QR codes that check people in
PER_VENUE = ("cards", "invitations")
KEEP = timedelta(hours=24)  # a finished file is kept this long, then deleted
STALE = timedelta(hours=2)  # no job runs this long: one "running" that long was cut off


def may_run(user: User, what: str, session: StudySession) -> bool:
    """The same rule as the direct downloads: QR material and imports need an organizer of
    the session, the rest a reader of all its venues."""
    if what in PRINTED or what == ROSTER_IMPORT:
        return can_manage_session(user, session)
    return can_read_all(user, session)


def may_see(user: User, job: Job) -> bool:
    if job.what == MEMBER_IMPORT:  # the registry's: its organizer only (rows of their scope)
        return job.user_id == user.id and can_manage(user)
    return may_run(user, job.what, job.session)


def create_member_import(db: Session, *, upload: str, filename: str, actor: User,
                         now: datetime, confirm: bool) -> Job:
    """A member registry file to check (``confirm`` False: the preview) or to import."""
    if not can_manage(actor):
        raise Forbidden()
    return _create(db, None, what=MEMBER_IMPORT, fmt="import" if confirm else "check",
                   venue_id=None, actor=actor, now=now,
                   params={"upload": upload, "filename": filename})


def create_export(db: Session, session: StudySession, *, what: str, fmt: str,
                  venue_id: int | None, actor: User, now: datetime,
                  params: dict | None = None, whole_limit: int | None = None) -> Job:
    """A queued export job; bad choices are refused field by field, nothing is created.
    ``whole_limit``: the most people a whole session's cards or letters print as one PDF;
    past it only the ZIP of one PDF per venue (or a venue's own PDF) is made."""
    errors = {}
    if what not in EXPORTS:
        errors["what"] = "bad_choice"
    elif fmt not in EXPORTS[what]:
        errors["format"] = "bad_choice"
    if venue_id is not None and (what not in PER_VENUE or fmt == "zip"
                                 or venue_id not in {v.id for v in session.venues}):
        errors["venue_id"] = "bad_choice"
    if errors:
        raise ValidationError(errors)
    if not may_run(actor, what, session):
        raise Forbidden()
    if what in PER_VENUE and fmt == "pdf" and venue_id is None and whole_limit is not None:
        people = size(db, session, what)
        if people > whole_limit:
            raise DomainError("whole_export_too_large", people=people, limit=whole_limit)
    return _create(db, session, what=what, fmt=fmt, venue_id=venue_id, actor=actor, now=now,
                   params=params)


def create_import(db: Session, session: StudySession, *, upload: str, filename: str,
                  actor: User, now: datetime, confirm: bool, mode: str = "add") -> Job:
    """A roster file to check (``confirm`` False: the preview) or to import (True)."""
    if not may_run(actor, ROSTER_IMPORT, session):
        raise Forbidden()
    return _create(db, session, what=ROSTER_IMPORT, fmt="import" if confirm else "check",
                   venue_id=None, actor=actor, now=now,
                   params={"upload": upload, "filename": filename, "mode": mode})


def _create(db, session, *, what, fmt, venue_id, actor, now, params) -> Job:
    """A queued job of ``session`` (None: of no session, the member registry's import)."""
    job = Job(id=secrets.token_hex(16), session_id=session.id if session is not None else None,
              user_id=actor.id, what=what,
              format=fmt, venue_id=venue_id, params=json.dumps(params or {}), state=QUEUED,
              progress=0, error="", result="{}", file_name="", created_at=now,
              expires_at=now + KEEP)
    db.add(job)
    db.flush()
    return job


def start(db: Session, job_id: str, *, now: datetime) -> Job | None:
    """Mark a queued job running; None when it is gone (its session deleted) or already taken
    (a queue may deliver a task twice after a worker crash: it runs once)."""
    taken = db.execute(update(Job).where(Job.id == job_id, Job.state == QUEUED)
                       .values(state=RUNNING, started_at=now, progress=0)).rowcount
    db.flush()
    return db.get(Job, job_id) if taken else None


def progress(db: Session, job_id: str, percent: int) -> None:
    """Record progress (0-99: 100 is for done). Called from the worker on its own
    connection, so a reader sees it while the export's long read goes on."""
    db.execute(update(Job).where(Job.id == job_id, Job.state == RUNNING)
               .values(progress=max(0, min(99, int(percent)))))


def finish(db: Session, job: Job, *, file_name: str, now: datetime,
           result: dict | None = None) -> None:
    job.state, job.progress, job.file_name = DONE, 100, file_name
    job.finished_at, job.expires_at = now, now + KEEP
    job.result = json.dumps(result or {}, ensure_ascii=False)
    db.flush()


def fail(db: Session, job: Job, error: DomainError | str, *, now: datetime,
         result: dict | None = None) -> None:
    """Failed, with the error's stable code (the page and the API show its message)."""
    code = error if isinstance(error, str) else error.code
    job.state, job.error, job.finished_at = FAILED, code[:60], now
    job.result = json.dumps(result or {}, ensure_ascii=False)
    db.flush()


def params(job: Job) -> dict:
    return json.loads(job.params or "{}")


def result(job: Job) -> dict:
    return json.loads(job.result or "{}")


def expired(db: Session, *, now: datetime) -> list[Job]:
    """Jobs past their keeping time (the caller deletes their files, then the rows)."""
    return list(db.scalars(select(Job).where(Job.expires_at < now)))


def abandon_stale(db: Session, *, now: datetime) -> int:
    """Jobs still "running" long after any export ends were cut off (their worker was killed):
    failed, with a code saying so, so their page stops waiting."""
    return db.execute(update(Job).where(Job.state == RUNNING, Job.started_at < now - STALE)
                      .values(state=FAILED, error="job_interrupted", finished_at=now)).rowcount


def queue_depth(db: Session) -> dict[str, int]:
    """Jobs waiting and running, for the metrics."""
    from sqlalchemy import func

    rows = db.execute(select(Job.state, func.count()).where(Job.state.in_((QUEUED, RUNNING)))
                      .group_by(Job.state)).all()
    counts = {QUEUED: 0, RUNNING: 0}
    counts.update(dict(rows))
    return counts


def size(db: Session, session: StudySession, what: str, venue_id: int | None = None) -> int:
    """How big an export of ``what`` is: cards to print, posters, people on the roster
    (summaries and lists), or the units under the organizer (the outcomes report: a row per
    unit, and their members' attendance read for each). The web asks before making a file
    inside a request."""
    from sqlalchemy import func

    from ..models import Category, Person, Venue
    from ..outcomes.tree import subtree

    if what == "outcomes":
        units = subtree(session.organizer_unit_id)
        return db.scalar(select(func.count()).select_from(units)) or 0
    if what == "posters":
        return db.scalar(select(func.count()).select_from(Venue)
                         .where(Venue.session_id == session.id)) or 0
    query = select(func.count()).select_from(Person).where(Person.session_id == session.id)
    if what in PER_VENUE:
        query = query.join(Category, Category.id == Person.category_id).where(
            Category.headcount_only.is_(False))
        if venue_id is not None:
            query = query.where(Person.venue_id == venue_id)
    return db.scalar(query) or 0
