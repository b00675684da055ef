"""A session's own facts: title, plan, document studied, times, check-in window, deadline."""

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import Forbidden, ValidationError
from ..models import Document, StudySession, Unit, User
from ..models.sessions import WINDOW_AUTO, WINDOW_CLOSED, WINDOW_OPEN
from ..permissions import can_follow_on, can_manage_unit, unit_is_under
from ..text import clean
from .checks import MAX_MINUTES, Checks, changes, jsonable, merge

WINDOW_MODES = (WINDOW_AUTO, WINDOW_OPEN, WINDOW_CLOSED)
YEARS = (2000, 2100)
SESSION_TIMEZONE = "Asia/Ho_Chi_Minh"  # of new sessions (a column, so a later one may differ)
SESSION_DEFAULTS = dict(
    title="", plan_number="", document=None, starts_at=None, ends_at=None,
    late_grace_minutes=15, checkin_opens_minutes=90, checkin_closes_minutes=240,
    rehearsal_minutes=60,  # the bridge points' connection rehearsal, before the start
    report_deadline=None, presenter="", mode="", require_presence=True, video_url="",
    # Its identity: who organises it, under which plan, who signs, who receives (Nơi nhận,
    # one per line; empty: derived from the unit tree when printed), and the main session a
    # follow-on class (lớp ở cơ sở) belongs to.
    organizer_unit_id=None, plan_date=None, plan_issuer="", signer_title="", signer_name="",
    recipients="", parent_session_id=None, public_base_url="")
# ``document`` is None or dict(number, issuer, issued_on, title); its errors are keyed
# document_number, document_issuer, document_issued_on, document_title.


def create_session(db: Session, *, now: datetime, actor: User | None, **fields) -> StudySession:
    values = _check_session(merge(SESSION_DEFAULTS, SESSION_DEFAULTS, fields),
                            ZoneInfo(SESSION_TIMEZONE))
    _check_identity(db, values, actor=actor, session=None)
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
    if (after["organizer_unit_id"], after["parent_session_id"]) != (
            before["organizer_unit_id"], before["parent_session_id"]):
        _check_identity(db, after, actor=actor, session=session)
    changed = changes(before, after)
    document = after.pop("document")
    for name, value in after.items():
        setattr(session, name, value)
    db.flush()
    db.expire(session, ["organizer_unit", "parent_session"])  # their ids were set
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
    """Force check-in open or closed from ``now`` on, or leave it to the clock
    (``checkin.rule.window_open``: scans made before ``now`` keep the window they were made in)."""
    check = Checks()
    check.choice("mode", mode, WINDOW_MODES)
    check.done()
    before, session.checkin_window = session.checkin_window, mode
    session.checkin_window_since = None if mode == WINDOW_AUTO else now
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
        video_url=check.link("video_url", values["video_url"]),
        require_presence=bool(values["require_presence"]),
        starts_at=check.moment("starts_at", values["starts_at"], required=True),
        ends_at=check.moment("ends_at", values["ends_at"]),
        report_deadline=check.day("report_deadline", values["report_deadline"]),
        document=_check_document(check, values["document"]),
        plan_date=check.day("plan_date", values["plan_date"]),
        plan_issuer=check.text("plan_issuer", values["plan_issuer"], 200),
        signer_name=check.text("signer_name", values["signer_name"], 200),
        signer_title=_lines(check, "signer_title", values["signer_title"], 200),
        recipients=_lines(check, "recipients", values["recipients"], 4000),
        organizer_unit_id=_an_id(check, "organizer_unit_id", values["organizer_unit_id"]),
        parent_session_id=_an_id(check, "parent_session_id", values["parent_session_id"]),
        public_base_url=base_url(check, "public_base_url", values["public_base_url"]),
    )
    for name in ("late_grace_minutes", "checkin_opens_minutes", "checkin_closes_minutes",
                 "rehearsal_minutes"):
        out[name] = check.number(name, values[name], MAX_MINUTES, blank=SESSION_DEFAULTS[name])
    for name in ("starts_at", "ends_at"):
        # Far-off years are typing slips (and before 1970 the zone's offsets are not whole
        # minutes, which ISO 8601 cannot write).
        if out[name] and not YEARS[0] <= out[name].year <= YEARS[1]:
            check.errors[name] = "out_of_range"
            out[name] = None
    if out["starts_at"] and out["ends_at"] and out["ends_at"] <= out["starts_at"]:
        check.errors["ends_at"] = "ends_before_start"
    # The deadline is a day on the local calendar, so it is compared with the local start day.
    if (out["starts_at"] and out["report_deadline"]
            and out["report_deadline"] < out["starts_at"].astimezone(zone).date()):
        check.errors["report_deadline"] = "deadline_before_start"
    check.done()
    return out


def base_url(check: Checks, field: str, value) -> str:
    """An address phones open: http(s)://host[:port][/path], without query, fragment or
    credentials; kept without its trailing "/" (links are appended to it). Empty: none."""
    text = clean(value)
    if not text:
        return ""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname
            or parts.query or parts.fragment or parts.username or parts.password
            or len(text) > 200 or any(c.isspace() for c in text)):
        check.errors[field] = "bad_base_url"
        return ""
    return text.rstrip("/")


def _lines(check: Checks, field: str, value, limit: int) -> str:
    """Text of several lines (a signature's title, the recipients): each line cleaned, blank
    lines dropped; a list of lines is taken too."""
    if isinstance(value, (list, tuple)):
        value = "\n".join(str(v) for v in value)
    text = "\n".join(line for line in (clean(v) for v in str(value or "").splitlines()) if line)
    if len(text) > limit:
        check.errors[field] = "too_long"
    return text


def _an_id(check: Checks, field: str, value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        check.errors[field] = "not_a_number"
        return None
    return value


def _check_identity(db: Session, values: dict, *, actor: User | None,
                    session: StudySession | None) -> None:
    """The organizer unit exists and is the actor's to manage (else Forbidden); a follow-on
    class hangs under a main session whose unit is its own unit's or above it."""
    errors = {}
    unit = None
    if values["organizer_unit_id"] is not None:
        unit = db.get(Unit, values["organizer_unit_id"])
        if unit is None:
            errors["organizer_unit_id"] = "unit_not_found"
    elif actor is not None and actor.unit_id is not None:
        errors["organizer_unit_id"] = "required"  # a scoped organizer works within a unit
    parent_id = values["parent_session_id"]
    if parent_id is not None:
        parent = db.get(StudySession, parent_id)
        if parent is None or (session is not None and parent_id == session.id) or (
                actor is not None and not can_follow_on(actor, parent)
                and (session is None or session.parent_session_id != parent_id)):
            errors["parent_session_id"] = "session_not_found"  # unseen is as not there
        elif parent.parent_session_id is not None:
            errors["parent_session_id"] = "parent_is_follow_on"
        elif unit is not None and parent.organizer_unit_id is not None and not unit_is_under(
                unit, parent.organizer_unit_id):
            errors["parent_session_id"] = "not_under_parent_unit"
    if errors:
        raise ValidationError(errors)
    if actor is not None and unit is not None and not can_manage_unit(actor, unit):
        raise Forbidden("unit_outside_scope")


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
