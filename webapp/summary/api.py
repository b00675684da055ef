"""GET /api/v1/sessions/{id}/summary: expected and actual attendance per venue and category."""

from flask import request

from attendance import permissions
from attendance.figures.summary import Summary, summarize
from attendance.ids import row_id
from attendance.models import Venue

from ..errors import json_error
from ..extensions import db
from ..loading import api_view


@api_view()
def get_summary(session, actor):
    raw = request.args.get("venue_id", "").strip()
    if raw and not raw.isdigit():
        return json_error("bad_request", 400)
    venue_id = row_id(int(raw)) if raw else None  # None too for ids no row can have
    # Load only the venues asked for or allowed: a national session has thousands.
    if permissions.can_read_all(actor, session):
        wanted = db.session.get(Venue, venue_id) if venue_id else None
        venues = [wanted] if raw else list(session.venues)
    else:
        own_id = permissions.assigned_venue_id(actor, session)
        own = db.session.get(Venue, own_id) if own_id else None
        venues = [own] if own is not None and (not raw or own.id == venue_id) else []
    venues = [v for v in venues if v is not None and v.session_id == session.id
              and permissions.can_read_venue(actor, v, session)]
    if not venues:
        return json_error("forbidden", 403)
    return summary_json(summarize(db.session, session, venues))


def summary_json(summary: Summary) -> dict:
    return {
        "session_id": summary.session.id,
        "venues": [{
            "id": row.venue.id, "name": row.venue.name, "kind": row.venue.kind,
            "readiness": row.venue.readiness,
            "signed_off": row.venue.signed_off_at is not None,
            "roll_closed": row.venue.roll_closed_at is not None,
            "categories": [{"id": c.category.id, "name": c.category.name,
                            "headcount_only": c.category.headcount_only, **c.figures.as_dict()}
                           for c in row.categories],
            "totals": row.totals.as_dict(),
        } for row in summary.venues],
        "totals": summary.totals.as_dict(),
    }
