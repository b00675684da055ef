"""URL table of the session set-up pages."""

from flask import Blueprint

from .. import pickers
from . import scale, venues, views

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/<int:session_id>", "show", views.show)
bp.add_url_rule("/<int:session_id>/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:session_id>/window", "window", views.window, methods=["POST"])
bp.add_url_rule("/<int:session_id>/expected", "expected", venues.expected,
                methods=["GET", "POST"])
bp.add_url_rule("/<int:session_id>/venues/search", "venue_search", pickers.search)
bp.add_url_rule("/<int:session_id>/venues/new", "venue_new", venues.venue_new,
                methods=["GET", "POST"])
bp.add_url_rule("/<int:session_id>/venues/<int:venue_id>/edit", "venue_edit",
                venues.venue_edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:session_id>/venues/<int:venue_id>/delete", "venue_delete",
                venues.venue_delete, methods=["POST"])
bp.add_url_rule("/<int:session_id>/categories/new", "category_new", venues.category_new,
                methods=["GET", "POST"])
bp.add_url_rule("/<int:session_id>/categories/<int:category_id>/edit", "category_edit",
                venues.category_edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:session_id>/categories/<int:category_id>/delete", "category_delete",
                venues.category_delete, methods=["POST"])
bp.add_url_rule("/<int:session_id>/points-from-units", "points_from_units",
                scale.points_from_units, methods=["GET", "POST"])
bp.add_url_rule("/<int:session_id>/points-import", "points_import", scale.import_points,
                methods=["POST"])
bp.add_url_rule("/<int:session_id>/points-template.csv", "points_template",
                scale.points_template)
bp.add_url_rule("/<int:session_id>/coordinators", "coordinators", scale.coordinators,
                methods=["POST"])
bp.add_url_rule("/<int:session_id>/copy", "copy", scale.copy, methods=["GET", "POST"])
