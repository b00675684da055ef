"""Session pages: thin handlers that load or 404, call one service, render or redirect."""

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from attendance.models import StudySession

from ..extensions import db


@login_required
def index():
    sessions = db.session.scalars(
        select(StudySession).order_by(StudySession.starts_at.desc())).all()
    return render_template("sessions/index.html", sessions=sessions)


@login_required
def show(session_id: int):
    session = db.session.get(StudySession, session_id) or abort(404)
    return render_template("sessions/show.html", session=session, user=current_user)
