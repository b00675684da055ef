"""The make-up study page (học bù): the organizer records a sitting and who attended;
viewers read it."""

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from attendance import permissions
from attendance.errors import ValidationError
from attendance.roll import makeup as service

from .. import pickers
from ..errors import put_form_errors
from ..extensions import db
from ..loading import session_or_404
from ..paging import Page, page_asked, page_count
from ..summary.dashboard import cached_totals
from .forms import MakeupForm

PER_PAGE = 100


@login_required
def makeup(session_id: int):
    session = session_or_404(current_user, session_id, read_all=True)
    may_record = permissions.can_manage_session(current_user, session)
    # A page of the absentees (a national session has some 48,000), of one venue if asked.
    chosen = pickers.picked(session, request.args)
    venue_id = chosen.id
    count = service.count_absentees(db.session, session, venue_id=venue_id)
    pages = page_count(count, PER_PAGE)
    page = page_asked(pages)
    absentees = service.absentees(db.session, session, venue_id=venue_id, limit=PER_PAGE,
                                  offset=(page - 1) * PER_PAGE)
    form = MakeupForm()
    pickers.offer_units(form.unit_id, blank=_("— Không chọn —"), none=0)
    form.person_ids.choices = [SelectChoice(a.person.id, a.person.full_name) for a in absentees
                               if a.made_up_on is None]
    if form.is_submitted():
        if not may_record:
            abort(403)
        if form.validate():
            try:
                service.record_makeup(
                    db.session, session=session, held_on=form.held_on.value,
                    person_ids=form.person_ids.data or [], unit_id=form.unit_id.data or None,
                    note=form.note.data or "", now=datetime.now(timezone.utc),
                    actor=current_user._get_current_object())
            except ValidationError as error:
                db.session.rollback()
                put_form_errors(form, error)
            else:
                db.session.commit()
                flash(_("Đã ghi buổi học bù."), "success")
                return redirect(url_for("roll.makeup", session_id=session.id))
    return render_template(
        "roll/makeup.html", session=session, form=form, may_record=may_record,
        absentees=absentees, makeups=service.makeups(db.session, session),
        totals=cached_totals(session.id), page=Page(page, pages), count=count,
        venue_id=venue_id, venue_unknown=chosen.unknown)
