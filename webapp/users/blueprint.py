"""URL table of the users page."""

from flask import Blueprint

from . import views

bp = Blueprint("users", __name__, url_prefix="/users")
bp.add_url_rule("/", "index", views.index)
