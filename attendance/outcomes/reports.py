"""Units' result reports (báo cáo kết quả học tập, quán triệt) and their action plans.

The organizer names the reporting units of a session; each unit's reporter fills the report,
pre-filled from what the system knows, attaches the action plan (chương trình hành động) and
submits it; the organizer accepts it or returns it with a comment. A report sent after the
session's deadline is "late". Impossible figures are refused field by field.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.archives import check_archive
from attendance.errors import DomainError, NotFound, ValidationError
from attendance.models import (
    ABSENT_EXCUSED,
    ACCEPTED,
    ATTENDED,
    DEFAULT_GRADES,
    DEFAULT_THRESHOLD,
    LATE_SUBMITTED,
    NOT_SUBMITTED,
    REPORT_COUNTS,
    RETURNED,
    SUBMITTED,
    Attendance,
    Essay,
    MakeupAttendance,
    OutcomeSettings,
    Person,
    ResultReport,
    StudySession,
    Unit,
    User,
)
from attendance.text import clean

MAX_PLAN_BYTES = 10 * 1024 * 1024
MAX_COUNT = 10_000_000
TEXT_LIMIT = 5000
EDITABLE = (NOT_SUBMITTED, SUBMITTED, LATE_SUBMITTED, RETURNED)


# Settings ------------------------------------------------------------------------------------

def settings_for(db: Session, session: StudySession) -> OutcomeSettings:
    """The session's outcome settings, created with the defaults on first use."""
    settings = db.get(OutcomeSettings, session.id)
    if settings is None:
        settings = OutcomeSettings(session_id=session.id, essay_grades=list(DEFAULT_GRADES),
                                   threshold=DEFAULT_THRESHOLD)
        db.add(settings)
        db.flush()
    return settings


def update_settings(db: Session, session: StudySession, *, grades: list[str], threshold,
                    now: datetime, actor: User | None) -> OutcomeSettings:
    grades = [clean(g) for g in grades if clean(g)]
    errors = {}
    if not 2 <= len(grades) <= 10 or len({g.casefold() for g in grades}) != len(grades) \
            or any(len(g) > 60 for g in grades):
        errors["grades"] = "bad_grades"
    try:
        threshold = float(threshold)
        if not 0 <= threshold <= 100:
            errors["threshold"] = "out_of_range"
    except (TypeError, ValueError):
        errors["threshold"] = "not_a_number"
    if errors:
        raise ValidationError(errors)
    settings = settings_for(db, session)
    settings.essay_grades, settings.threshold = grades, threshold
    audit.record(db, now=now, actor=actor, action="outcomes.settings", session_id=session.id,
                 grades=grades, threshold=threshold)
    db.flush()
    return settings


# Reporting units -----------------------------------------------------------------------------

def reports_of(db: Session, session: StudySession) -> list[ResultReport]:
    return list(db.scalars(select(ResultReport).where(ResultReport.session_id == session.id)
                           .order_by(ResultReport.position, ResultReport.id)))


def set_reporting_units(db: Session, session: StudySession, unit_ids: list[int], *,
                        now: datetime, actor: User | None) -> list[ResultReport]:
    """Make exactly these units report. A unit that has already started its report (any state
    but not_submitted, or a plan attached) cannot be dropped."""
    wanted = list(dict.fromkeys(unit_ids))
    known = set(db.scalars(select(Unit.id).where(Unit.id.in_(wanted)))) if wanted else set()
    if set(wanted) - known:
        raise ValidationError({"units": "bad_choice"})
    current = {r.unit_id: r for r in reports_of(db, session)}
    for unit_id, report in current.items():
        if unit_id not in wanted:
            if report.status != NOT_SUBMITTED or report.plan_stored:
                raise DomainError("report_started", unit=report.unit.name)
            db.delete(report)
    for position, unit_id in enumerate(wanted):
        report = current.get(unit_id)
        if report is None:
            report = ResultReport(session_id=session.id, unit_id=unit_id, essays_by_grade={})
            db.add(report)
        report.position = position
    audit.record(db, now=now, actor=actor, action="reports.units", session_id=session.id,
                 unit_ids=wanted)
    db.flush()
    return reports_of(db, session)


