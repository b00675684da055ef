"""POST /api/v1/sessions/{id}/checkins: a batch of scans (a single scan is a batch of one)."""

from datetime import datetime, timezone

from flask import request

from attendance.checkin.batch import ScanItem, record_scans
from attendance.ids import row_id
from attendance.permissions import may_ever_check_in

from .. import limits, metrics
from ..auth import request_actor
from ..database import autocommit_engine
from ..errors import json_error
from ..extensions import db
from . import card_key, session_copy, venue_copy
from .serialize import scan_json

MAX_BATCH = 500


def post_checkins(session_id: int):
    actor = request_actor()
    if actor is None:
        return json_error("unauthorized", 401)
    if not may_ever_check_in(actor):  # the whole batch, before anything is written
        return json_error("may_not_check_in", 403)
    if limits.refusals_exhausted(actor.id):
        return json_error("rate_limited", 429)
    session = session_copy(session_id)
    if session is None:
        return json_error("not_found", 404)
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or len(items) > MAX_BATCH:
        return json_error("bad_batch", 400)
    if not all(isinstance(item, dict) for item in items):
        return json_error("bad_batch", 400)
    now = datetime.now(timezone.utc)
    # Only the venues this batch names: a national session has thousands.
    venue_ids = {row_id(item.get("venue_id")) for item in items} - {None}
    venues = {v.id: v for v in map(venue_copy, venue_ids) if v and v.session_id == session.id}
    device = (request.headers.get("X-Device") or request.user_agent.string or "")[:100]
    with _connection(single_scan=len(items) == 1) as connection:
        results = record_scans(
            connection, key=card_key(), session=session, venues=venues, now=now, actor=actor,
            device=device,
            items=[ScanItem(nonce=str(item.get("nonce") or ""), method=_method(item),
                            venue_id=row_id(item.get("venue_id")),
                            token=None if item.get("token") is None else str(item["token"]),
                            person_id=row_id(item.get("person_id")),
                            scanned_at=_parse_time(item.get("scanned_at")),
                            last_contact=_parse_time(item.get("last_contact")))
                   for item in items])
    limits.count_refusals(actor.id, sum(r.outcome == "rejected" for r in results))
    metrics.count_scans(results, [getattr(venues.get(row_id(item.get("venue_id"))), "kind", "")
                                  for item in items])
    messages: dict = {}
    # server_time: what the device keeps as its last contact, and sends back with its scans
    return {"results": [scan_json(r, messages) for r in results], "server_time": now.isoformat()}


def _connection(single_scan: bool):
    """The scans' own Core connection (no ORM session work on the hot path). One scan on
    PostgreSQL runs in autocommit: the rule checks a fresh scan in with one statement, so BEGIN
    and COMMIT would only add two round trips. A batch, or SQLite (three statements), gets one
    transaction, committed on leaving the block."""
    if single_scan and db.engine.dialect.name == "postgresql":
        return autocommit_engine().connect()
    return db.engine.begin()


def _method(item: dict) -> str:
    if item.get("token"):
        return "card"
    method = item.get("method")
    return method if method in ("manual", "walk_in") else "manual"


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


