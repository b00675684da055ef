"""URL table of jobs: the exports API, a job's state and file, the job pages."""

from flask import Blueprint

from . import api, views

api_bp = Blueprint("jobs_api", __name__, url_prefix="/api/v1")
api_bp.add_url_rule("/sessions/<int:session_id>/exports", "post_export", api.post_export,
                    methods=["POST"])
api_bp.add_url_rule("/jobs/<job_id>", "get_job", api.get_job)
api_bp.add_url_rule("/jobs/<job_id>/download", "download", api.download)

bp = Blueprint("jobs", __name__, url_prefix="/sessions/<int:session_id>")
bp.add_url_rule("/exports", "start", views.start, methods=["POST"])
bp.add_url_rule("/jobs/<job_id>", "show", views.show)
bp.add_url_rule("/jobs/<job_id>/import", "import_confirm", views.import_confirm, methods=["POST"])
