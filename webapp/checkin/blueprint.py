"""URL table of check-in."""

from flask import Blueprint

from . import api, pages, walkins

bp = Blueprint("checkin", __name__)
bp.add_url_rule("/api/v1/sessions/<int:session_id>/checkins", "api_checkins",
                api.post_checkins, methods=["POST"])
bp.add_url_rule("/api/v1/sessions/<int:session_id>/walkins", "api_walkins",
                walkins.post_walkin, methods=["POST"])
bp.add_url_rule("/sessions/<int:session_id>/scan", "scan", pages.scan)
bp.add_url_rule("/sw.js", "service_worker", pages.service_worker)
