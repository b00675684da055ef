"""The venue's screen: the QR of its self check-in link and, when the session asks for
presence, the rotating 6-character code (a new one every 30 s), refreshed by presence.js."""

from datetime import datetime, timezone

from flask import Response, abort, render_template
from flask_login import current_user, login_required

from attendance.checkin import tokens
from attendance.models import StudySession, Venue
from attendance.permissions import can_check_in_at
from attendance.printing import qr

from ..checkin import presence_key
from ..loading import session_or_404, venue_or_404
from ..public_links import public_url

_NO_STORE = {"Cache-Control": "no-store"}


def _venue(session_id: int, venue_id: int) -> Venue:
    venue = venue_or_404(session_or_404(current_user, session_id), venue_id)
    if not can_check_in_at(current_user, venue):
        abort(403)
    return venue


def _state(venue: Venue) -> dict:
    """What the screen shows now: the link its QR encodes, the code and its seconds left."""
    session: StudySession = venue.session
    url = public_url(session, "selfcheckin.start", code=venue.code)
    if not session.require_presence:
        return {"url": url, "code": None, "seconds_left": None}
    now = datetime.now(timezone.utc)
    code = tokens.presence_code(presence_key(), venue.id, now)
    return {"url": f"{url}?p={code}", "code": code, "seconds_left": tokens.seconds_left(now)}


@login_required
def page(session_id: int, venue_id: int):
    venue = _venue(session_id, venue_id)
    return render_template("selfcheckin/display.html", venue=venue, session=venue.session,
                           state=_state(venue))


@login_required
def png(session_id: int, venue_id: int):
    venue = _venue(session_id, venue_id)
    return Response(qr.png(_state(venue)["url"], box_size=12), mimetype="image/png",
                    headers=_NO_STORE)


@login_required
def current(session_id: int, venue_id: int):
    venue = _venue(session_id, venue_id)
    return _state(venue), 200, _NO_STORE
