"""Exits (ra về): the organizer's mark on an attendance record's page, and the API an exit
scanner posts to (a card, or a pick by person id)."""

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from attendance import permissions
from attendance.checkin import exits, rule
from attendance.checkin.tokens import TokenError
from attendance.errors import DomainError, ValidationError
from attendance.ids import row_id
from attendance.models import Attendance, Person

from ..checkin import card_key
from ..checkin.api import _parse_time
from ..errors import flash_error, json_error, message
from ..extensions import db
from ..i18n import format_time
from ..loading import api_view, session_or_404, venue_or_404


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _venue_for_exits(session_id: int, venue_id: int):
    session = session_or_404(current_user, session_id)
    venue = venue_or_404(session, venue_id)
    if not permissions.can_check_in_at(current_user, venue, session):
        abort(403)
    return session, venue


@login_required
def venue_exits(session_id: int, venue_id: int):
    """A venue's exit list (ra về): who came, each with a button that records them leaving
    now; for its staff or coordinator, on a phone."""
    session, venue = _venue_for_exits(session_id, venue_id)
    if request.method == "POST":
        person = db.session.get(Person, request.form.get("person_id", type=int) or 0)
        try:
            if person is None or person.session_id != session.id:
                raise rule.CheckInError("unknown_person")
            now = _now()
            exits.record_exit(db.session, session=session, person=person, venue=venue,
                              left_at=now, now=now, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash_error(error)
        else:
            db.session.commit()
            flash(_("Đã ghi %(name)s ra về lúc %(time)s.", name=person.full_name,
                    time=format_time(now)), "success")
        return redirect(url_for("presence.venue_exits", session_id=session.id,
                                venue_id=venue.id), 303)
    rows = exits.present_at(db.session, session, venue)
    return render_template("presence/exits.html", session=session, venue=venue, rows=rows,
                           left_early=lambda at: rule.left_early(session, at))


@login_required
def mark_exit(session_id: int, attendance_id: int):
    """Record (or, with ``undo``, take back) the exit of this record's person."""
    session = session_or_404(current_user, session_id, manage=True)
    row = db.session.get(Attendance, attendance_id)
    if row is None or row.session_id != session.id:
        abort(404)
    back = redirect(url_for("checkin.attendance_detail", session_id=session.id,
                            attendance_id=row.id), 303)
    try:
        if request.form.get("undo"):
            exits.undo_exit(db.session, session=session, attendance=row, now=_now(),
                            actor=current_user)
        else:
            now = _now()
            left_at = _local_time(session, request.form.get("time", ""), now)
            if left_at is None:
                raise ValidationError({"time": "bad_time"})
            exits.record_exit(db.session, session=session, person=row.person, venue=None,
                              left_at=left_at, now=now, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return back
    db.session.commit()
    flash(_("Đã lưu giờ ra về."), "success")
    return back


def _local_time(session, raw: str, now: datetime) -> datetime | None:
    """"HH:MM" on the session's day, in its zone; empty: now."""
    raw = (raw or "").strip()
    if not raw:
        return now
    try:
        clock = datetime.strptime(raw, "%H:%M").time()
    except ValueError:
        return None
    return datetime.combine(session.local_start.date(), clock, tzinfo=session.zone)


def _when(raw, now):
    if raw is None:
        return now
    if not isinstance(raw, str):
        return None
    try:
        at = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else None


def _exit_time(body: dict, now: datetime) -> datetime | None:
    """When the exit counts: ``left_at`` as stated (an organizer's time), else a scanner's
    ``scanned_at`` judged by its clock as an arrival scan's is (``rule.scan_time`` with its
    ``last_contact``: a clock ahead or set back counts the exit when it arrives), else now.
    None: a ``left_at`` that is not a time with its zone."""
    if "left_at" in body and body["left_at"] is not None:
        return _when(body["left_at"], now)
    scanned_at = _parse_time(body.get("scanned_at"))
    return rule.scan_time(now, scanned_at, _parse_time(body.get("last_contact"))).at


@api_view(body=True)
def api_exit(session, actor, body):
    """POST /api/v1/sessions/{id}/exits {"token" | "person_id", "venue_id", "left_at"? |
    "scanned_at"? + "last_contact"?}: the person's exit, at their venue (staff, coordinators)
    or anywhere (organizers). ``replaced``: the earlier exit this one replaced, if any."""
    now = _now()
    left_at = _exit_time(body, now)
    if left_at is None:
        return json_error("bad_request", 400, field="left_at")
    for name, kind in (("token", str), ("person_id", int), ("venue_id", int)):
        value = body.get(name)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            return json_error("bad_request", 400, field=name)
    venue_id = row_id(body.get("venue_id"))
    venue = next((v for v in session.venues if v.id == venue_id), None)
    if body.get("venue_id") is not None and venue is None:
        return json_error("bad_choice", 400, field="venue_id")
    try:
        if isinstance(body.get("token"), str):
            person_id = exits.person_of_card(card_key(), session, body["token"])
        else:
            person_id = row_id(body.get("person_id"))
        person = db.session.get(Person, person_id) if person_id else None
        if person is None or person.session_id != session.id:
            raise rule.CheckInError("unknown_person")
        earlier = exits.attendance_of(db.session, session, person.id)
        before = earlier.left_at if earlier else None
        row = exits.record_exit(db.session, session=session, person=person, venue=venue,
                                left_at=left_at, now=now, actor=actor)
    except (DomainError, TokenError) as error:
        db.session.rollback()
        return json_error(error.code, text=message(error.code))
    db.session.commit()
    return {"person": {"id": person.id, "full_name": person.full_name},
            "venue": {"id": row.venue_id, "name": row.venue.name} if row.venue else None,
            "left_at": row.left_at.isoformat(),
            "left_early": rule.left_early(session, row.left_at),
            "minutes_present": exits.minutes_present(session, row),
            # a resend of the same exit (its answer lost) is not a replacement
            "replaced": before.isoformat() if before and before != row.left_at else None}
