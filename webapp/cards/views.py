"""Card and poster handlers: load or 404, check who asks, build or call one service."""

from flask import (Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from attendance import jobs
from attendance.checkin import tokens
from attendance.models import Person, StudySession, Unit
from attendance.permissions import can_manage
from attendance.printing import invitations as invitation_letters
from attendance.printing import qr
from attendance.roster import cards as card_service

from ..auth import role_required
from ..checkin import card_key
from ..extensions import db
from ..jobs import views as job_views
from ..loading import person_or_404, session_or_404
from . import cards_pdf, invitations_pdf, now, pdf_name, posters_pdf


def _session(session_id: int) -> StudySession:
    return session_or_404(current_user, session_id, manage=True)


def _person(session_id: int, person_id: int) -> Person:
    person = person_or_404(session_or_404(current_user, session_id), person_id)
    if not card_service.may_see_card(current_user, person):
        abort(403)
    return person


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store"})


def _too_big(session: StudySession, what: str, venue_id: int | None = None) -> int | None:
    """More than a request can make in time: how many (the page offers a background job
    instead); None when it is made at once."""
    limit = current_app.config["JOBS_DIRECT_CARDS" if what == "cards" else "JOBS_DIRECT_POSTERS"]
    count = jobs.size(db.session, session, what, venue_id)
    return count if count > limit else None


@role_required(can_manage)
def session_pdf(session_id: int):
    session = _session(session_id)
    venue_id = request.args.get("venue_id", "")
    if venue_id:
        if not venue_id.isdigit() or int(venue_id) not in {v.id for v in session.venues}:
            abort(404)
        if _too_big(session, "cards", int(venue_id)) is not None:
            return job_views.offer(session, "cards", "pdf", int(venue_id))
        return _pdf(cards_pdf(db.session, session, venue_id=int(venue_id)),
                    f"the-dai-bieu-hoi-nghi-{session.id}-dia-diem-{venue_id}.pdf")
    people = _too_big(session, "cards")
    if people is not None:
        return job_views.offer(session, "cards", "pdf", people=people)
    return _pdf(cards_pdf(db.session, session), pdf_name("the-dai-bieu", session))


@role_required(can_manage)
def invitations(session_id: int):
    """The signed invitation letters: the whole session, one venue (?venue_id=) or one unit
    (?unit_id=, after a letter to the unit listing its invitees)."""
    session = _session(session_id)
    venue_id, unit_id = request.args.get("venue_id", ""), request.args.get("unit_id", "")
    if venue_id and (not venue_id.isdigit()
                     or int(venue_id) not in {v.id for v in session.venues}):
        abort(404)
    unit = None
    if unit_id:
        unit = db.session.get(Unit, int(unit_id)) if unit_id.isdigit() else None
        if unit is None or not invitation_letters.invites_for(session, unit):
            abort(404)
    venue = int(venue_id) if venue_id else None
    # A letter is a page each (~20 ms): a quarter of the cards' limit fits in a request.
    people = jobs.size(db.session, session, "invitations", venue) if unit is None else 0
    if people > current_app.config["JOBS_DIRECT_CARDS"] // 4:
        return job_views.offer(session, "invitations", "pdf", venue, people=people)
    data = invitations_pdf(db.session, session, venue_id=int(venue_id) if venue_id else None,
                           unit=unit)
    suffix = f"-dia-diem-{venue_id}" if venue_id else f"-don-vi-{unit_id}" if unit_id else ""
    return _pdf(data, f"giay-moi-hoi-nghi-{session.id}{suffix}.pdf")


@role_required(can_manage)
def posters(session_id: int):
    session = _session(session_id)
    if _too_big(session, "posters") is not None:
        return job_views.offer(session, "posters", "pdf")
    return _pdf(posters_pdf(session), pdf_name("ap-phich-diem-danh", session))


@login_required
def person(session_id: int, person_id: int):
    person = _person(session_id, person_id)
    return render_template("cards/person.html", session=person.session, person=person,
                           form=FlaskForm())


@login_required
def person_png(session_id: int, person_id: int):
    person = _person(session_id, person_id)
    token = tokens.card_token(card_key(), session_id, person.id, person.card_version)
    return Response(qr.png(token), mimetype="image/png",
                    headers={"Cache-Control": "private, no-store"})


@login_required
def person_pdf(session_id: int, person_id: int):
    person = _person(session_id, person_id)
    if person.category.headcount_only:
        abort(404)
    return _pdf(cards_pdf(db.session, person.session, person_id=person.id),
                f"the-dai-bieu-{person.id}.pdf")


@login_required
def reissue(session_id: int, person_id: int):
    person = _person(session_id, person_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    card_service.reissue_card(db.session, person, now=now(), actor=current_user)
    db.session.commit()
    flash(_("Đã cấp lại thẻ; thẻ cũ không còn dùng được."), "success")
    return redirect(url_for("cards.person", session_id=session_id, person_id=person.id))
