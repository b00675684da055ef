"""Venue and unit fields that stay small at any size.

Up to SELECT_MAX venues a session's venue fields are drop-downs. A national session has 7,400:
a drop-down of them weighs some 400 KB on every roster, attendance and make-up page and
cannot be scrolled on a phone. Past SELECT_MAX the field is a text box (templates/
_pickers.html): static/js/pickers.js offers the matching venues as one types
(GET /sessions/<id>/venues/search?q=, up to SEARCH_LIMIT, by name ignoring case and
diacritics) and puts the chosen one's id in the hidden field; without the script the typed
name is resolved here when the form arrives (``picked``). A venue's code is the secret of its
self check-in poster: never sent, never matched.

A nation's unit tree has 58,763 units: a unit field (a session's organizer unit, a venue's
unit, a member's, a make-up's, a user's) past SELECT_MAX units is such a text box too
(``offer_units``, GET /units/search), its suggestions labelled with the parent unit so that
the hundreds of "Chi bộ tổ dân phố 1" stay apart.
"""

from dataclasses import dataclass

from flask import abort, g, jsonify, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from attendance.models import StudySession, Venue
from attendance.permissions import assigned_venue_id, can_read_all
from attendance.text import fold

from .extensions import db
from .loading import session_or_404

SELECT_MAX = 300
SEARCH_LIMIT = 20


def is_large(session: StudySession) -> bool:
    """Whether the session's venue fields are text boxes (counted once per request)."""
    counts = g.setdefault("venue_counts", {})
    if session.id not in counts:
        counts[session.id] = db.session.scalar(
            select(func.count()).select_from(Venue).where(Venue.session_id == session.id))
    return counts[session.id] > SELECT_MAX


def venue_name(venue_id) -> str:
    venue = db.session.get(Venue, venue_id) if venue_id else None
    return venue.name if venue is not None else ""


@dataclass
class Picked:
    id: int | None  # None: none chosen (or not found)
    unknown: str = ""  # the typed text that named nothing offered (or several)


def picked(session: StudySession, values, name: str = "venue_id") -> Picked:
    """The venue a form or filter chose: its id, or the name typed in ``<name>_name`` (the
    one venue of the session of that name, ignoring case and diacritics)."""
    raw = values.get(name, type=int)
    if raw is not None:  # the script's (or a drop-down's) id: one venue read, not them all
        venue = db.session.get(Venue, raw)
        return Picked(raw if venue is not None and venue.session_id == session.id else None)
    return picked_label(db.session.execute(select(Venue.id, Venue.name).where(
        Venue.session_id == session.id)).all(), values, name)


@login_required
def search(session_id: int):
    """Up to SEARCH_LIMIT venues of the session whose name contains ``q`` (ignoring case
    and diacritics), in the session's order; a coordinator or entrance staff member finds
    only their own venue."""
    session = session_or_404(current_user, session_id)
    venues = select(Venue.id, Venue.name).where(Venue.session_id == session.id).order_by(
        Venue.position, Venue.id)
    if not can_read_all(current_user, session):
        venues = venues.where(Venue.id == assigned_venue_id(current_user, session))
    return jsonify({"venues": matching(db.session.execute(venues).all(),
                                       request.args.get("q") or "")})


# The users page picks a venue of any session its organizer manages (GET /users/venues/search),
# and unit fields a unit of the user's tree (GET /units/search): each suggestion labelled so that names repeated across sessions (every
# session has its hall) or wards (every ward has its "Chi bộ tổ dân phố 1") stay apart.


def labelled_venues(sessions_query) -> list[tuple[int, str]]:
    """(venue id, label) of every venue of the sessions, newest session first."""
    sessions = sessions_query.subquery()
    rows = db.session.execute(
        select(Venue.id, Venue.name, sessions.c.starts_at, sessions.c.title)
        .join(sessions, sessions.c.id == Venue.session_id)
        .order_by(sessions.c.starts_at.desc(), Venue.position, Venue.id)).all()
    return [(venue_id, f"{name} · {starts_at:%d/%m/%Y} · {title}")
            for venue_id, name, starts_at, title in rows]


def labelled_units(unit_ids: list[int] | None) -> list[tuple[int, str]]:
    """(unit id, label with its parent's name) of the units (None: every unit), by name."""
    from sqlalchemy.orm import aliased

    from attendance.models import Unit

    parent = aliased(Unit)
    query = select(Unit.id, Unit.name, parent.name).outerjoin(
        parent, parent.id == Unit.parent_id).order_by(Unit.name, Unit.id)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    return [(unit_id, f"{name} · {parent_name}" if parent_name else name)
            for unit_id, name, parent_name in db.session.execute(query)]


