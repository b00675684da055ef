"""URL table of reports."""

from flask import Blueprint

from . import views

bp = Blueprint("reports", __name__)
bp.add_url_rule("/sessions/<int:session_id>/report", "summary", views.summary)
bp.add_url_rule("/sessions/<int:session_id>/report/<what>.<fmt>", "download", views.download)
