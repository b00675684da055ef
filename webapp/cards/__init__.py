"""Printed QR material: invitation-card and poster PDFs, a person's card page, reissue."""

import io
from datetime import datetime, timezone

from flask import url_for

from attendance.jobs.exports import write_cards
from attendance.models import StudySession
from attendance.printing import cards, posters

from ..checkin import card_key


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)


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
    """One poster per venue; the QR links to the venue's self check-in page."""
    out = io.BytesIO()
    posters.build_posters(out, session, list(session.venues),
                          url_for_venue or self_checkin_url)
    return out.getvalue()


def self_checkin_url(venue) -> str:
    return url_for("selfcheckin.start", code=venue.code, _external=True)


def pdf_name(prefix: str, session: StudySession) -> str:
    return f"{prefix}-hoi-nghi-{session.id}.pdf"

