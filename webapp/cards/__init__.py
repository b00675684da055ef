"""Printed QR material: invitation-card and poster PDFs, a person's card page, reissue."""

import io
from datetime import datetime, timezone

from flask import url_for

from attendance.jobs.exports import write_cards
from attendance.models import StudySession
from attendance.online.join import JoinLinks
from attendance.printing import cards, invitations, posters

from ..checkin import card_key, join_key
from ..public_links import is_local_address, public_base, public_url


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
    app.jinja_env.globals["poster_base_url"] = poster_base_url
    app.jinja_env.globals["is_local_address"] = is_local_address
    app.jinja_env.globals["public_url"] = public_url


def poster_base_url(session: StudySession | None = None) -> str:
    """The address the posters' QR codes start with (webapp.public_links)."""
    return public_base(session)


def join_links(session: StudySession, base_url: str | None = None) -> JoinLinks:
    """The session's personal join links: on ``base_url``, else poster_base_url()."""
    return JoinLinks(base_url or poster_base_url(session), join_key())


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
    base = poster_base_url(session)
    posters.build_posters(out, session, list(session.venues), url_for_venue or (
        lambda venue: base + url_for("selfcheckin.start", code=venue.code)))
    return out.getvalue()


def self_checkin_url(venue) -> str:
    return public_url(venue.session, "selfcheckin.start", code=venue.code)


def pdf_name(prefix: str, session: StudySession) -> str:
    return f"{prefix}-hoi-nghi-{session.id}.pdf"



def invitations_pdf(db, session: StudySession, *, venue_id: int | None = None,
                    unit=None, base_url: str | None = None) -> bytes:
    """The signed invitation letters (giấy mời) of a session, one venue or one unit; the join
    links of those invited online start with ``base_url`` (default: poster_base_url())."""
    out = io.BytesIO()
    infos = invitations.invitation_infos(db, session, venue_id=venue_id,
                                         unit_id=unit.id if unit is not None else None)
    invitations.build_invitations(out, session, infos, key=card_key(), unit=unit,
                                  on=now().astimezone(session.zone).date(),
                                  join=join_links(session, base_url))
    return out.getvalue()
