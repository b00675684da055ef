"""The consolidated learning-outcome report: a page with download buttons (CSV, XLSX, PDF)."""

import io
from datetime import datetime, timezone

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from attendance import jobs
from attendance.outcomes import kept
from attendance.reports.csv import DEFAULT_DIALECT, DIALECTS
from attendance.reports.outcomes import FORMATS, build_outcomes, export_cascade_csv
from attendance.reports.outcomes_export import export_outcomes
from attendance.reports.outcomes_units import cascade_view

from ..extensions import db
from ..jobs import queue
from ..jobs import views as job_views
from ..loading import session_or_404
from .shown import shown_cascade

_MIMETYPES = {"csv": "text/csv", "pdf": "application/pdf",  # Werkzeug adds the charset
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


@login_required
def page(session_id: int):
    session = session_or_404(current_user, session_id, read_all=True)
    shown = shown_cascade(session)
    if shown.pending:
        return render_template("outcomes/computing.html", session=session,
                               fresh_minutes=int(kept.FRESH_FOR.total_seconds() // 60))
    outcomes = build_outcomes(db.session, session, now=_now(), cascade=shown.cascade)
    view = cascade_view(outcomes.cascade, request.args.get("unit", type=int))
    if view is None:  # a unit outside this session's tree
        abort(404)
    return render_template("outcomes/consolidated.html", session=session, outcomes=outcomes,
                           view=view, formats=FORMATS, shown=shown,
                           fresh_minutes=int(kept.FRESH_FOR.total_seconds() // 60))


@login_required
def recompute(session_id: int):
    """Recompute the kept figures now (in the background), e.g. after entering a class's
    roll: the page shows the kept ones, at most kept.FRESH_FOR old, until then."""
    session = session_or_404(current_user, session_id, read_all=True)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if kept.kept_at(db.session, session.id) is None:  # computed for every view: nothing to do
        pass
    elif kept.claim(db.session, session.id, now=_now()):
        db.session.commit()
        queue.refresh_cascade(current_app._get_current_object(), session.id)
        flash(_("Đang tính lại số liệu; tải lại trang sau ít phút để xem."),
              "info")
    else:
        db.session.commit()
        flash(_("Số liệu đang được tính lại."), "info")
    return redirect(url_for("outcomes.consolidated", session_id=session.id), 303)


@login_required
def download(session_id: int, fmt: str):
    session = session_or_404(current_user, session_id, read_all=True)
    if fmt not in FORMATS:
        abort(404)
    dialect = request.args.get("dialect", DEFAULT_DIALECT)
    if dialect not in DIALECTS:
        abort(404)
    if jobs.size(db.session, session, "outcomes") > current_app.config["JOBS_DIRECT_UNITS"]:
        # made in the background, with progress (a gunicorn worker is stopped after 30 s)
        return job_views.offer(session, "outcomes", fmt, dialect=dialect)
    out = io.BytesIO()
    export_outcomes(db.session, session, fmt, out, now=_now(), dialect=dialect)
    out.seek(0)
    return send_file(out, mimetype=_MIMETYPES[fmt], as_attachment=True,
                     download_name=f"bao-cao-ket-qua-hoc-tap-{session.id}.{fmt}")


@login_required
def units_csv(session_id: int):
    session = session_or_404(current_user, session_id, read_all=True)
    dialect = request.args.get("dialect", DEFAULT_DIALECT)
    if dialect not in DIALECTS:
        abort(404)
    out = io.BytesIO()
    export_cascade_csv(db.session, session, out, dialect=dialect)
    out.seek(0)
    return send_file(out, mimetype=_MIMETYPES["csv"], as_attachment=True,
                     download_name=f"ket-qua-hoc-tap-theo-don-vi-{session.id}.csv")
