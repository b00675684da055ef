"""POST /api/v1/sessions/{id}/roll: a batch of roll items from a phone's offline queue: marks,
and the point's headcounts, the link checklist and sign-off (``kind`` with the form's ``fields``)."""

from datetime import datetime, timezone

from flask import request
from sqlalchemy import select

from attendance.ids import row_id
from attendance.models import Venue
from attendance.permissions import may_ever_check_in
from attendance.roll.batch import MarkResult, record_item

from ..checkin.api import MAX_BATCH, _parse_time
from ..errors import json_error, message
from ..extensions import db
from ..loading import api_view


@api_view()
def post_roll(session, actor):
    if not may_ever_check_in(actor):  # the whole batch, before anything is written
        return json_error("may_not_check_in", 403)
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or len(items) > MAX_BATCH \
            or not all(isinstance(item, dict) for item in items):
        return json_error("bad_batch", 400)
    venue_ids = {row_id(item.get("venue_id")) for item in items} - {None}
    venues = {v.id: v for v in db.session.scalars(
        select(Venue).where(Venue.id.in_(venue_ids), Venue.session_id == session.id))}
    now = datetime.now(timezone.utc)
    device = (request.headers.get("X-Device") or request.user_agent.string or "")[:100]
    results = [record_item(
        db.session, session=session, venue=venues.get(row_id(item.get("venue_id"))), item=item,
        now=now, actor=actor, recorded_at=_parse_time(item.get("recorded_at")), device=device,
        last_contact=_parse_time(item.get("last_contact")))
        for item in items]
    db.session.commit()
    return {"results": [mark_json(r) for r in results]}


def mark_json(result: MarkResult) -> dict:
    person = result.person
    return {
        "nonce": result.nonce, "kind": result.kind, "outcome": result.outcome,
        "code": result.code,
        "message": "" if result.outcome == "accepted" else message(result.code),
        "person": None if person is None else {"id": person.id, "full_name": person.full_name},
        "status": result.status,
    }
