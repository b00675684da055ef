"""A session's own facts: title, plan, document studied, times, check-in window, deadline."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..models import Document, StudySession, User
from ..models.sessions import WINDOW_AUTO, WINDOW_CLOSED, WINDOW_OPEN
from .checks import MAX_MINUTES, Checks, changes, jsonable, merge

WINDOW_MODES = (WINDOW_AUTO, WINDOW_OPEN, WINDOW_CLOSED)
SESSION_TIMEZONE = "Asia/Ho_Chi_Minh"  # of new sessions (a column, so a later one may differ)
SESSION_DEFAULTS = dict(
    title="", plan_number="", document=None, starts_at=None, ends_at=None,
    late_grace_minutes=15, checkin_opens_minutes=90, checkin_closes_minutes=240,
    report_deadline=None, presenter="", mode="", require_presence=True)
# ``document`` is None or dict(number, issuer, issued_on, title); its errors are keyed
# document_number, document_issuer, document_issued_on, document_title.


def create_session(db: Session, *, now: datetime, actor: User | None, **fields) -> StudySession:
    values = _check_session(merge(SESSION_DEFAULTS, SESSION_DEFAULTS, fields),
                            ZoneInfo(SESSION_TIMEZONE))
    document = values.pop("document")
    session = StudySession(**values, timezone=SESSION_TIMEZONE, created_at=now)
    session.document = Document(**document) if document else None
    db.add(session)
    db.flush()
    audit.record(db, now=now, actor=actor, action="session.create", session_id=session.id,
                 target=session, **jsonable(dict(values, document=document)))
    return session


def update_session(db: Session, session: StudySession, *, now: datetime, actor: User | None,
                   **fields) -> StudySession:
    before = session_values(session)
    after = _check_session(merge(SESSION_DEFAULTS, before, fields), session.zone)
    changed = changes(before, after)
    document = after.pop("document")
    for name, value in after.items():
        setattr(session, name, value)
    if "document" in changed:
        _set_document(db, session, document)
    db.flush()
    audit.record(db, now=now, actor=actor, action="session.update", session_id=session.id,
                 target=session, changes=changed)
    return session


def session_values(session: StudySession) -> dict:
    """The editable fields of a session, as ``update_session`` takes them."""
    values = {name: getattr(session, name) for name in SESSION_DEFAULTS if name != "document"}
    doc = session.document
    values["document"] = (dict(number=doc.number, issuer=doc.issuer, issued_on=doc.issued_on,
                               title=doc.title) if doc else None)
    return values


def set_checkin_window(db: Session, session: StudySession, mode: str, *, now: datetime,
                       actor: User | None) -> StudySession:
    """Force check-in open or closed, or leave it to the clock (``StudySession.checkin_open``)."""
    check = Checks()
    check.choice("mode", mode, WINDOW_MODES)
    check.done()
    before, session.checkin_window = session.checkin_window, mode
    db.flush()
    audit.record(db, now=now, actor=actor, action="session.checkin_window",
                 session_id=session.id, target=session, before=before, after=mode)
    return session


def _check_session(values: dict, zone: ZoneInfo) -> dict:
    check = Checks()
    out = dict(
        title=check.text("title", values["title"], 500, required=True),
        plan_number=check.text("plan_number", values["plan_number"], 60),
        presenter=check.text("presenter", values["presenter"], 300),
        mode=check.text("mode", values["mode"], 200),
        require_presence=bool(values["require_presence"]),
        starts_at=check.moment("starts_at", values["starts_at"], required=True),
        ends_at=check.moment("ends_at", values["ends_at"]),
        report_deadline=check.day("report_deadline", values["report_deadline"]),
        document=_check_document(check, values["document"]),
    )
    for name in ("late_grace_minutes", "checkin_opens_minutes", "checkin_closes_minutes"):
        out[name] = check.number(name, values[name], MAX_MINUTES, blank=SESSION_DEFAULTS[name])
    if out["starts_at"] and out["ends_at"] and out["ends_at"] <= out["starts_at"]:
        check.errors["ends_at"] = "ends_before_start"
    # The deadline is a day on the local calendar, so it is compared with the local start day.
    if (out["starts_at"] and out["report_deadline"]
            and out["report_deadline"] < out["starts_at"].astimezone(zone).date()):
        check.errors["report_deadline"] = "deadline_before_start"
    check.done()
    return out


def _check_document(check: Checks, document: dict | None) -> dict | None:
    """None when every field is empty; otherwise its number and title are needed."""
    document = document or {}
    out = dict(number=check.text("document_number", document.get("number"), 60),
               issuer=check.text("document_issuer", document.get("issuer"), 200),
               issued_on=check.day("document_issued_on", document.get("issued_on")),
               title=check.text("document_title", document.get("title"), 500))
    if not any(out.values()):
        return None
    for name in ("number", "title"):
        if not out[name]:
            check.errors.setdefault(f"document_{name}", "required")
    return out


def _set_document(db: Session, session: StudySession, document: dict | None) -> None:
    current = session.document
    if document is None:
        session.document = None
        return
    shared = current is not None and db.scalar(
        select(func.count()).select_from(StudySession)
        .where(StudySession.document_id == current.id, StudySession.id != session.id))
    if current is None or shared:  # never rewrite a document another session studies
        session.document = Document(**document)
    else:
        for name, value in document.items():
            setattr(current, name, value)
