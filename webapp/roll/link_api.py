"""POST /api/v1/sessions/{id}/link-checks: the bridge points' checklist forms from a phone's
offline queue (static/js/link-check.js), each ``{"nonce", "venue_id", "fields",
"recorded_at"}``; answers ``{"results": [{"nonce", "outcome", "code", "message",
"readiness"}]}``."""

from datetime import datetime, timezone

from flask import request
from sqlalchemy import select

from attendance.ids import row_id
from attendance.models import Venue
from attendance.permissions import may_ever_check_in
from attendance.roll.link_queue import CheckResult, record_checklist

from ..checkin.api import MAX_BATCH, _parse_time
from ..errors import json_error, message
from ..extensions import db
from ..loading import api_view


@api_view()
def post_link_checks(session, actor):
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
    results = [record_checklist(
        db.session, session=session, venue=venues.get(row_id(item.get("venue_id"))),
        nonce=item.get("nonce"), fields=item.get("fields"), now=now, actor=actor,
        recorded_at=_parse_time(item.get("recorded_at")), device=device) for item in items]
    db.session.commit()
    return {"results": [check_json(r) for r in results], "server_time": now.isoformat()}


def check_json(result: CheckResult) -> dict:
    return {"nonce": result.nonce, "outcome": result.outcome, "code": result.code,
            "message": "" if result.outcome == "accepted" else message(result.code),
            "field": result.field, "readiness": result.readiness}