def matching(labelled: list[tuple[int, str]], query: str,
             limit: int = SEARCH_LIMIT) -> list[dict]:
    needle = fold(query.strip()[:200])
    found = []
    for item_id, label in labelled:
        if needle in fold(label):
            found.append({"id": item_id, "name": label})
            if len(found) == limit:
                break
    return found


def picked_label(labelled: list[tuple[int, str]], values, name: str) -> Picked:
    """The id in ``name``, one of ``labelled``'s; else the one whose label (or whose name,
    the label's first part, when only one has it) is the text typed in ``<name>_name``."""
    ids = {item_id for item_id, _ in labelled}
    raw = values.get(name, type=int)
    if raw is not None:  # one not offered (out of scope, or a unit's own below it): refused
        return Picked(raw) if raw in ids else Picked(
            None, unknown=(values.get(f"{name}_name") or "").strip() or str(raw))
    text = (values.get(f"{name}_name") or "").strip()
    if not text:
        return Picked(None)
    wanted = fold(text)
    hits = [i for i, label in labelled if fold(label) == wanted] or [
        i for i, label in labelled if fold(label.split(" · ")[0]) == wanted]
    return Picked(hits[0]) if len(hits) == 1 else Picked(None, unknown=text)


class _Named:
    """A field's validator: the typed text named nothing (or several)."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        from wtforms.validators import StopValidation

        raise StopValidation(self.message)


def offer(field, items: list[tuple[int, str]], *, url: str, formdata=None, blank=None,
          none="", small=None, what: str = "unit") -> None:
    """Set a SelectField's choices from ``items`` ((id, label) of every choice): a drop-down
    (``small``'s choices when given, after ``blank`` when given), or past SELECT_MAX a
    search box for the template's ``picker_field`` (``field.picker_url``), the posted id or
    typed label resolved here; ``none``: the value of no choice (the blank's)."""
    field.picker_url = None
    blank_choice = [(none, blank)] if blank is not None else []
    if len(items) <= SELECT_MAX:
        field.choices = blank_choice + list(small if small is not None else items)
        return
    field.picker_url = url
    chosen = picked_label(items, formdata, field.name) if formdata is not None \
        else Picked(field.data if isinstance(field.data, int) else _as_id(field.data))
    if formdata is not None:
        field.data = chosen.id if chosen.id is not None else (
            None if none == "" else none)
    field.picker_id = chosen.id
    field.picker_text = dict(items).get(chosen.id, chosen.unknown)
    field.choices = blank_choice + (
        [(chosen.id, field.picker_text)] if chosen.id else [])
    if chosen.unknown:
        from flask_babel import gettext as _

        message = _("Không có đơn vị nào tên “%(name)s”.", name=chosen.unknown) \
            if what == "unit" else _("Không có địa điểm nào tên “%(name)s”.", name=chosen.unknown)
        field.validators = [_Named(message), *field.validators]


def _as_id(value) -> int | None:
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def offer_units(field, *, small=None, exclude=(), blank=None, none="") -> None:
    """A unit field of the user's scope (less ``exclude``): a drop-down of ``small()``'s
    choices (the indented tree, built only then) or of the labels, or past SELECT_MAX a search
    box (GET /units/search), a posted form's typed label resolved (``offer``)."""
    items = [item for item in scope_unit_items(current_user) if item[0] not in exclude]
    offer(field, items, url=url_for("units.search"),
          formdata=request.form if request.method == "POST" else None, blank=blank, none=none,
          small=small() if small is not None and len(items) <= SELECT_MAX else None)


def scope_unit_items(user) -> list[tuple[int, str]]:
    from attendance.accounts import scope as scopes

    return labelled_units(None if scopes.of(user).units is None
                          else sorted(scopes.of(user).units))


@login_required
def unit_search():
    """Up to SEARCH_LIMIT units of the user's scope whose label (name · parent) contains
    ``q``, ignoring case and diacritics. Organizers and viewers only."""
    from attendance.models import ORGANIZER, VIEWER

    if current_user.role not in (ORGANIZER, VIEWER):
        abort(403)
    return jsonify({"units": matching(scope_unit_items(current_user),
                                      request.args.get("q", ""))})


def init_app(app) -> None:
    app.jinja_env.globals.update(venue_picker_large=is_large, venue_name=venue_name)
