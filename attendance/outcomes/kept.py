"""The consolidated page's cascade, kept when computing it takes long.

    page_cascade(db, session, now=...) -> Page
    refresh(db, session_id, now=...)

A town's or a province's cascade takes tenths of a second and is computed for every view. A
nation's (58,763 units, 960,000 members) takes seconds on PostgreSQL: once a computation has
taken over KEEP_ABOVE, its rolled-up rows are kept in the database (KeptCascade), where every
app process and node reads them, and the page shows them with the time they were computed. Once
older than FRESH_FOR, the next view still shows them and asks for a recomputation in the
background; one process at a time claims it (refreshing_since), and a claim left by a process
that died lapses after CLAIM_LAPSES. A recomputation that has become quick drops the kept rows.
A tree of over ``large_above`` units (the web's JOBS_DIRECT_UNITS, 5,000) is always kept, and
its first computation is made in the background as well: until it is done the page says so
and reloads itself, instead of a first view of seconds.
The page and GET /api/v1/sessions/{id}/outcomes show it (webapp/outcomes/shown.py); the
downloads and the unit reports always compute afresh. The caller commits.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attendance.models import KeptCascade, StudySession

from .cascade import Cascade, cascade_rows, from_rows

KEEP_ABOVE = 1.0  # seconds
FRESH_FOR = timedelta(minutes=10)
CLAIM_LAPSES = timedelta(minutes=5)


PENDING = ""  # the rows of a kept cascade whose first computation is under way


@dataclass
class Page:
    cascade: Cascade | None  # None: pending
    computed_at: datetime | None  # None: computed for this view
    refresh: bool = False  # old: the caller should start a recomputation (claimed for it)
    refreshing: bool = False  # a recomputation is under way
    pending: bool = False  # a large tree's first computation, in the background: no figures yet


def page_cascade(db: Session, session: StudySession, *, now: datetime,
                 keep_above: float = KEEP_ABOVE, large_above: int | None = None,
                 wait: bool = False) -> Page:
    """``large_above``: a tree of more units than this is always kept, and its first
    computation too is made in the background (a nation's first view would wait seconds): the
    page is pending until then, unless ``wait`` (the API: computed in the request)."""
    kept = db.get(KeptCascade, session.id)
    if kept is None or kept.rows == PENDING:
        large = _large(db, session, large_above)
        if large and not wait:
            return _pending(db, session, kept, now=now)
        cascade, was_kept = _compute(db, session, now=now, keep_above=keep_above, keep=large)
        return Page(cascade, computed_at=now if was_kept else None)
    cascade = from_rows(db, session, json.loads(kept.rows))
    refreshing = kept.refreshing_since is not None and now - kept.refreshing_since < CLAIM_LAPSES
    old = now - kept.computed_at >= FRESH_FOR
    claimed = old and not refreshing and claim(db, session.id, now=now)
    return Page(cascade, computed_at=kept.computed_at, refresh=claimed,
                refreshing=refreshing or claimed)


def _pending(db: Session, session: StudySession, kept: KeptCascade | None, *,
             now: datetime) -> Page:
    """A large tree's first computation: claimed for this view (the caller starts it), or
    under way in another process, or claimed again once that claim has lapsed."""
    if kept is not None:
        return Page(None, None, refresh=claim(db, session.id, now=now), refreshing=True,
                    pending=True)
    try:
        with db.begin_nested():  # another process may be starting it too: theirs
            db.add(KeptCascade(session_id=session.id, computed_at=now, seconds=0.0,
                               rows=PENDING, refreshing_since=now))
    except IntegrityError:
        return Page(None, None, refreshing=True, pending=True)
    return Page(None, None, refresh=True, refreshing=True, pending=True)


def _large(db: Session, session: StudySession, above: int | None) -> bool:
    if above is None:
        return False
    from sqlalchemy import func, select

    from .tree import subtree

    units = subtree(session.organizer_unit_id)
    return (db.scalar(select(func.count()).select_from(units)) or 0) > above


def claim(db: Session, session_id: int, *, now: datetime) -> bool:
    """Whether this process may recompute the kept cascade (no other claim under way)."""
    claimed = db.execute(
        update(KeptCascade).where(
            KeptCascade.session_id == session_id,
            or_(KeptCascade.refreshing_since.is_(None),
                KeptCascade.refreshing_since < now - CLAIM_LAPSES))
        .values(refreshing_since=now).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def refresh(db: Session, session_id: int, *, now: datetime,
            keep_above: float = KEEP_ABOVE, large_above: int | None = None) -> None:
    """Recompute the session's cascade (the background task): kept again, or dropped when it
    has become quick (a large tree's is always kept, see page_cascade)."""
    session = db.get(StudySession, session_id)
    if session is None:
        return
    _compute(db, session, now=now, keep_above=keep_above,
             keep=_large(db, session, large_above))


def _compute(db: Session, session: StudySession, *, now: datetime, keep_above: float,
             keep: bool = False) -> tuple[Cascade, bool]:
    """The cascade computed afresh, and whether it was kept (slow enough, or ``keep``)."""
    started = time.perf_counter()
    rows = cascade_rows(db, session)
    seconds = time.perf_counter() - started
    kept = db.get(KeptCascade, session.id)
    if keep or seconds > keep_above:
        values = dict(computed_at=now, seconds=seconds, refreshing_since=None,
                      rows=json.dumps(rows, ensure_ascii=False, separators=(",", ":")))
        if kept is None:
            try:
                with db.begin_nested():  # another process may have kept it meanwhile: theirs
                    db.add(KeptCascade(session_id=session.id, **values))
            except IntegrityError:
                pass
        else:
            for name, value in values.items():
                setattr(kept, name, value)
    elif kept is not None:
        db.delete(kept)
    db.flush()
    return from_rows(db, session, rows), keep or seconds > keep_above


def kept_at(db: Session, session_id: int) -> datetime | None:
    """When the kept figures were computed (None: none kept, or the first still pending)."""
    kept = db.get(KeptCascade, session_id)
    return kept.computed_at if kept is not None and kept.rows != PENDING else None
