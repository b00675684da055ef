"""URL table of result reports, essays and the consolidated learning-outcome report."""

from flask import Blueprint

from . import consolidated, essays, reports, study_record, unit_document

bp = Blueprint("outcomes", __name__)
_S = "/sessions/<int:session_id>"
bp.add_url_rule(f"{_S}/reports", "tracking", reports.tracking)
bp.add_url_rule(f"{_S}/reports/units", "units", reports.units, methods=["GET", "POST"])
bp.add_url_rule(f"{_S}/reports/<int:unit_id>", "report", reports.report,
                methods=["GET", "POST"])
bp.add_url_rule(f"{_S}/reports/<int:unit_id>/review", "review", reports.review,
                methods=["POST"])
bp.add_url_rule(f"{_S}/reports/<int:unit_id>/plan", "plan", reports.plan)
bp.add_url_rule(f"{_S}/reports/<int:unit_id>.pdf", "report_pdf", unit_document.report_pdf)
bp.add_url_rule(f"{_S}/reports/<int:unit_id>/signed", "signed", unit_document.signed,
                methods=["GET", "POST"])
bp.add_url_rule(f"{_S}/essays", "essays", essays.page, methods=["GET", "POST"])
bp.add_url_rule(f"{_S}/essays/import", "essays_import", essays.import_file, methods=["POST"])
bp.add_url_rule(f"{_S}/essays/template.csv", "essays_template", essays.template)
bp.add_url_rule(f"{_S}/outcomes", "consolidated", consolidated.page)
bp.add_url_rule(f"{_S}/outcomes/recompute", "recompute", consolidated.recompute,
                methods=["POST"])
bp.add_url_rule(f"{_S}/outcomes.<fmt>", "download", consolidated.download)
bp.add_url_rule(f"{_S}/outcomes-units.csv", "units_csv", consolidated.units_csv)
bp.add_url_rule("/members/<int:member_id>/study-record", "study_record", study_record.page)