def report_for(db: Session, session: StudySession, unit_id: int) -> ResultReport:
    report = db.scalar(select(ResultReport).where(ResultReport.session_id == session.id,
                                                  ResultReport.unit_id == unit_id))
    if report is None:
        raise NotFound()
    return report


# What the system knows -----------------------------------------------------------------------

def unit_facts(db: Session, session: StudySession, unit_id: int, *, outcome=None) -> dict:
    """What the system knows of the unit, to pre-fill its report; "source" says where it came
    from.

    A unit with members in the registry gets the plan's computed outcome (attendance.outcomes.
    cascade: its members and its units' below, taught in the session, the follow-on classes and
    make-up); ``outcome`` is that unit's figures when the caller has them already. Without a
    registry, the figures are those of the unit's people on this session's roster.
    """
    from .cascade import cascade_outcomes  # cascade imports nothing of this module

    if outcome is None:
        outcome = cascade_outcomes(db, session, root_id=unit_id).by_id.get(unit_id)
    facts = _roster_facts(db, session, unit_id)
    if outcome is not None and (outcome.members or outcome.exempt):
        facts.update(
            source="registry", outcome=outcome, sessions_held=outcome.classes,
            members_total=outcome.members, attended=outcome.in_class,
            absent_excused=outcome.absent_excused,
            absent_unexcused=outcome.members - outcome.in_class - outcome.absent_excused,
            makeup_done=outcome.made_up, key_cadres=outcome.key_cadres_taught,
            non_members=outcome.non_members)
    return facts


def _roster_facts(db: Session, session: StudySession, unit_id: int) -> dict:
    """Figures of the unit's people on the roster: members are the unit's party members; after
    the session a member with no attendance record counts as absent without reason. Non-members
    who came are "quần chúng" attending."""
    status = Attendance.status
    member = Person.party_member.is_(True)
    row = db.execute(
        select(func.count(case((member, 1))),
               func.count(case((member & status.in_(ATTENDED), 1))),
               func.count(case((member & (status == ABSENT_EXCUSED), 1))),
               func.count(case((~member & status.in_(ATTENDED), 1))))
        .select_from(Person)
        .outerjoin(Attendance, (Attendance.person_id == Person.id)
                   & (Attendance.session_id == Person.session_id))
        .where(Person.session_id == session.id, Person.unit_id == unit_id)).one()
    members, attended, excused, non_members = row
    makeup = db.scalar(
        select(func.count(MakeupAttendance.id)).join(Person, Person.id == MakeupAttendance.person_id)
        .where(MakeupAttendance.session_id == session.id, Person.unit_id == unit_id))
    grades = dict(db.execute(
        select(Essay.grade, func.count(Essay.id)).join(Person, Person.id == Essay.person_id)
        .where(Essay.session_id == session.id, Person.unit_id == unit_id)
        .group_by(Essay.grade)).all())
    return {"source": "roster", "outcome": None,
            "sessions_held": 1, "members_total": members, "attended": attended,
            "absent_excused": excused, "absent_unexcused": members - attended - excused,
            "makeup_done": makeup, "non_members": non_members,
            "essays_submitted": sum(grades.values()),
            "essays_by_grade": {g: n for g, n in grades.items() if g}}


def prefill(db: Session, report: ResultReport, facts: dict | None = None) -> dict:
    """The form's starting values: what the unit saved, else what the system knows."""
    facts = facts or unit_facts(db, report.session, report.unit_id)
    values = {}
    for name in REPORT_COUNTS:
        saved = getattr(report, name)
        values[name] = saved if saved is not None else facts.get(name)
    values["essays_by_grade"] = report.essays_by_grade or facts["essays_by_grade"]
    for name in ("strengths", "limits", "proposals", "plan_number", "plan_date"):
        values[name] = getattr(report, name)
    return values


