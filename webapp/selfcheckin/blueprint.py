"""URL table of self check-in and the venue display."""

from flask import Blueprint

from . import display, views

bp = Blueprint("selfcheckin", __name__)
bp.add_url_rule("/c/<code>", "start", views.start, methods=["GET", "POST"])
bp.add_url_rule("/c/<code>/walk-in", "walk_in", views.walk_in, methods=["GET", "POST"])
bp.add_url_rule("/sessions/<int:session_id>/venues/<int:venue_id>/display", "display",
                display.page)
bp.add_url_rule("/sessions/<int:session_id>/venues/<int:venue_id>/presence.png",
                "presence_png", display.png)
bp.add_url_rule("/sessions/<int:session_id>/venues/<int:venue_id>/presence.json",
                "presence_json", display.current)
