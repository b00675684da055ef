"""Check-in over HTTP: the batch API every scanner and offline queue posts to, and the
scanner station pages."""

from itertools import chain

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from attendance.checkin.tokens import derive_key
from attendance.models import StudySession, Venue

from ..extensions import db
from ..snapshots import Snapshots, columns, transient


def card_key() -> bytes:
    """The HMAC key of personal cards, derived from the app's secret."""
    return _key("card")


def presence_key() -> bytes:
    """The HMAC key of rotating venue presence codes."""
    return _key("presence")


def join_key() -> bytes:
    """The HMAC key of personal join links (attendance.online.join): not a card's."""
    return _key("join")


def _key(purpose: str) -> bytes:
    name = f"diemcau.{purpose}_key"
    key = current_app.extensions.get(name)
    if key is None:
        key = current_app.extensions[name] = derive_key(current_app.config["SECRET_KEY"],
                                                        purpose)
    return key


def session_copy(session_id: int):
    """A read-only copy of the session (at most TTL seconds old) for the check-in rule."""
    return _copy(StudySession, session_id)


def venue_copy(venue_id: int):
    return _copy(Venue, venue_id)


def _copy(model, row_id: int):
    """A transient instance shared by this process's requests until the copy expires: read it,
    never change it or add it to a database session."""
    def load():
        row = db.session.get(model, row_id)
        return transient(model, columns(row)) if row is not None else None
    return current_app.extensions["diemcau.rows"].get((model.__name__, row_id), load)


@event.listens_for(OrmSession, "after_flush")
def _note_changed_rows(session, flush_context):
    # new/dirty/deleted still hold the pre-flush state here
    if any(isinstance(obj, (StudySession, Venue))
           for obj in chain(session.new, session.dirty, session.deleted)):
        session.info["diemcau.rows_changed"] = True


@event.listens_for(OrmSession, "after_commit")
def _forget_changed_rows(session):
    """A session or venue changed in this process is read fresh at once; other workers see
    the change within the copies' TTL."""
    if session.info.pop("diemcau.rows_changed", False) and has_app_context():
        rows = current_app.extensions.get("diemcau.rows")
        if rows is not None:
            rows.clear()


def init_app(app) -> None:
    from .blueprint import bp

    app.extensions["diemcau.rows"] = Snapshots(ttl=5.0)
    app.register_blueprint(bp)
