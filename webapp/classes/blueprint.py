"""URL table of follow-on classes: /classes/..."""

from flask import Blueprint

from . import views

bp = Blueprint("classes", __name__, url_prefix="/classes")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/new/<int:parent_id>", "add", views.add, methods=["GET", "POST"])
bp.add_url_rule("/<int:class_id>/roll", "roll", views.roll, methods=["GET", "POST"])
