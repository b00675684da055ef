"""URL table of the roll pages, the roll batch API and the make-up study page."""

from flask import Blueprint

from . import api, link, makeup, views

bp = Blueprint("roll", __name__)
_VENUE = "/sessions/<int:session_id>/venues/<int:venue_id>/roll"
bp.add_url_rule("/sessions/<int:session_id>/roll", "index", views.index)
bp.add_url_rule(_VENUE, "page", views.page)
bp.add_url_rule(f"{_VENUE}/mark", "mark", views.mark, methods=["POST"])
bp.add_url_rule(f"{_VENUE}/headcount", "headcount", views.headcount, methods=["POST"])
bp.add_url_rule(f"{_VENUE}/link-check", "link_check", link.link_check, methods=["POST"])
bp.add_url_rule(f"{_VENUE}/sign-off", "sign_off", views.sign_off, methods=["POST"])
bp.add_url_rule(f"{_VENUE}/reopen", "reopen", views.reopen, methods=["POST"])
bp.add_url_rule("/api/v1/sessions/<int:session_id>/roll", "api_roll", api.post_roll,
                methods=["POST"])
bp.add_url_rule("/sessions/<int:session_id>/makeup", "makeup", makeup.makeup,
                methods=["GET", "POST"])
