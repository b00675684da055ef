"""URL table of closing the roll, online participants and exits."""

from flask import Blueprint

from . import close, exits, join, online

bp = Blueprint("presence", __name__)
_S = "/sessions/<int:session_id>"
bp.add_url_rule(f"{_S}/close", "close_page", close.page)
bp.add_url_rule(f"{_S}/close", "close", close.close, methods=["POST"])
bp.add_url_rule(f"{_S}/reopen", "reopen", close.reopen, methods=["POST"])
bp.add_url_rule("/api/v1/sessions/<int:session_id>/close", "api_close", close.api_close,
                methods=["POST"])
bp.add_url_rule(f"{_S}/online", "online_import", online.upload, methods=["GET", "POST"])
bp.add_url_rule(f"{_S}/online/confirm", "online_confirm", online.confirm, methods=["POST"])
bp.add_url_rule(f"{_S}/join-links.csv", "join_links", join.links_csv)
bp.add_url_rule("/j/<token>", "join", join.open_link)
bp.add_url_rule(f"{_S}/attendance/<int:attendance_id>/exit", "exit", exits.mark_exit,
                methods=["POST"])
bp.add_url_rule(f"{_S}/venues/<int:venue_id>/exits", "venue_exits", exits.venue_exits,
                methods=["GET", "POST"])
bp.add_url_rule("/api/v1/sessions/<int:session_id>/exits", "api_exit", exits.api_exit,
                methods=["POST"])
