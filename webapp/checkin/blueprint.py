"""URL table of check-in."""

from flask import Blueprint

from . import api, corrections, pages, walkins

bp = Blueprint("checkin", __name__)
bp.add_url_rule("/api/v1/sessions/<int:session_id>/checkins", "api_checkins",
                api.post_checkins, methods=["POST"])
bp.add_url_rule("/api/v1/sessions/<int:session_id>/walkins", "api_walkins",
                walkins.post_walkin, methods=["POST"])
bp.add_url_rule("/sessions/<int:session_id>/scan", "scan", pages.scan)
bp.add_url_rule("/sw.js", "service_worker", pages.service_worker)
bp.add_url_rule("/sessions/<int:session_id>/attendance", "attendance_list",
                corrections.attendance_list)
bp.add_url_rule("/sessions/<int:session_id>/attendance/<int:attendance_id>", "attendance_detail",
                corrections.attendance_detail)
bp.add_url_rule("/sessions/<int:session_id>/attendance/<int:attendance_id>/correct", "correct",
                corrections.correct, methods=["POST"])
