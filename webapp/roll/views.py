"""A venue's roll page: the coordinator's (or, for the hall, the organizer's) one-tap marks,
headcounts, the link checklist, sign-off and reopening. Thin: load or 404/403, call one service,
redirect. With JavaScript the marks go through the offline queue and the batch API instead."""

import uuid
from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from attendance import permissions
from attendance.errors import DomainError
from attendance.models import Venue
from attendance.roll import link
from attendance.roll import marks as roll
from attendance.roll.batch import record_mark
from attendance.roll.sheet import roll_sheet

from ..errors import flash_error, message
from ..i18n import format_decimal
from ..extensions import db
from ..loading import session_or_404, venue_or_404
from .forms import LINK_ITEM_LABELS, LINK_STATE_LABELS, READINESS_LABELS, STATUS_LABELS, MarkForm, PlainForm, ReasonForm


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _venue(session_id: int, venue_id: int) -> Venue:
    """The venue of this session, or 404; 403 unless the user may read it."""
    venue = venue_or_404(session_or_404(current_user, session_id), venue_id)
    if not permissions.can_read_venue(current_user, venue):
        abort(403)
    return venue


def _markable(session_id: int, venue_id: int) -> Venue:
    venue = _venue(session_id, venue_id)
    if not permissions.can_check_in_at(current_user, venue):
        abort(403)
    return venue


def _back(venue: Venue, anchor: str = ""):
    return redirect(url_for("roll.page", session_id=venue.session_id, venue_id=venue.id)
                    + anchor)


@login_required
def index(session_id: int):
    """Staff and coordinators go to their own venue; organizers and viewers pick one."""
    session = session_or_404(current_user, session_id)
    venues = [v for v in session.venues if permissions.can_read_venue(current_user, v, session)]
    if not venues:
        abort(403)
    if len(venues) == 1 and not permissions.can_read_all(current_user, session):
        return _back(venues[0])
    return render_template("roll/index.html", session=session, venues=venues,
                           may_makeup=permissions.can_read_all(current_user, session))


@login_required
def page(session_id: int, venue_id: int):
    venue = _venue(session_id, venue_id)
    sheet = roll_sheet(db.session, venue)
    if request.args.get("partial") == "counts":
        return render_template("roll/_counts.html", sheet=sheet)
    may_mark = permissions.can_check_in_at(current_user, venue)
    return render_template(
        "roll/page.html", session=venue.session, venue=venue, sheet=sheet, may_mark=may_mark,
        locked=venue.signed_off_at is not None, may_reopen=permissions.can_manage_session(current_user, venue.session),
        reasons=roll.ABSENCE_REASONS, status_labels=STATUS_LABELS,
        readiness_labels=READINESS_LABELS, mark_form=MarkForm(), plain_form=PlainForm(),
        reopen_form=ReasonForm(), messages=roll_messages(),
        link_states=link.current_states(db.session, venue) if not venue.is_hall else {},
        link_items=link.ITEMS, link_labels=LINK_ITEM_LABELS, link_state_labels=LINK_STATE_LABELS)


@login_required
def mark(session_id: int, venue_id: int):
    venue = _markable(session_id, venue_id)
    form = MarkForm()
    if not form.validate_on_submit():
        flash(message("invalid"), "error")
        return _back(venue)
    result = record_mark(db.session, session=venue.session, venue=venue,
                         nonce=form.nonce.data or uuid.uuid4().hex, person_id=form.person_id.data,
                         status=form.status.data, reason=form.pick.data or form.reason.data or "",
                         now=_now(),
                         actor=current_user._get_current_object())
    db.session.commit()
    if result.outcome != "accepted":
        flash(message(result.code), "error")
    return _back(venue, f"#p-{form.person_id.data}" if form.person_id.data else "")


@login_required
def headcount(session_id: int, venue_id: int):
    venue = _markable(session_id, venue_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    counts = {c.id: request.form.get(f"count_{c.id}", "").strip()
              for c in venue.session.categories_for(venue.kind) if c.headcount_only}
    try:
        roll.set_headcounts(db.session, venue=venue, counts={
            category_id: int(raw) if raw.isdigit() else raw
            for category_id, raw in counts.items() if raw != ""}, now=_now(),
            actor=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash(_("Số người: %(error)s", error=_field_text(error)), "error")
        return _back(venue, "#headcount")
    db.session.commit()
    flash(_("Đã lưu số người."), "success")
    return _back(venue, "#headcount")


@login_required
def sign_off(session_id: int, venue_id: int):
    venue = _markable(session_id, venue_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        roll.sign_off(db.session, venue=venue, now=_now(), actor=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _back(venue)
    db.session.commit()
    flash(_("Đã ký xác nhận. Danh sách đã khóa."), "success")
    return _back(venue)


@login_required
def reopen(session_id: int, venue_id: int):
    venue = _venue(session_id, venue_id)
    if not permissions.can_manage_session(current_user, venue.session):
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        roll.reopen(db.session, venue=venue, now=_now(), actor=current_user._get_current_object(),
                    reason=form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(_("Lý do mở lại: %(error)s", error=_field_text(error)), "error")
        return _back(venue, "#sign-off")
    db.session.commit()
    flash(_("Đã mở lại điểm cầu để sửa."), "success")
    return _back(venue)


def _field_text(error: DomainError) -> str:
    errors = getattr(error, "errors", None)
    return message(next(iter(errors.values()))) if errors else message(error.code, **error.params)


def roll_messages() -> dict:
    """What roll.js says (JS has no gettext)."""
    return {
        **{key: str(label) for key, label in STATUS_LABELS.items()},
        "none": _("Chưa điểm danh"),
        "pending": _("chờ gửi"),
        "offline": _("Mất kết nối — %(n)s thao tác đang chờ gửi"),
        "sending": _("Đang gửi %(n)s thao tác…"),
        "online": _("Đã kết nối — mọi thao tác đã gửi"),
        "signed_out": _("Phiên đăng nhập đã hết hạn: hãy đăng nhập lại "
                        "(các thao tác vẫn được giữ trên máy)."),
        "server_error": _("Máy chủ chưa nhận được; sẽ thử gửi lại."),
        "reason_required": _("Chọn hoặc ghi lý do vắng."),
        "needs_online": _("Cần kết nối mạng để lưu phần này."),
        "waiting": _("Đang chờ gửi:"),
        "kind_mark": _("%(n)s điểm danh"),
        "kind_headcount": _("số người"),
        "kind_sign_off": _("ký xác nhận"),
        "kind_link_check": _("kiểm tra đường truyền"),
        "saved_link_check": _("Đã lưu kiểm tra đường truyền."),
        **{f"readiness_{key}": str(label) for key, label in READINESS_LABELS.items()},
        "kind_other": _("%(n)s thao tác khác"),
        "saved_headcount": _("Đã lưu số người."),
        "queued_sign_off": _("Ký xác nhận đang chờ gửi: danh sách sẽ khóa khi máy chủ nhận."),
        "signed_off": _("Đã ký xác nhận. Danh sách đã khóa."),
        "no_match": _("Không tìm thấy ai."),
        "number_sample": format_decimal(1234.5, 1),
        "shown": _("%(n)s người"),
    }
