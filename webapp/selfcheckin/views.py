"""Self check-in pages: check yourself in by name and phone digits, or register as a walk-in.
No login: the venue's secret code in the link is the only key, nothing of the roster is listed
or confirmed, and failures lock the address and the typed name for a while ("see the staff at
the door")."""

from datetime import datetime, timezone

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from attendance.checkin import selfcheckin
from attendance.errors import DomainError, ValidationError
from attendance.models import Venue

from ..checkin import card_key, presence_key
from ..checkin.serialize import scan_message
from .. import throttle
from ..errors import message, put_form_errors
from ..extensions import db
from .forms import FindForm, WalkInForm, new_nonce

ADDRESS = "THROTTLE_SELF_CHECKIN_ADDRESS"
PERSON = "THROTTLE_SELF_CHECKIN_PERSON"


def _venue(code: str) -> Venue:
    venue = db.session.scalar(select(Venue).where(Venue.code == code)) if len(code) <= 40 \
        else None
    return venue or abort(404)


def _now() -> datetime:
    return datetime.now(timezone.utc)




def _page(venue: Venue, form, **context):
    return render_template("selfcheckin/start.html", venue=venue, session=venue.session,
                           form=form, **context)


def _locked(venue: Venue, session, name: str) -> bool:
    return (throttle.blocked(ADDRESS, get_remote_address())
            or throttle.blocked(PERSON, selfcheckin.person_key(session, name)))


def _failed(venue: Venue, session, name: str, code: str) -> None:
    throttle.failed(ADDRESS, get_remote_address(), venue=venue.id, code=code)
    throttle.failed(PERSON, selfcheckin.person_key(session, name), venue=venue.id, code=code)


def start(code: str):
    """Name and digits (and the presence code) in one form; checked in only on a match."""
    venue = _venue(code)
    session = venue.session
    form = FindForm()
    if request.method == "GET":
        form.presence.data = request.args.get("p", "")[:6].upper()
        form.nonce.data = new_nonce()
        return _page(venue, form)
    if not form.validate():
        form.nonce.data = form.nonce.data or new_nonce()
        return _page(venue, form), 422
    name = form.name.data or ""
    if _locked(venue, session, name):
        return _page(venue, _retry(form), locked=True), 429
    try:
        result = selfcheckin.check_in_self(
            db.session, card_key=card_key(), presence_key=presence_key(), session=session,
            venue=venue, name=name, digits=form.digits.data, presence=form.presence.data,
            nonce=form.nonce.data, now=_now(), here_confirmed=form.here.data == "1")
    except ValidationError as error:
        db.session.rollback()
        put_form_errors(form, error)
        return _page(venue, form), 422
    except DomainError as error:
        if error.code == "self_other_venue":  # found, but invited elsewhere: ask, no failure
            db.session.rollback()
            return _page(venue, form, invited_at=error.params["venue"])
        db.session.rollback()
        _failed(venue, session, name, error.code)
        if _locked(venue, session, name):
            return _page(venue, _retry(form), locked=True), 429
        return _page(venue, _retry(form), error=message(error.code)), 422
    db.session.commit()
    return _result(venue, result)


def _retry(form):
    """The form again with a fresh nonce, name and digits kept, for another try."""
    form.nonce.data = new_nonce()
    return form


def walk_in(code: str):
    venue = _venue(code)
    session = venue.session
    form = WalkInForm()
    # No category chosen for them: the first would quietly make everyone the most senior one.
    form.category_id.choices = [("", _("— Chọn thành phần —"))] + [
        (c.id, c.name) for c in session.categories_for(venue.kind) if not c.headcount_only]
    if request.method == "GET":
        form.presence.data = request.args.get("p", "")[:6].upper()
    if request.method == "GET" or not form.validate():
        form.nonce.data = form.nonce.data or new_nonce()
        return _walk_in_page(venue, form), 200 if request.method == "GET" else 422
    if form.category_id.data not in {value for value, _ in form.category_id.choices[1:]}:
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
        throttle.failed(ADDRESS, get_remote_address(), venue=venue.id, code=error.code)
        return _walk_in_page(venue, form, error=message(error.code)), 422
    db.session.commit()
    return _result(venue, result)


def _walk_in_page(venue: Venue, form, **context):
    return render_template("selfcheckin/walk_in.html", venue=venue, session=venue.session,
                           form=form, **context)


def _result(venue: Venue, result):
    tone = {"accepted": "ok", "duplicate": "warn"}.get(result.outcome, "bad")
    return render_template("selfcheckin/result.html", venue=venue, session=venue.session,
                           result=result, tone=tone, text=scan_message(result))
