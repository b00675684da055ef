"""Loading what a request names, once for every view: the row or 404, scoped to the user.

A session outside the user's scope answers 404, as if it did not exist (a committee does not
learn another's session ids); one the user sees but may not change answers 403. API views get
the same through ``api_view``: sign-in (401), session (404), the JSON body (400), in that order.
"""

from functools import wraps

from flask import abort, request
from flask_login import current_user

from attendance import permissions
from attendance.classes import follow_on
from attendance.classes import roll as follow_on_roll
from attendance.errors import DomainError
from attendance.models import Person, StudySession, User, Venue

from .errors import json_error
from .extensions import db


def session_or_404(actor: User, session_id: int, *, manage: bool = False,
                   read_all: bool = False) -> StudySession:
    """The session if ``actor`` sees it, else 404; 403 when ``manage`` (change it) or
    ``read_all`` (every venue's figures and people) is wanted and not allowed."""
    session = db.session.get(StudySession, session_id)
    if session is None or not permissions.can_see_session(actor, session):
        abort(404)
    if manage and not permissions.can_manage_session(actor, session):
        abort(403)
    if read_all and not permissions.can_read_all(actor, session):
        abort(403)
    return session


def venue_or_404(session: StudySession, venue_id: int | None) -> Venue:
    """A venue of this session (another session's venue is not found here)."""
    venue = db.session.get(Venue, venue_id) if venue_id is not None else None
    if venue is None or venue.session_id != session.id:
        abort(404)
    return venue


def person_or_404(session: StudySession, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or person.session_id != session.id:
        abort(404)
    return person


def class_or_404(actor: User, class_id: int) -> StudySession:
    """A follow-on class whose roll the actor keeps (its unit is under theirs), else 404."""
    cls = db.session.get(StudySession, class_id)
    try:
        if cls is None:
            raise DomainError("not_found")
        follow_on_roll.guard(actor, cls)
    except DomainError:
        abort(404)
    return cls


def parent_or_404(actor: User, parent_id: int) -> StudySession:
    """A main session the actor may hold a follow-on class of, else 404."""
    parent = db.session.get(StudySession, parent_id)
    if parent is None or parent not in follow_on.open_parents(db.session, actor):
        abort(404)
    return parent


def user_or_404(actor: User, user_id: int) -> User:
    """An account the actor manages; others are not found."""
    user = db.session.get(User, user_id)
    if user is None or not permissions.can_manage_user(actor, user):
        abort(404)
    return user


def api_view(*, manage: bool = False, body: bool = False):
    """The API preamble: 401 without a signed-in user or token, 404 for a session outside
    the caller's scope (403 when ``manage`` and the caller may only read it), 400 when
    ``body`` is wanted and the request's JSON is not an object. The view is called as
    ``view(session, actor[, body], **kwargs)``."""

    def decorator(view):
        @wraps(view)
        def wrapped(session_id: int, **kwargs):
            if not current_user.is_authenticated:
                return json_error("unauthorized", 401)
            actor = current_user._get_current_object()
            session = db.session.get(StudySession, session_id)
            if session is None or not permissions.can_see_session(actor, session):
                return json_error("not_found", 404)
            if manage and not permissions.can_manage_session(actor, session):
                return json_error("forbidden", 403)
            if body:
                data = request.get_json(silent=True)
                if not isinstance(data, dict):
                    return json_error("bad_request", 400)
                return view(session, actor, data, **kwargs)
            return view(session, actor, **kwargs)

        return wrapped

    return decorator