# Saving, submitting, reviewing ---------------------------------------------------------------

def check_figures(data: dict, grades: list[str]) -> dict:
    """Whole numbers, none negative, and consistent with each other. Returns the clean values;
    raises ValidationError naming each wrong field."""
    errors, values = {}, {}
    for name in REPORT_COUNTS:
        values[name] = _count(data.get(name), name, errors)
    by_grade = {}
    for grade in grades:
        count = _count((data.get("essays_by_grade") or {}).get(grade), f"grade:{grade}", errors)
        if count:
            by_grade[grade] = count
    values["essays_by_grade"] = by_grade
    v = values
    if v["members_total"] is not None:
        if (v["attended"] or 0) > v["members_total"]:
            errors.setdefault("attended", "attended_over_members")
        elif (v["attended"] or 0) + (v["absent_excused"] or 0) + (v["absent_unexcused"] or 0) \
                > v["members_total"]:
            errors.setdefault("absent_unexcused", "absent_over_members")
    # Key cadres taught may have made the study up: they are among those attending or made up
    # (each counted once, in one of the two), not among those attending alone.
    if v["key_cadres"] is not None and \
            v["key_cadres"] > (v["attended"] or 0) + (v["makeup_done"] or 0):
        errors.setdefault("key_cadres", "over_taught")
    if v["makeup_done"] is not None and \
            v["makeup_done"] > (v["absent_excused"] or 0) + (v["absent_unexcused"] or 0):
        errors.setdefault("makeup_done", "makeup_over_absent")
    if sum(by_grade.values()) > (v["essays_submitted"] or 0):
        errors.setdefault("essays_submitted", "grades_over_essays")
    for name in ("strengths", "limits", "proposals"):
        values[name] = (data.get(name) or "").strip()
        if len(values[name]) > TEXT_LIMIT:
            errors[name] = "too_long"
    values["plan_number"] = clean(data.get("plan_number"))
    if len(values["plan_number"]) > 60:
        errors["plan_number"] = "too_long"
    plan_date = data.get("plan_date")
    if plan_date is not None and not isinstance(plan_date, date):
        errors["plan_date"] = "bad_date"
    values["plan_date"] = plan_date
    if errors:
        raise ValidationError(errors)
    return values


def _count(value, name: str, errors: dict) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[name] = "not_a_number"
        return None
    if number < 0:
        errors[name] = "negative"
    elif number > MAX_COUNT:
        errors[name] = "out_of_range"
    return number


def save_report(db: Session, report: ResultReport, data: dict, *, submit: bool,
                now: datetime, actor: User | None) -> ResultReport:
    """Save the figures; with ``submit`` also send the report (members and attended needed)."""
    if report.status not in EDITABLE:
        raise DomainError("report_accepted")
    values = check_figures(data, settings_for(db, report.session).essay_grades)
    if submit:
        missing = {n: "required" for n in ("members_total", "attended") if values[n] is None}
        if missing:
            raise ValidationError(missing)
    for name, value in values.items():
        setattr(report, name, value)
    report.updated_at = now
    if submit:
        report.status = LATE_SUBMITTED if is_late(report.session, now) else SUBMITTED
        report.submitted_at, report.submitted_by_id = now, actor.id if actor else None
    audit.record(db, now=now, actor=actor, action="report.submit" if submit else "report.save",
                 session_id=report.session_id, target=report, status=report.status)
    db.flush()
    return report


def is_late(session: StudySession, now: datetime) -> bool:
    deadline = session.report_deadline
    return deadline is not None and now.astimezone(session.zone).date() > deadline


