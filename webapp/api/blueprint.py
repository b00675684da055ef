"""URL table of the read API (/api/v1) and its OpenAPI description. Check-ins and the summary
are registered by webapp.checkin and webapp.summary under the same /api/v1 prefix."""

from flask import Blueprint

from . import outcomes, setup, views

bp = Blueprint("api", __name__, url_prefix="/api")
bp.add_url_rule("/openapi.json", "openapi", views.openapi)
bp.add_url_rule("/v1/sessions", "sessions", views.sessions)
bp.add_url_rule("/v1/sessions", "create_session", setup.create_session, methods=["POST"])
bp.add_url_rule("/v1/units", "units", setup.list_units)
bp.add_url_rule("/v1/sessions/<int:session_id>", "session", views.session)
bp.add_url_rule("/v1/sessions/<int:session_id>/roster", "roster", views.roster)
bp.add_url_rule("/v1/sessions/<int:session_id>/outcomes", "outcomes", outcomes.get_outcomes)
bp.add_url_rule("/v1/sessions/<int:session_id>/roster", "import_roster", setup.import_roster,
                methods=["POST"])
