"""URL table of the units: /units/..."""

from flask import Blueprint

from .. import pickers

from . import files, views

bp = Blueprint("units", __name__, url_prefix="/units")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/new", "add", views.add, methods=["GET", "POST"])
bp.add_url_rule("/search", "search", pickers.unit_search)
bp.add_url_rule("/<int:unit_id>/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:unit_id>/retire", "retire", views.retire, methods=["POST"])
bp.add_url_rule("/import", "import_file", files.upload, methods=["GET", "POST"])
bp.add_url_rule("/import/confirm", "import_confirm", files.confirm, methods=["POST"])
bp.add_url_rule("/template.<any(csv, xlsx):fmt>", "template", files.template)
bp.add_url_rule("/export.<any(csv, xlsx):fmt>", "export", files.export)
