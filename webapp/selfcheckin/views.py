"""Self check-in pages: find yourself, confirm, or register as a walk-in. No login: the
venue's secret code in the link is the only key, and nothing of the roster is listed."""

from datetime import datetime, timezone

from flask import abort, render_template, request
from sqlalchemy import select

from attendance.checkin import selfcheckin
from attendance.checkin.scan import REFUSALS, record_refusal
from attendance.errors import DomainError, ValidationError
from attendance.models import Venue

from ..checkin import card_key, presence_key
from ..checkin.serialize import scan_message
from ..errors import message, put_form_errors
from ..extensions import db
from .forms import ConfirmForm, FindForm, WalkInForm, new_nonce


def _venue(code: str) -> Venue:
    venue = db.session.scalar(select(Venue).where(Venue.code == code)) if len(code) <= 40 \
        else None
    return venue or abort(404)


def _now() -> datetime:
    return datetime.now(timezone.utc)




def _page(venue: Venue, form, **context):
    return render_template("selfcheckin/start.html", venue=venue, session=venue.session,
                           form=form, **context)


def start(code: str):
    venue = _venue(code)
    form = FindForm()
    if request.method == "GET":
        form.presence.data = request.args.get("p", "")[:6].upper()
        return _page(venue, form)
    if not form.validate():
        return _page(venue, form), 422
    try:
        matches = selfcheckin.find_self(db.session, venue.session, name=form.name.data,
                                        digits=form.digits.data)
    except ValidationError as error:
        put_form_errors(form, error)
        return _page(venue, form), 422
    if not matches:
        return _page(venue, form, not_found=True), 404
    confirms = []
    for match in matches:
        confirm = ConfirmForm(formdata=None, person_id=match.id, digits=form.digits.data,
                              presence=(form.presence.data or "").upper(), nonce=new_nonce())
        confirms.append((match, confirm))
    return render_template("selfcheckin/matches.html", venue=venue, session=venue.session,
                           confirms=confirms)


def confirm(code: str):
    venue = _venue(code)
    form = ConfirmForm()
    if not form.validate():
        return _page(venue, FindForm(formdata=None), error=message("invalid")), 400
    try:
        result = selfcheckin.check_in_self(
            db.session, card_key=card_key(), presence_key=presence_key(), session=venue.session,
            venue=venue, person_id=form.person_id.data, digits=form.digits.data,
            presence=form.presence.data, nonce=form.nonce.data, now=_now())
    except DomainError as error:
        db.session.rollback()
        _record_refusal(venue, error.code, form.nonce.data, person_id=form.person_id.data)
        retry = FindForm(formdata=None, presence=form.presence.data)
        return _page(venue, retry, error=message(error.code)), 422
    db.session.commit()
    return _result(venue, result)


def walk_in(code: str):
    venue = _venue(code)
    session = venue.session
    form = WalkInForm()
    form.category_id.choices = [(c.id, c.name) for c in session.categories_for(venue.kind)
                                if not c.headcount_only]
    if request.method == "GET":
        form.presence.data = request.args.get("p", "")[:6].upper()
    if request.method == "GET" or not form.validate():
        form.nonce.data = form.nonce.data or new_nonce()
        return _walk_in_page(venue, form), 200 if request.method == "GET" else 422
    if form.category_id.data not in {value for value, _ in form.category_id.choices}:
        form.category_id.errors = [message("bad_choice")]
        return _walk_in_page(venue, form), 422
    try:
        result = selfcheckin.walk_in_self(
            db.session, card_key=card_key(), presence_key=presence_key(), session=session,
            venue=venue, presence=form.presence.data, nonce=form.nonce.data, now=_now(),
            full_name=form.full_name.data, position=form.position.data,
            unit_name=form.unit_name.data, phone=form.phone.data,
            category_id=form.category_id.data)
    except ValidationError as error:
        db.session.rollback()
        put_form_errors(form, error)
        return _walk_in_page(venue, form), 422
    except DomainError as error:
        db.session.rollback()
        _record_refusal(venue, error.code, form.nonce.data)
        return _walk_in_page(venue, form, error=message(error.code)), 422
    db.session.commit()
    return _result(venue, result)


def _record_refusal(venue: Venue, code: str, nonce: str, person_id=None) -> None:
    """Every attempt is recorded, refused ones too (who, where, when, how, why)."""
    if code not in REFUSALS:
        return
    record_refusal(db.session, session=venue.session, venue=venue, code=code, method="self",
                   now=_now(), nonce=nonce,
                   # only a person already verified by name and digits is named
                   person_id=person_id if code == "presence_required" else None,
                   device=(request.user_agent.string or "")[:100])
    db.session.commit()


def _walk_in_page(venue: Venue, form, **context):
    return render_template("selfcheckin/walk_in.html", venue=venue, session=venue.session,
                           form=form, **context)


def _result(venue: Venue, result):
    tone = {"accepted": "ok", "duplicate": "warn"}.get(result.outcome, "bad")
    return render_template("selfcheckin/result.html", venue=venue, session=venue.session,
                           result=result, tone=tone, text=scan_message(result))
