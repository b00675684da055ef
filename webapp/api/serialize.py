"""Models -> the JSON of the API contract. Times are ISO 8601 in the session's zone
(e.g. 2023-10-17T07:30:00+07:00), so a device shows local times without a zone database."""

from datetime import datetime

from attendance.checkin import rule
from attendance.models import Category, Document, ExpectedCount, StudySession, Unit, Venue


def iso(value: datetime | None, session: StudySession) -> str | None:
    return value.astimezone(session.zone).isoformat() if value is not None else None


def document_json(document: Document | None) -> dict | None:
    if document is None:
        return None
    return {"id": document.id, "number": document.number, "issuer": document.issuer,
            "issued_on": document.issued_on.isoformat() if document.issued_on else None,
            "title": document.title}


def session_item_json(session: StudySession, venue_count: int) -> dict:
    return {"id": session.id, "title": session.title,
            "starts_at": iso(session.starts_at, session), "ends_at": iso(session.ends_at, session),
            "plan_number": session.plan_number, "document": document_json(session.document),
            "venue_count": venue_count}


def venue_json(venue: Venue) -> dict:
    return {"id": venue.id, "name": venue.name, "kind": venue.kind, "address": venue.address}


def category_json(category: Category) -> dict:
    return {"id": category.id, "name": category.name, "venue_kind": category.venue_kind,
            "headcount_only": category.headcount_only}


def session_json(session: StudySession, *, venues: list[Venue], categories: list[Category],
                 expected: list[ExpectedCount], now: datetime) -> dict:
    return {
        "id": session.id, "title": session.title,
        "starts_at": iso(session.starts_at, session), "ends_at": iso(session.ends_at, session),
        "timezone": session.timezone, "late_grace_minutes": session.late_grace_minutes,
        "checkin_open": rule.window_open(session, now),
        "organizer_unit": ({"id": session.organizer_unit.id, "name": session.organizer_unit.name}
                           if session.organizer_unit is not None else None),
        "plan": {"number": session.plan_number,
                 "date": session.plan_date.isoformat() if session.plan_date else None,
                 "issuer": session.plan_issuer},
        "parent_session_id": session.parent_session_id,
        "venues": [venue_json(v) for v in venues],
        "categories": [category_json(c) for c in categories],
        "expected": [{"venue_id": e.venue_id, "category_id": e.category_id,
                      "expected": e.expected} for e in expected],
    }


def roster_person_json(row, card_digest: str | None = None,
                       session: StudySession | None = None) -> dict:
    """One roster row; only the last four digits of the phone leave the server.
    ``card_digest`` lets the scanner verify the person's live card offline (tokens.card_digest);
    ``checked_in`` (when the row carries it) says when and where the person came in."""
    at = getattr(row, "checked_in_at", None)
    return {"id": row.id, "full_name": row.full_name, "position": row.position,
            "unit": row.unit_name, "category_id": row.category_id, "venue_id": row.venue_id,
            "phone_last4": row.phone[-4:] if row.phone else None,
            "card_version": row.card_version, "card_digest": card_digest,
            "checked_in": None if at is None or session is None else {
                "at": iso(at, session), "venue_id": row.checked_in_venue_id}}


def unit_json(unit: Unit) -> dict:
    return {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind,
            "parent_id": unit.parent_id, "place": unit.place}
