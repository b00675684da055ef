"""URL table of the session set-up pages."""

from flask import Blueprint

from . import views

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/<int:session_id>", "show", views.show)
