"""Printed QR material: invitation-card and poster PDFs, a person's card page, reissue."""

import io
from datetime import datetime, timezone

from urllib.parse import urlsplit

from flask import current_app, request, url_for

from attendance.jobs.exports import write_cards
from attendance.models import StudySession
from attendance.printing import cards, invitations, posters

from ..checkin import card_key


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
    app.jinja_env.globals["poster_base_url"] = poster_base_url
    app.jinja_env.globals["is_local_address"] = is_local_address


def poster_base_url() -> str:
    """The address the posters' QR codes start with: PUBLIC_BASE_URL when it is set, else the
    address this page was asked on (which, behind a proxy, PROXY_FIX makes the public one)."""
    configured = current_app.config.get("PUBLIC_BASE_URL", "")
    return (configured or request.host_url).rstrip("/")


def is_local_address(base_url: str) -> bool:
    """A base a participant's phone cannot reach: this machine's own loopback name."""
    host = (urlsplit(base_url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost")


def now() -> datetime:
    return datetime.now(timezone.utc)


def cards_pdf(db, session: StudySession, *, venue_id: int | None = None,
              person_id: int | None = None) -> bytes:
    """The invitation cards of a session (one venue, or one person) as PDF bytes."""
    out = io.BytesIO()
    infos = cards.card_infos(db, session, venue_id=venue_id, person_id=person_id)
    write_cards(out, session, infos, key=card_key())
    return out.getvalue()


def posters_pdf(session: StudySession, url_for_venue=None) -> bytes:
    """One poster per venue; the QR links to the venue's self check-in page, on
    poster_base_url()."""
    out = io.BytesIO()
    base = poster_base_url()
    posters.build_posters(out, session, list(session.venues), url_for_venue or (
        lambda venue: base + url_for("selfcheckin.start", code=venue.code)))
    return out.getvalue()


def self_checkin_url(venue) -> str:
    return url_for("selfcheckin.start", code=venue.code, _external=True)


def pdf_name(prefix: str, session: StudySession) -> str:
    return f"{prefix}-hoi-nghi-{session.id}.pdf"



def invitations_pdf(db, session: StudySession, *, venue_id: int | None = None,
                    unit=None) -> bytes:
    """The signed invitation letters (giấy mời) of a session, one venue or one unit."""
    out = io.BytesIO()
    infos = invitations.invitation_infos(db, session, venue_id=venue_id,
                                         unit_id=unit.id if unit is not None else None)
    invitations.build_invitations(out, session, infos, key=card_key(), unit=unit,
                                  on=now().astimezone(session.zone).date())
    return out.getvalue()
