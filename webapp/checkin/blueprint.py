"""URL table of check-in."""

from flask import Blueprint

from . import api

bp = Blueprint("checkin", __name__)
bp.add_url_rule("/api/v1/sessions/<int:session_id>/checkins", "api_checkins",
                api.post_checkins, methods=["POST"])
