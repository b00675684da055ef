"""Closing the roll after the session (khóa sổ điểm danh), and reopening it.

The page asks first, in the page itself: "N people not yet marked at VENUE become absent
without reason" with a confirm button; the number sent back must still be the number (else
the page asks again with the new one), so nobody closes on a figure that changed meanwhile.
"""

from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from attendance.errors import DomainError
from attendance.ids import row_id
from attendance.roll import close as roll_close

from ..errors import flash_error, json_error, message
from ..extensions import db
from ..loading import api_view, session_or_404, venue_or_404
from ..paging import page_of

VENUES_PER_PAGE = 100


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _venue_arg(session, raw):
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        venue_or_404(session, None)
    return venue_or_404(session, int(raw))


def _render(session, ask=None, status=200):
    counts = roll_close.unmarked_counts(db.session, session)
    venues, page = page_of(list(session.venues), VENUES_PER_PAGE)  # 7,400 at national size
    return render_template("presence/close.html", session=session, counts=counts, ask=ask,
                           venues=venues, page=page, total=sum(counts.values()),
                           now=_now()), status


@login_required
def page(session_id: int):
    session = session_or_404(current_user, session_id, manage=True)
    ask = None
    if request.args.get("ask"):
        venue = _venue_arg(session, request.args.get("venue_id"))
        ask = {"venue": venue, "count": roll_close.unmarked_count(db.session, session, venue)}
    return _render(session, ask)


@login_required
def close(session_id: int):
    session = session_or_404(current_user, session_id, manage=True)
    venue = _venue_arg(session, request.form.get("venue_id"))
    count = roll_close.unmarked_count(db.session, session, venue)
    if request.form.get("count") != str(count):  # changed since the question: ask again
        flash(_("Số người chưa điểm danh đã thay đổi; xin xác nhận lại."), "error")
        return _render(session, {"venue": venue, "count": count}, 409)
    try:
        closed = roll_close.close_roll(db.session, session=session, venue=venue, now=_now(),
                                       actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _render(session, None, 400)
    db.session.commit()
    flash(_("Đã khóa sổ: %(count)s người chưa điểm danh được ghi vắng không lý do.",
            count=closed), "success")
    return redirect(url_for("presence.close_page", session_id=session.id), 303)


@login_required
def reopen(session_id: int):
    session = session_or_404(current_user, session_id, manage=True)
    venue = _venue_arg(session, request.form.get("venue_id"))
    try:
        count = roll_close.reopen_roll(db.session, session=session, venue=venue, now=_now(),
                                       actor=current_user, reason=request.form.get("reason", ""))
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _render(session, None, 400)
    db.session.commit()
    flash(_("Đã mở lại sổ điểm danh; %(count)s người trở lại chưa điểm danh.", count=count),
          "success")
    return redirect(url_for("presence.close_page", session_id=session.id), 303)


@api_view(manage=True, body=True)
def api_close(session, actor, body):
    """POST /api/v1/sessions/{id}/close {"venue_id": ID} or {}: {"closed": N}."""
    raw = body.get("venue_id")
    venue = None
    if raw is not None:
        venue_id = row_id(raw)
        venue = next((v for v in session.venues if v.id == venue_id), None)
        if venue is None:
            return json_error("bad_choice", 400, field="venue_id")
    try:
        closed = roll_close.close_roll(db.session, session=session, venue=venue, now=_now(),
                                       actor=actor)
    except DomainError as error:
        db.session.rollback()
        return json_error(error.code, text=message(error.code, **error.params))
    db.session.commit()
    return {"closed": closed}
