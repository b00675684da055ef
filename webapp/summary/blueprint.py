"""URL table of attendance figures."""

from flask import Blueprint

from . import api, dashboard

bp = Blueprint("summary", __name__)
bp.add_url_rule("/api/v1/sessions/<int:session_id>/summary", "api_summary", api.get_summary)
bp.add_url_rule("/sessions/<int:session_id>/dashboard", "dashboard", dashboard.dashboard)
