"""POST /api/v1/sessions/{id}/walkins: register a walk-in and check them in at once."""

from datetime import datetime, timezone

from flask import request

from attendance.checkin.walkins import check_in_walk_in

from ..errors import json_error
from ..extensions import db
from ..loading import api_view
from . import card_key
from .api import _parse_time
from .serialize import scan_json


@api_view(body=True)
def post_walkin(session, actor, body: dict):
    venue = next((v for v in session.venues if v.id == body.get("venue_id")), None)
    if venue is None:
        return json_error("wrong_venue_session", 400)
    person, result = check_in_walk_in(
        db.session, key=card_key(), session=session, venue=venue,
        nonce=str(body.get("nonce") or ""), now=datetime.now(timezone.utc),
        actor=actor, scanned_at=_parse_time(body.get("scanned_at")),
        last_contact=_parse_time(body.get("last_contact")),
        device=(request.headers.get("X-Device") or request.user_agent.string or "")[:100],
        full_name=_text(body, "full_name"), position=_text(body, "position"),
        unit_name=_text(body, "unit"), category_id=body.get("category_id"),
        phone=_text(body, "phone"), party_member=body.get("party_member") is not False,
        birth_date=_text(body, "birth_date"), cccd=_text(body, "cccd"))
    db.session.commit()
    return {"person": person_json(person), "result": scan_json(result)}, 201


def person_json(person) -> dict:
    """The person as the roster snapshot holds them (same keys as GET .../roster)."""
    return {"id": person.id, "full_name": person.full_name, "position": person.position,
            "unit": person.unit_name, "category_id": person.category_id,
            "venue_id": person.venue_id, "phone_last4": (person.phone or "")[-4:],
            "walk_in": person.walk_in}


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    return value if isinstance(value, str) else ""