def review(db: Session, report: ResultReport, *, accept: bool, comment: str, now: datetime,
           actor: User | None) -> ResultReport:
    """Accept a sent report, or return it for completion with the organizer's comment."""
    if report.status not in (SUBMITTED, LATE_SUBMITTED, ACCEPTED):
        raise DomainError("report_not_submitted")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": "comment_required"})
    if len(comment) > TEXT_LIMIT:
        raise ValidationError({"comment": "too_long"})
    report.status = ACCEPTED if accept else RETURNED
    report.review_comment = comment
    report.reviewed_at, report.reviewed_by_id = now, actor.id if actor else None
    audit.record(db, now=now, actor=actor, action="report.review", session_id=report.session_id,
                 target=report, status=report.status, reason=comment)
    db.flush()
    return report


# The action plan file ------------------------------------------------------------------------

def plan_kind(data: bytes) -> str | None:
    """"pdf" or "docx" judged by the content, never by the name; None for anything else. A PDF
    starts with "%PDF-" and ends with "%%EOF" (give or take trailing whitespace); a DOCX is a
    ZIP within check_archive's bounds (else DomainError ``archive_too_large``) holding
    word/document.xml. The file is then always served under this kind's name and type."""
    if data.startswith(b"%PDF-"):
        return "pdf" if b"%%EOF" in data[-1024:] else None
    if data.startswith(b"PK"):
        try:
            with check_archive(data) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except DomainError as error:
            if error.code == "archive_too_large":
                raise
            return None
    return None


def plan_download_name(filename: str | None, kind: str) -> str:
    """The name a plan is stored and downloaded under: the uploaded name's stem with the
    extension of its detected kind (an HTML file that begins "%PDF-" is never "x.html")."""
    stem = clean(Path(filename or "").stem)[:190] or "ke-hoach"
    return f"{stem}.{kind}"


def checked_plan(data: bytes) -> str:
    """The action plan file's kind ("pdf" or "docx"); ValidationError on ``plan_file``."""
    if not data:
        raise ValidationError({"plan_file": "required"})
    if len(data) > MAX_PLAN_BYTES:
        raise ValidationError({"plan_file": "file_too_large"})
    try:
        kind = plan_kind(data)
    except DomainError as error:
        raise ValidationError({"plan_file": error.code}) from error
    if kind is None:
        raise ValidationError({"plan_file": "bad_file_type"})
    return kind


def attach_plan(db: Session, report: ResultReport, data: bytes, filename: str, *,
                folder: Path, now: datetime, actor: User | None) -> str:
    """Store the action plan under ``folder`` (the instance's upload folder). Returns the
    replaced file's stored name ("" if none): the caller discards it once the change is
    committed, so a rolled-back request still finds its old file."""
    if report.status not in EDITABLE:
        raise DomainError("report_accepted")
    kind = checked_plan(data)
    target_dir = folder / str(report.session_id)
    target_dir.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.{kind}"
    (target_dir / stored).write_bytes(data)
    old = report.plan_stored
    report.plan_stored, report.plan_kind, report.plan_size = stored, kind, len(data)
    report.plan_filename = plan_download_name(filename, kind)
    report.updated_at = now
    audit.record(db, now=now, actor=actor, action="report.plan", session_id=report.session_id,
                 target=report, filename=report.plan_filename, size=len(data))
    db.flush()
    return old


def discard_plan_file(folder: Path, session_id: int, stored: str) -> None:
    if stored and "/" not in stored and "\\" not in stored:
        (folder / str(session_id) / stored).unlink(missing_ok=True)


def plan_path(report: ResultReport, folder: Path) -> Path:
    if not report.plan_stored:
        raise NotFound()
    return folder / str(report.session_id) / report.plan_stored


# Tracking ------------------------------------------------------------------------------------

@dataclass
class TrackRow:
    report: ResultReport
    overdue: bool  # not reported and the deadline has passed


def tracking(db: Session, session: StudySession, *, now: datetime) -> list[TrackRow]:
    past = is_late(session, now)
    return [TrackRow(r, overdue=past and r.status in (NOT_SUBMITTED, RETURNED))
            for r in reports_of(db, session)]
