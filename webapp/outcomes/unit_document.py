"""A unit's result report as its own party document (PDF in the unit's letterhead) and the
signed, stamped copy the reporter attaches. The unit's reporter and organizers see both."""

import io
from datetime import datetime, timezone

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from attendance import permissions
from attendance.errors import DomainError, ValidationError
from attendance.models import StudySession
from attendance.outcomes import reports as rr
from attendance.outcomes import signed_copy
from attendance.reports.unit_report_pdf import write_unit_report

from ..errors import flash_error, message
from ..extensions import db
from .reports import plans_folder


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _report(session_id: int, unit_id: int):
    session = db.session.get(StudySession, session_id) or abort(404)
    if not permissions.can_report_for(current_user, unit_id):
        abort(403)
    return session, rr.report_for(db.session, session, unit_id)


@login_required
def report_pdf(session_id: int, unit_id: int):
    session, report = _report(session_id, unit_id)
    out = io.BytesIO()
    write_unit_report(db.session, report, out, now=_now())
    out.seek(0)
    return send_file(out, mimetype="application/pdf", as_attachment=True,
                     download_name=f"bao-cao-{report.unit.code or report.unit_id}-{session.id}.pdf")


@login_required
def signed(session_id: int, unit_id: int):
    session, report = _report(session_id, unit_id)
    if request.method == "GET":
        path = signed_copy.scan_path(report, plans_folder())
        if not path.is_file():
            abort(404)
        return send_file(path, mimetype=signed_copy.KINDS[report.scan_kind], as_attachment=True,
                         download_name=report.scan_filename)
    upload = request.files.get("scan_file")
    try:
        replaced = signed_copy.attach_scan(
            db.session, report, upload.read() if upload else b"",
            upload.filename if upload else "", folder=plans_folder(), now=_now(),
            actor=current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(message(next(iter(error.errors.values()))), "error")
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
    else:
        db.session.commit()
        rr.discard_plan_file(plans_folder(), session.id, replaced)
        flash(_("Đã gửi bản báo cáo đã ký, đóng dấu."), "success")
    return redirect(url_for(".report", session_id=session.id, unit_id=unit_id))
