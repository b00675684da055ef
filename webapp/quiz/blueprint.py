"""URL table of the knowledge check."""

from flask import Blueprint

from . import admin, public

bp = Blueprint("quiz", __name__)
_S = "/sessions/<int:session_id>"
bp.add_url_rule(f"{_S}/quiz", "edit", admin.edit, methods=["GET", "POST"])
bp.add_url_rule(f"{_S}/quiz/state", "state", admin.state, methods=["POST"])
bp.add_url_rule(f"{_S}/quiz/results", "results", admin.results)
bp.add_url_rule(f"{_S}/venues/<int:venue_id>/quiz-screen", "screen", admin.screen)
bp.add_url_rule(f"{_S}/venues/<int:venue_id>/quiz.png", "screen_png", admin.screen_png)
bp.add_url_rule("/q/<code>", "start", public.start, methods=["GET", "POST"])
bp.add_url_rule("/q/<code>/answer", "answer", public.answer, methods=["POST"])
