"""Read API: sessions, one session's set-up, the roster snapshot an offline scanner keeps.

Organizers and viewers read every session in their scope; staff and coordinators only their
own venue of the sessions they are assigned to. Errors are JSON ({"error": {"code", "message"}}) by webapp.errors for every
/api/ path; Flask-Login answers 401 there when neither a Bearer token nor a login is given."""

from datetime import datetime, timezone

from flask import abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from attendance.checkin import tokens
from attendance.models import ATTENDED, Attendance, ExpectedCount, Person, StudySession, Venue
from attendance.permissions import can_read_all, can_read_venue
from attendance.sessions.overview import scoped

from ..checkin import card_key
from ..extensions import db
from ..loading import api_view
from . import serialize
from .openapi import SPEC


def openapi():
    return jsonify(SPEC)


@login_required
def sessions():
    query = scoped(select(StudySession).options(selectinload(StudySession.document)),
                   current_user)
    found = db.session.scalars(query.order_by(StudySession.starts_at.desc(),
                                              StudySession.id.desc())).all()
    counts = dict(db.session.execute(
        select(Venue.session_id, func.count(Venue.id))
        .where(Venue.session_id.in_([s.id for s in found])).group_by(Venue.session_id)).all())
    return {"sessions": [serialize.session_item_json(s, counts.get(s.id, 0)) for s in found]}


def _readable_venues(session: StudySession, actor) -> list[Venue]:
    venues = [v for v in session.venues if can_read_venue(actor, v, session)]
    if not venues and not can_read_all(actor, session):
        abort(403)  # organizers and viewers read a session that has no venue yet
    return venues


@api_view()
def session(study_session, actor):
    venues = _readable_venues(study_session, actor)
    kinds = {v.kind for v in venues}
    expected = db.session.scalars(
        select(ExpectedCount).where(ExpectedCount.venue_id.in_([v.id for v in venues]))
        .order_by(ExpectedCount.venue_id, ExpectedCount.category_id)).all()
    return serialize.session_json(
        study_session, venues=venues, expected=expected, now=datetime.now(timezone.utc),
        categories=[c for c in study_session.categories if c.venue_kind in kinds])


def _roster_venues(study_session: StudySession, actor) -> tuple[list[Venue], int | None]:
    """?venue_id= picks one venue (403 if not the caller's); without it, all the caller
    may read: every venue for organizers and viewers (venue_id None), their own for staff
    and coordinators."""
    raw = request.args.get("venue_id", "").strip()
    if raw:
        if not raw.isdigit():
            abort(400)
        venue = next((v for v in study_session.venues if v.id == int(raw)), None) or abort(404)
        if not can_read_venue(actor, venue, study_session):
            abort(403)
        return [venue], venue.id
    venues = _readable_venues(study_session, actor)
    return venues, None if can_read_all(actor, study_session) else venues[0].id


@api_view()
def roster(study_session, actor):
    venues, venue_id = _roster_venues(study_session, actor)
    # Who is in already (present or late, anywhere): the scanner's search says so.
    query = select(Person.id, Person.full_name, Person.position, Person.unit_name,
                   Person.category_id, Person.venue_id, Person.phone, Person.card_version,
                   Attendance.at.label("checked_in_at"),
                   Attendance.venue_id.label("checked_in_venue_id")
                   ).outerjoin(Attendance, (Attendance.session_id == Person.session_id)
                               & (Attendance.person_id == Person.id)
                               & Attendance.status.in_(ATTENDED)
                               ).where(Person.session_id == study_session.id)
    if venue_id is not None or not can_read_all(actor, study_session):
        query = query.where(Person.venue_id.in_([v.id for v in venues]))
    rows = db.session.execute(query.order_by(Person.venue_id, Person.search_name,
                                             Person.id)).all()
    key = card_key()
    return {
        "session_id": study_session.id,
        "venue_id": venue_id,
        "generated_at": serialize.iso(datetime.now(timezone.utc), study_session),
        # sha256-128: how "card_digest" is made, so a scanner knows what it can verify
        "card_check": "sha256-128",
        "people": [serialize.roster_person_json(row, tokens.card_digest(
            key, study_session.id, row.id, row.card_version), study_session) for row in rows],
    }
