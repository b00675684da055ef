"""URL table of the roster: /sessions/<session_id>/roster/..."""

from flask import Blueprint

from . import from_members, imports, views

bp = Blueprint("roster", __name__, url_prefix="/sessions/<int:session_id>/roster")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/new", "add", views.add, methods=["GET", "POST"])
bp.add_url_rule("/<int:person_id>/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:person_id>/remove", "remove", views.remove, methods=["POST"])
bp.add_url_rule("/import", "import_file", imports.upload, methods=["GET", "POST"])
bp.add_url_rule("/import/confirm", "import_confirm", imports.confirm, methods=["POST"])
bp.add_url_rule("/template.<any(csv, xlsx):fmt>", "template", imports.template)
bp.add_url_rule("/from-members", "from_members", from_members.from_members,
                 methods=["GET", "POST"])
