"""A bridge point's link checklist from its roll page, as a plain form (with JavaScript the
page queues the same form offline and the roll API applies it: ``roll.batch``)."""

from datetime import datetime, timezone

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from attendance.errors import DomainError
from attendance.roll import link

from ..extensions import db
from .forms import PlainForm
from .views import _back, _field_text, _markable

FIELDS = (*link.ITEMS, "technician_name", "technician_phone", "note")


def form_fields(form) -> dict:
    """The checklist's fields the form carries (a radio left unchecked changes nothing)."""
    return {name: form[name] for name in FIELDS if name in form}


@login_required
def link_check(session_id: int, venue_id: int):
    venue = _markable(session_id, venue_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        link.save_checklist(db.session, venue=venue, fields=form_fields(request.form),
                            now=datetime.now(timezone.utc),
                            actor=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash(_field_text(error), "error")
        return _back(venue, "#link-check")
    db.session.commit()
    flash(_("Đã lưu kiểm tra đường truyền."), "success")
    return _back(venue, "#link-check")
