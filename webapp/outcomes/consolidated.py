"""The consolidated learning-outcome report: a page with download buttons (CSV, XLSX, PDF)."""

import io
from datetime import datetime, timezone

from flask import abort, render_template, send_file

from attendance import permissions
from attendance.models import StudySession
from attendance.reports.outcomes import FORMATS, build_outcomes, export_cascade_csv
from attendance.reports.outcomes_export import export_outcomes

from ..auth import role_required
from ..extensions import db

_MIMETYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


@role_required(permissions.can_read_all)
def page(session_id: int):
    session = db.session.get(StudySession, session_id) or abort(404)
    outcomes = build_outcomes(db.session, session, now=_now())
    return render_template("outcomes/consolidated.html", session=session, outcomes=outcomes,
                           formats=FORMATS)


@role_required(permissions.can_read_all)
def download(session_id: int, fmt: str):
    session = db.session.get(StudySession, session_id) or abort(404)
    if fmt not in FORMATS:
        abort(404)
    out = io.BytesIO()
    export_outcomes(db.session, session, fmt, out, now=_now())
    out.seek(0)
    return send_file(out, mimetype=_MIMETYPES[fmt], as_attachment=True,
                     download_name=f"bao-cao-ket-qua-hoc-tap-{session.id}.{fmt}")


@role_required(permissions.can_read_all)
def units_csv(session_id: int):
    session = db.session.get(StudySession, session_id) or abort(404)
    out = io.BytesIO()
    export_cascade_csv(db.session, session, out)
    out.seek(0)
    return send_file(out, mimetype=_MIMETYPES["csv"], as_attachment=True,
                     download_name=f"ket-qua-hoc-tap-theo-don-vi-{session.id}.csv")
