"""The organizer's view of attendance rows: list, history, undo and correct with a reason, and
correct an absence's reason."""

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from attendance import permissions
from attendance.checkin import corrections
from attendance.errors import DomainError
from attendance.models import (
    STATUSES,
    Attendance,
    AuditEntry,
    Person,
    ScanAttempt,
    StudySession,
    User,
    Venue,
)
from attendance.text import fold

from .. import pickers
from ..errors import flash_error
from ..extensions import db
from ..loading import session_or_404
from ..paging import Page, page_asked, page_count

PER_PAGE = 50


def _session(session_id: int, *, manage: bool = False) -> StudySession:
    return session_or_404(current_user, session_id, read_all=True, manage=manage)


@login_required
def attendance_list(session_id: int):
    session = _session(session_id)
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    chosen = pickers.picked(session, request.args)
    venue_id = chosen.id
    where = [Attendance.session_id == session.id]
    if q:
        where.append(or_(Person.search_name.contains(fold(q), autoescape=True),
                         Person.phone.endswith(q)))
    if status in STATUSES:
        where.append(Attendance.status == status)
    if venue_id:
        where.append(Attendance.venue_id == venue_id)
    elsewhere = request.args.get("elsewhere") == "1"
    if elsewhere:  # taken at another venue than the one invited to
        # Found first, in one pass (materialized): filtered row by row in time order, the
        # planner walked all 940,000 records of a national session when few or none match.
        moved = (select(Attendance.id).join(Person, Person.id == Attendance.person_id)
                 .where(Attendance.session_id == session.id,
                        Attendance.venue_id != Person.venue_id)
                 .cte("elsewhere").prefix_with("MATERIALIZED"))
        where.append(Attendance.id.in_(select(moved.c.id)))
    # Counted without the people unless a filter reads them: every record is of one person
    # of the session (its foreign key), and the join doubled the count's time (940,000
    # records of a national session).
    counted = select(func.count(Attendance.id)).where(*where)
    if q:
        counted = counted.join(Person, Person.id == Attendance.person_id)
    total = db.session.scalar(counted)
    pages = page_count(total, PER_PAGE)
    number = page_asked(pages)
    rows = [] if not total else db.session.scalars(
        select(Attendance).join(Person, Person.id == Attendance.person_id).where(*where)
        .order_by(Attendance.at.desc(), Attendance.id.desc())
        .options(joinedload(Attendance.person).joinedload(Person.category),
                 joinedload(Attendance.venue))
        .limit(PER_PAGE).offset((number - 1) * PER_PAGE)).all()
    page = Page(number, pages, list(rows), total)
    return render_template("checkin/attendance_list.html", session=session, page=page, q=q,
                           status=status, venue_id=venue_id, statuses=STATUSES,
                           elsewhere=elsewhere, venue_unknown=chosen.unknown)


@login_required
def attendance_detail(session_id: int, attendance_id: int):
    session = _session(session_id)
    row = db.session.get(Attendance, attendance_id)
    if row is None or row.session_id != session.id:
        abort(404)
    return render_template("checkin/attendance_detail.html", session=session, row=row,
                           can_correct=permissions.can_manage_session(current_user, session),
                           statuses=STATUSES, **_history(session.id, row.person_id))


def _history(session_id: int, person_id: int) -> dict:
    attempts = db.session.execute(
        select(ScanAttempt, Venue.name, User.username)
        .outerjoin(Venue, Venue.id == ScanAttempt.venue_id)
        .outerjoin(User, User.id == ScanAttempt.actor_id)
        .where(ScanAttempt.session_id == session_id, ScanAttempt.person_id == person_id)
        .order_by(ScanAttempt.received_at)).all()
    changes = db.session.scalars(
        select(AuditEntry).where(AuditEntry.session_id == session_id,
                                 AuditEntry.action.startswith("attendance."))
        .order_by(AuditEntry.at)).all()
    changes = [c for c in changes if (c.detail or {}).get("person_id") == person_id]
    return {"attempts": attempts, "changes": changes}


@login_required
def correct(session_id: int, attendance_id: int):
    session = _session(session_id, manage=True)
    row = db.session.get(Attendance, attendance_id)
    if row is None or row.session_id != session.id:
        abort(404)
    now = datetime.now(timezone.utc)
    reason = request.form.get("reason", "")
    try:
        if request.form.get("action") == "undo":
            corrections.undo_checkin(db.session, row, now=now, actor=current_user,
                                     reason=reason)
            db.session.commit()
            flash(_("Đã hủy điểm danh."), "success")
            return redirect(url_for("checkin.attendance_list", session_id=session.id))
        if request.form.get("action") == "reason":
            corrections.correct_reason(db.session, row, now=now, actor=current_user,
                                       absence_reason=request.form.get("absence_reason", ""))
            db.session.commit()
            flash(_("Đã sửa lý do vắng."), "success")
            return redirect(url_for("checkin.attendance_detail", session_id=session.id,
                                    attendance_id=attendance_id))
        venue = None
        chosen = pickers.picked(session, request.form)
        if chosen.unknown:
            flash(_("Không có địa điểm nào tên “%(name)s”.", name=chosen.unknown), "error")
            return redirect(url_for("checkin.attendance_detail", session_id=session.id,
                                    attendance_id=attendance_id))
        if request.form.get("venue_id", type=int) and chosen.id is None:
            abort(400)  # a venue of another session
        venue_id = chosen.id
        if venue_id and venue_id != row.venue_id:
            venue = db.session.get(Venue, venue_id)
            if venue is None:
                abort(400)
        corrections.correct_attendance(db.session, row, now=now, actor=current_user,
                                       reason=reason, status=request.form.get("status") or None,
                                       venue=venue, mode=request.form.get("mode") or None)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("checkin.attendance_detail", session_id=session.id,
                                attendance_id=attendance_id))
    db.session.commit()
    flash(_("Đã sửa điểm danh."), "success")
    return redirect(url_for("checkin.attendance_detail", session_id=session.id,
                            attendance_id=attendance_id))
