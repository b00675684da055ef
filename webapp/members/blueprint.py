"""URL table of the member registry: /members/..."""

from flask import Blueprint

from . import files, views

bp = Blueprint("members", __name__, url_prefix="/members")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/new", "add", views.add, methods=["GET", "POST"])
bp.add_url_rule("/<int:member_id>/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:member_id>/move", "move", views.move, methods=["GET", "POST"])
bp.add_url_rule("/import", "import_file", files.upload, methods=["GET", "POST"])
bp.add_url_rule("/import/confirm", "import_confirm", files.confirm, methods=["POST"])
bp.add_url_rule("/import/jobs/<job_id>", "import_job", files.import_job, methods=["GET", "POST"])
bp.add_url_rule("/export.<any(csv, xlsx):fmt>", "export", files.export)
bp.add_url_rule("/template.<any(csv, xlsx):fmt>", "template", files.template)
